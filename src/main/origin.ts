// Which frames may call into the main process: only our own renderer, never a page it navigated
// to, an iframe, or anything else; and which files the app scheme serves. Plain TS (no Electron)
// so it is tested under Node.
import { isAbsolute, join, relative, sep } from 'node:path';

export const APP_SCHEME = 'kontor';
export const APP_ORIGIN = `${APP_SCHEME}://app`;

/** The origins of our renderer: the packaged app's scheme, and the dev server in development. */
export function allowedOrigins(devServerUrl: string | undefined): ReadonlySet<string> {
  const origins = new Set([APP_ORIGIN]);
  if (devServerUrl) origins.add(new URL(devServerUrl).origin);
  return origins;
}

export function isAllowedSender(frameUrl: string | undefined, origins: ReadonlySet<string>): boolean {
  if (!frameUrl) return false;
  try {
    const url = new URL(frameUrl);
    // Custom schemes give the origin 'null' in WHATWG URL; compare scheme and host instead.
    const origin = url.protocol === `${APP_SCHEME}:` ? `${APP_SCHEME}://${url.host}` : url.origin;
    return origins.has(origin);
  } catch {
    return false;
  }
}

/** The parts of an IPC event the sender check reads (Electron's IpcMainInvokeEvent has them). */
export interface SenderEvent {
  readonly senderFrame: { readonly url: string } | null | undefined;
  readonly sender: { readonly mainFrame: unknown };
}

/** Our renderer's own top-level frame: an iframe inside it is refused even at our origin. */
export function isTrustedSender(event: SenderEvent, origins: ReadonlySet<string>): boolean {
  const frame = event.senderFrame;
  if (!frame || frame !== event.sender.mainFrame) return false;
  return isAllowedSender(frame.url, origins);
}

/**
 * The file under `root` that a `kontor://app` path names, or null for anything outside it.
 * The path is decoded first, so `..%2F` and `%2e%2e/` are caught like `../`; a sibling folder
 * whose name starts like the root's (`renderer-x`) is outside too.
 */
export function rendererFile(root: string, urlPathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const path = join(root, decoded);
  const inside = relative(root, path);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) return null;
  return path;
}

// Which frames may call into the main process: only our own renderer, never a page it navigated
// to, an iframe, or anything else. Plain TS (no Electron) so it is tested under Node.

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

// Fetching the feed and the installer it names, over plain HTTP(S), for the places electron-updater
// does not run (tests here, a headless install) and for the checks the app makes itself. A file
// is written to `NAME.partial` beside its final place and renamed there only once its size and
// SHA-512 match the feed: an interrupted download resumes from what it has (HTTP Range), a
// tampered or truncated one is deleted, and a half-written file is never taken for an update.
import { createHash } from 'node:crypto';
import {
  createReadStream,
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import type { UpdateFailure } from '../../shared/contract/updates';
import type { UpdateInfo } from './feed';
import type { UpdateEngine } from './updater';

/** A download that failed, and why, in the updater's words. */
export class DownloadError extends Error {
  constructor(
    readonly reason: UpdateFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface HttpOptions {
  readonly signal?: AbortSignal;
  /** The fetch to use: Electron's net.fetch in the app, so IT's proxy applies; Node's elsewhere. */
  readonly fetch?: typeof fetch;
  /** How long the server may send nothing (no headers, no bytes) before the transfer counts as stalled. */
  readonly idleTimeoutMs: number;
}

/**
 * A GET whose body arrives chunk by chunk to `onChunk`; it fails as `stalled` when nothing comes
 * for `idleTimeoutMs`, and as `offline` when the connection fails or breaks off.
 */
async function get(
  url: URL,
  headers: Record<string, string>,
  { signal, idleTimeoutMs, fetch: send = fetch }: HttpOptions,
  onResponse: (response: Response) => void,
  onChunk: (chunk: Uint8Array) => void,
): Promise<void> {
  const idle = new AbortController();
  let timer = setTimeout(() => idle.abort(), idleTimeoutMs);
  const poke = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), idleTimeoutMs);
  };
  const both = signal ? AbortSignal.any([signal, idle.signal]) : idle.signal;
  try {
    const response = await send(url, { headers, signal: both, redirect: 'follow' });
    poke();
    onResponse(response);
    if (!response.body) return;
    const reader = response.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      poke();
      onChunk(value);
    }
  } catch (error) {
    if (signal?.aborted) throw error;
    if (idle.signal.aborted)
      throw new DownloadError('stalled', `${url.host} stopped sending for ${idleTimeoutMs / 1000} s`);
    if (error instanceof DownloadError) throw error;
    throw new DownloadError('offline', `${url.host} cannot be reached: ${(error as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

/** A text file (a feed), or null when the server has none (404). */
export async function fetchText(url: URL, options: HttpOptions): Promise<string | null> {
  const chunks: Uint8Array[] = [];
  let missing = false;
  await get(
    url,
    {},
    options,
    (response) => {
      if (response.status === 404) missing = true;
      else if (!response.ok) throw new DownloadError('server_error', `${url.host} answered ${response.status}`);
    },
    (chunk) => {
      chunks.push(chunk);
    },
  );
  return missing ? null : Buffer.concat(chunks).toString('utf8');
}

/** A file of the update folder (`base` names a folder whether or not it ends in a slash). */
export function inFolder(name: string, base: URL): URL {
  return new URL(name, base.href.endsWith('/') ? base : new URL(`${base.href}/`));
}

/** The file of an update for this platform: the zip on macOS (what Squirrel.Mac installs), else the first. */
export function updateFile(info: UpdateInfo, platform: NodeJS.Platform): UpdateInfo['files'][number] {
  const files = info.files;
  return (
    (platform === 'darwin' ? files.find((f) => f.url.endsWith('.zip')) : undefined) ??
    (files[0] as UpdateInfo['files'][number])
  );
}

async function digestOf(file: string): Promise<ReturnType<typeof createHash>> {
  const hash = createHash('sha512');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash;
}

export interface DownloadOptions extends HttpOptions {
  /** The feed's folder: the file's URL is relative to it. */
  readonly baseUrl: URL;
  readonly info: UpdateInfo;
  readonly platform: NodeJS.Platform;
  /** Where downloads are kept (a folder per version). */
  readonly dir: string;
  readonly onProgress?: (received: number, total: number) => void;
}

/** Downloads (or finishes downloading) an update's file and returns its path once verified. */
export async function downloadUpdate(options: DownloadOptions): Promise<string> {
  const { info, baseUrl, dir, onProgress } = options;
  const file = updateFile(info, options.platform);
  const url = inFolder(file.url, baseUrl);
  const folder = join(dir, info.version);
  const target = join(folder, basename(url.pathname));
  const partial = `${target}.partial`;
  mkdirSync(folder, { recursive: true });
  if (existsSync(target) && statSync(target).size === file.size) {
    if ((await digestOf(target)).digest('base64') === file.sha512) return target;
    rmSync(target, { force: true });
  }

  let have = existsSync(partial) ? statSync(partial).size : 0;
  if (have > file.size) {
    rmSync(partial, { force: true });
    have = 0;
  }
  let hash = have > 0 ? await digestOf(partial) : createHash('sha512');
  let fd = -1;
  let received = have;
  try {
    await get(
      url,
      have > 0 && have < file.size ? { Range: `bytes=${have}-` } : {},
      options,
      (response) => {
        if (response.status === 404)
          throw new DownloadError('file_missing', `${url.pathname} is not on the update server`);
        if (response.status === 206 && have > 0) {
          fd = openSync(partial, 'a');
          return;
        }
        if (!response.ok) throw new DownloadError('server_error', `${url.host} answered ${response.status}`);
        // The whole file (a server without ranges, or nothing kept): start over.
        fd = openSync(partial, 'w');
        hash = createHash('sha512');
        received = 0;
      },
      (chunk) => {
        hash.update(chunk);
        writeSync(fd, chunk);
        received += chunk.length;
        onProgress?.(received, file.size);
      },
    );
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  if (received !== file.size || hash.digest('base64') !== file.sha512) {
    rmSync(partial, { force: true });
    throw new DownloadError(
      'checksum',
      `${basename(target)} does not match the update feed (${received} of ${file.size} bytes); it was deleted`,
    );
  }
  renameSync(partial, target);
  return target;
}

/** An update engine that downloads with downloadUpdate into `dir` and installs with `install`. */
export function httpEngine(options: {
  baseUrl: URL;
  dir: string;
  platform: NodeJS.Platform;
  idleTimeoutMs: number;
  install: (file: string) => Promise<void>;
}): UpdateEngine {
  let downloaded: string | null = null;
  return {
    async download(info, _channel, onProgress, signal) {
      downloaded = await downloadUpdate({ ...options, info, onProgress, signal });
    },
    async install() {
      if (downloaded === null) throw new Error('nothing downloaded');
      await options.install(downloaded);
    },
  };
}

/** electron-updater's error codes (and Node's network ones) in the updater's words. */
const FAILURES: Record<string, UpdateFailure> = {
  ERR_CHECKSUM_MISMATCH: 'checksum',
  ERR_UPDATER_INVALID_SIGNATURE: 'signature',
  ERR_UPDATER_CHANNEL_FILE_NOT_FOUND: 'feed_missing',
  ERR_UPDATER_LATEST_VERSION_NOT_FOUND: 'feed_missing',
  ERR_UPDATER_INVALID_UPDATE_INFO: 'feed_invalid',
  ERR_UPDATER_INVALID_VERSION: 'feed_invalid',
  ERR_UPDATER_INVALID_RELEASE_FEED: 'feed_invalid',
  ERR_UPDATER_NO_FILES_PROVIDED: 'feed_invalid',
  ERR_UPDATER_NO_CHECKSUM: 'feed_invalid',
  ERR_UPDATER_ASSET_NOT_FOUND: 'file_missing',
  ERR_UPDATER_ZIP_FILE_NOT_FOUND: 'file_missing',
  ERR_UPDATER_BLOCKMAP_FILE_NOT_FOUND: 'file_missing',
  ECONNREFUSED: 'offline',
  ECONNRESET: 'offline',
  ENOTFOUND: 'offline',
  EAI_AGAIN: 'offline',
  ETIMEDOUT: 'stalled',
};

/** An error of electron-updater (or of the network under it) as a DownloadError. */
export function asDownloadError(error: unknown): DownloadError {
  if (error instanceof DownloadError) return error;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  const known = typeof code === 'string' ? FAILURES[code] : undefined;
  const net = /net::ERR_(INTERNET_DISCONNECTED|NAME_NOT_RESOLVED|CONNECTION_REFUSED|CONNECTION_RESET)/.test(text)
    ? 'offline'
    : /net::ERR_TIMED_OUT|timeout/i.test(text)
      ? 'stalled'
      : undefined;
  return new DownloadError(known ?? net ?? 'server_error', text);
}

// Serves the built renderer to a browser on 127.0.0.1 and bridges window.kontor to the router
// over loopback HTTP. Every request needs the per-launch token (a cookie set from ?token=…),
// the Host header must be ours (no DNS rebinding), a request another site starts is refused
// (Origin, Sec-Fetch-Site), and invoke needs a custom header (no CSRF).
// For browser tests and machines without Electron; never part of the packaged app.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, statSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { z } from 'zod';
import type { EventName } from '../shared/contract';
import type { ProgressEvent } from '../shared/contract/bridge';
import type { Result } from '../shared/errors';
import type { CallOptions } from '../core/router';
import { bridgeScript } from './bridge-script';

export interface Invoker {
  call(name: string, input: unknown, options?: CallOptions): Promise<Result<unknown>>;
}

/** Grants procedures of a connection a file (see src/core/files.ts). */
export interface FileGranter {
  grant(connection: string, path: string, access: 'read' | 'write'): string | Promise<string>;
}

export interface WebHostOptions {
  readonly invoker: Invoker;
  /** Lets the browser hand files to procedures (import) and take files from them (export). */
  readonly files?: FileGranter;
  /** Browser tests only (`KONTOR_WEB_TEST_CLOCK=1`): moves the core's clock on instead of waiting. */
  readonly advanceClock?: (ms: number) => void;
  /** Where errors of the host itself go (never to the browser). */
  readonly logger?: { error(message: string, fields?: Record<string, unknown>): void };
  readonly rendererDir: string;
  readonly port?: number;
  readonly token?: string;
}

export interface WebHost {
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  emit(event: EventName, payload: unknown): void;
  close(): Promise<void>;
}

const COOKIE = 'kontor_token';
/** One connection per browser profile: the session the main process keeps for this page. */
const CONNECTION_COOKIE = 'kontor_conn';
const MAX_BODY = 1024 * 1024;
/** The largest file a browser may upload for an import. */
const MAX_UPLOAD = 512 * 1024 * 1024;
const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

const invokeSchema = z.object({
  name: z.string().max(100),
  input: z.unknown(),
  callId: z.string().max(100).optional(),
});
const cancelSchema = z.object({ callId: z.string().max(100) });
const saveSchema = z.object({ name: z.string().min(1).max(200) });

/** A file name without any path: what a browser or a user typed, made safe to put in our folder. */
function plainName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const safe = base.replace(/[^\p{L}\p{N} ._()-]/gu, '_').replace(/^\.+/, '');
  return safe === '' ? 'file' : safe.slice(0, 120);
}

function sameToken(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

const newConnectionCookie = () =>
  `${CONNECTION_COOKIE}=${randomBytes(18).toString('base64url')}; HttpOnly; SameSite=Strict; Path=/`;

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const rendererDir = resolve(options.rendererDir);
  const indexFile = join(rendererDir, 'index.html');
  if (!existsSync(indexFile)) throw new Error(`no built renderer in ${rendererDir}; run npm run build first`);
  /** Event streams by the connection (browser) that opened them: progress goes to its own caller only. */
  const streams = new Map<ServerResponse, string>();
  let allowedOrigins: Set<string> = new Set();
  const running = new Map<string, AbortController>();
  let allowedHosts: Set<string> = new Set();
  /** Files uploaded for imports and written by exports, one folder per file, removed at close. */
  const fileDir = mkdtempSync(join(tmpdir(), 'kontor-web-files-'));
  /** Save files by grant id, with the connection that may download them. */
  const saved = new Map<string, { path: string; name: string; connection: string }>();

  async function serveIndex(res: ServerResponse): Promise<void> {
    const html = (await readFile(indexFile, 'utf8')).replace(
      '<head>',
      '<head>\n    <script src="/__kontor/bridge.js"></script>',
    );
    send(res, 200, html, contentTypes['.html']);
  }

  function serveStatic(pathname: string, res: ServerResponse): boolean {
    const file = normalize(join(rendererDir, decodeURIComponent(pathname)));
    if (!file.startsWith(rendererDir + sep) || !existsSync(file) || !statSync(file).isFile()) return false;
    res.writeHead(200, {
      'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
      'x-content-type-options': 'nosniff',
    });
    createReadStream(file).pipe(res);
    return true;
  }

  async function invoke(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (
      req.method !== 'POST' ||
      req.headers['x-kontor'] !== '1' ||
      !req.headers['content-type']?.startsWith('application/json')
    ) {
      send(res, 400, 'invoke needs POST, content-type application/json and x-kontor: 1');
      return;
    }
    const text = await readBody(req);
    if (text === null) return send(res, 413, 'request too large');
    let parsed;
    try {
      parsed = invokeSchema.safeParse(JSON.parse(text));
    } catch {
      return send(res, 400, 'body is not JSON');
    }
    if (!parsed.success) return send(res, 400, 'body must be {"name": string, "input": any}');
    const connection = cookie(req, CONNECTION_COOKIE);
    if (!connection) return send(res, 400, 'no connection cookie: open the address that `npm run web` printed');
    const { callId } = parsed.data;
    const controller = new AbortController();
    const key = `${connection}:${callId ?? ''}`;
    if (callId) running.set(key, controller);
    try {
      const result = await options.invoker.call(parsed.data.name, parsed.data.input, {
        meta: { connection: `web:${connection}` },
        signal: controller.signal,
        // Only a long call (one with an id) reports progress: a host in server mode streams those alone.
        ...(callId !== undefined && {
          onProgress: (event: ProgressEvent) => emitTo(connection, 'progress', { ...event, callId }),
        }),
      });
      send(res, 200, JSON.stringify(result), 'application/json');
    } finally {
      if (callId) running.delete(key);
    }
  }

  /** Cancels a running call of the same connection (another browser's calls are out of reach). */
  async function cancel(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || req.headers['x-kontor'] !== '1')
      return send(res, 400, 'cancel needs POST and x-kontor: 1');
    const text = await readBody(req);
    let parsed;
    try {
      parsed = cancelSchema.safeParse(JSON.parse(text ?? ''));
    } catch {
      return send(res, 400, 'body is not JSON');
    }
    if (!parsed.success) return send(res, 400, 'body must be {"callId": string}');
    running.get(`${cookie(req, CONNECTION_COOKIE) ?? ''}:${parsed.data.callId}`)?.abort();
    send(res, 204, '');
  }

  async function folderFor(name: string): Promise<string> {
    const folder = join(fileDir, randomBytes(12).toString('hex'));
    await mkdir(folder, { mode: 0o700 });
    return join(folder, plainName(name));
  }

  /** The browser's chosen file, streamed into our folder and granted to its connection for reading. */
  async function upload(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (req.method !== 'POST' || req.headers['x-kontor'] !== '1')
      return send(res, 400, 'upload needs POST and x-kontor: 1');
    if (!options.files) return send(res, 404, 'files are not available here');
    const length = Number(req.headers['content-length'] ?? NaN);
    if (!(length <= MAX_UPLOAD)) {
      return send(res, 413, `an upload needs a Content-Length of at most ${MAX_UPLOAD} bytes`);
    }
    const name = url.searchParams.get('name') ?? 'upload';
    const path = await folderFor(name);
    await pipeline(req, createWriteStream(path, { mode: 0o600 }));
    const connection = cookie(req, CONNECTION_COOKIE) ?? '';
    const fileId = await options.files.grant(`web:${connection}`, path, 'read');
    send(res, 200, JSON.stringify({ fileId, name: plainName(name) }), 'application/json');
  }

  /** A place for a procedure to write a file the browser then downloads (`deliver`). */
  async function save(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || req.headers['x-kontor'] !== '1')
      return send(res, 400, 'save needs POST and x-kontor: 1');
    if (!options.files) return send(res, 404, 'files are not available here');
    let parsed;
    try {
      parsed = saveSchema.safeParse(JSON.parse((await readBody(req)) ?? ''));
    } catch {
      return send(res, 400, 'body is not JSON');
    }
    if (!parsed.success) return send(res, 400, 'body must be {"name": string}');
    const path = await folderFor(parsed.data.name);
    const connection = cookie(req, CONNECTION_COOKIE) ?? '';
    const fileId = await options.files.grant(`web:${connection}`, path, 'write');
    saved.set(fileId, { path, name: plainName(parsed.data.name), connection });
    send(res, 200, JSON.stringify({ fileId, name: plainName(parsed.data.name) }), 'application/json');
  }

  /** Sends a written save file to the connection that asked for it, once. */
  function deliver(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const file = saved.get(url.searchParams.get('id') ?? '');
    if (!file || file.connection !== (cookie(req, CONNECTION_COOKIE) ?? '') || !existsSync(file.path)) {
      return send(res, 404, 'no such file');
    }
    saved.delete(url.searchParams.get('id') ?? '');
    res.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      'content-length': statSync(file.path).size,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    createReadStream(file.path)
      .on('close', () => void rm(file.path, { force: true }))
      .pipe(res);
  }

  async function advance(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== 'POST' || req.headers['x-kontor'] !== '1') return send(res, 400, 'needs POST and x-kontor: 1');
    const parsed = z
      .object({ ms: z.number().int().min(0).max(86_400_000) })
      .safeParse(JSON.parse((await readBody(req)) ?? '{}'));
    if (!parsed.success) return send(res, 400, 'body must be {"ms": whole number}');
    options.advanceClock?.(parsed.data.ms);
    send(res, 204, '');
  }

  /** To the streams of one connection, or (without one) to every open browser. */
  function emitTo(connection: string | null, event: EventName, payload: unknown): void {
    const data = `data: ${JSON.stringify({ event, payload })}\n\n`;
    for (const [stream, owner] of streams) if (connection === null || owner === connection) stream.write(data);
  }
  const emit = (event: EventName, payload: unknown) => emitTo(null, event, payload);

  /**
   * A request another site made the browser send: an Origin that is not ours, or Sec-Fetch-Site
   * other than same-origin (or none: an address typed or opened by the user).
   */
  function crossSite(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin !== undefined && !allowedOrigins.has(origin)) return true;
    const site = req.headers['sec-fetch-site'];
    return site !== undefined && site !== 'same-origin' && site !== 'none';
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (!allowedHosts.has(req.headers.host ?? '')) return send(res, 421, 'wrong host');
      if (crossSite(req)) return send(res, 403, 'requests from other sites are refused');

      const offered = url.searchParams.get('token');
      if (offered !== null) {
        if (!sameToken(offered, token)) return send(res, 401, 'wrong token');
        url.searchParams.delete('token');
        res.writeHead(303, {
          'set-cookie': [
            `${COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`,
            ...(cookie(req, CONNECTION_COOKIE) ? [] : [newConnectionCookie()]),
          ],
          location: url.pathname + url.search,
          'cache-control': 'no-store',
        });
        return res.end();
      }
      if (!sameToken(cookie(req, COOKIE), token)) {
        return send(res, 401, 'Missing or wrong token: open the address that `npm run web` printed.');
      }

      if (url.pathname === '/__kontor/invoke') return invoke(req, res);
      if (url.pathname === '/__kontor/cancel') return cancel(req, res);
      if (url.pathname === '/__kontor/files/upload') return upload(req, res, url);
      if (url.pathname === '/__kontor/files/save') return save(req, res);
      if (url.pathname === '/__kontor/files/download') return deliver(req, res, url);
      if (url.pathname === '/__kontor/test/advance-clock' && options.advanceClock) return advance(req, res);
      if (url.pathname === '/__kontor/bridge.js') return send(res, 200, bridgeScript, contentTypes['.js']);
      if (url.pathname === '/__kontor/events') {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        res.write(': connected\n\n');
        streams.set(res, cookie(req, CONNECTION_COOKIE) ?? '');
        req.on('close', () => streams.delete(res));
        return;
      }
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
      if (url.pathname !== '/' && url.pathname !== '/index.html' && serveStatic(url.pathname, res)) return;
      if (url.pathname.startsWith('/assets/')) return send(res, 404, 'not found');
      return serveIndex(res);
    })().catch((error: unknown) => {
      // The browser learns that something failed, the log what.
      options.logger?.error('web host request failed', {
        path: req.url,
        error: error instanceof Error ? (error.stack ?? error.message) : String(error),
      });
      if (!res.headersSent) send(res, 500, 'web host error');
    });
  });

  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([...allowedHosts].map((host) => `http://${host}`));
  const origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    emit,
    async close() {
      for (const stream of streams.keys()) stream.end();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
      await rm(fileDir, { recursive: true, force: true });
    },
  };
}

// A desk in server mode: its main process forwards every call of its windows to the Kontor server
// (src/server/http.ts) behind the same `call` the local router has, so the renderer does not know
// the difference. Each window's connection gets a connection token from the server the first time
// it calls; tokens live only here, in the main process. A call that asks for progress is streamed
// (server-sent events) and cancelled by closing the stream. A server that cannot be reached is a
// `locked` error with reason `server_unreachable` and `retryable: true` — never queued: the next
// call tries again, so the desk carries on when the server is back.
import { createHash, X509Certificate } from 'node:crypto';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { pipeline } from 'node:stream/promises';
import http from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { z } from 'zod';
import { AppError, appErrorShapeSchema, type Result } from '../../shared/errors';
import type { CallOptions } from '../router';

export interface RemoteServer {
  /** `https://kontor.example.com` (or `http://127.0.0.1:7420` for a server on this machine). */
  readonly url: string;
  /** The company CA's certificate (PEM), trusted beside the system's CAs. */
  readonly ca?: string | undefined;
  /** The SHA-256 fingerprint of the server's certificate (hex, colons optional): trusted alone, CA or not. */
  readonly fingerprint?: string | undefined;
}

export interface RemoteRouter {
  call(name: string, input: unknown, options?: CallOptions): Promise<Result<unknown>>;
  /** Sends a file the user chose to the server, granted there to the connection for reading. */
  upload(connection: string, path: string): Promise<string>;
  /** A place on the server an export of the connection writes to (granted for writing). */
  newFile(connection: string, name: string): Promise<string>;
  /** Fetches what an export wrote on the server into `path` (once: the server then removes it). */
  download(connection: string, fileId: string, path: string): Promise<void>;
  /** What the server says of itself: up and ready, or why not (the settings screen's test button). */
  check(): Promise<ServerCheck>;
  close(): void;
}

export type ServerCheck =
  | { readonly ok: true; readonly ready: boolean; readonly fingerprint: string | null }
  | { readonly ok: false; readonly reason: string; readonly message: string };

/** How long a call may take before it counts as unreachable (a streamed one only waits for its first byte). */
const CALL_TIMEOUT_MS = 120_000;

const resultSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: appErrorShapeSchema }),
]);
const progressSchema = z.object({ done: z.number(), total: z.number().nullable(), message: z.string().optional() });

/** `AB:CD:…` or `abcd…` to one form. */
export function normalFingerprint(text: string): string {
  return text.replaceAll(':', '').trim().toLowerCase();
}

/** The SHA-256 fingerprint of a PEM certificate, as `normalFingerprint` writes it. */
export function fingerprintOf(pem: string): string {
  return createHash('sha256').update(new X509Certificate(pem).raw).digest('hex');
}

class Unreachable extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const unreachable = (error: unknown): Result<never> => {
  const known = error instanceof Unreachable;
  return {
    ok: false,
    error: {
      code: 'locked',
      message: known
        ? error.message
        : 'the Kontor server cannot be reached; check the network, or ask your administrator whether it runs',
      details: { reason: known ? error.reason : 'server_unreachable', retryable: true },
    },
  };
};

/** A failed file transfer as the caller shows it: the server's refusal, or why it was not reached. */
async function transferred<T>(transfer: Promise<T>): Promise<T> {
  try {
    return await transfer;
  } catch (error) {
    if (error instanceof AppError) throw error;
    const shape = unreachable(error);
    throw shape.ok ? error : AppError.fromShape(shape.error);
  }
}

/** One look at a server (the settings screen's test button), with a transport of its own. */
export async function checkServer(server: RemoteServer): Promise<ServerCheck> {
  const remote = createRemoteRouter(server);
  try {
    return await remote.check();
  } finally {
    remote.close();
  }
}

export function createRemoteRouter(server: RemoteServer): RemoteRouter {
  const base = new URL(server.url);
  if (base.protocol !== 'https:' && base.protocol !== 'http:') throw new Error('the server address must be https://');
  const secure = base.protocol === 'https:';
  const pinned = server.fingerprint ? normalFingerprint(server.fingerprint) : null;

  const agent = secure
    ? new https.Agent({
        keepAlive: true,
        ...(server.ca && { ca: [...tls.rootCertificates, server.ca] }),
        // A pinned certificate is checked here, before a byte of the request is sent: it may be
        // self-signed, so the chain is not asked for.
        ...(pinned && { rejectUnauthorized: false }),
      })
    : new http.Agent({ keepAlive: true });
  if (pinned) {
    // The agent uses the socket returned here; the request waits for the handshake to end.
    const create = (agent as https.Agent).createConnection.bind(agent) as (options: tls.ConnectionOptions) => Duplex;
    (agent as unknown as { createConnection: typeof create }).createConnection = (options) => {
      const socket = create(options) as tls.TLSSocket;
      socket.once('secureConnect', () => {
        const seen = normalFingerprint(socket.getPeerCertificate().fingerprint256 ?? '');
        if (seen === pinned) return;
        socket.destroy(
          new Unreachable(
            'server_fingerprint',
            'the server shows another certificate than the one this desk trusts (fingerprint); ask your administrator',
          ),
        );
      });
      return socket;
    };
  }

  /** One request; the body of the answer as text, or each server-sent event as it comes. */
  function request(
    method: 'GET' | 'POST',
    path: string,
    options: {
      body?: unknown;
      token?: string;
      signal?: AbortSignal | undefined;
      onEvent?: (event: string, data: string) => void;
    } = {},
  ): Promise<{ status: number; text: string; fingerprint: string | null }> {
    return new Promise((resolve, reject) => {
      const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
      const req = (secure ? https : http).request(
        new URL(path, base),
        {
          method,
          agent,
          timeout: CALL_TIMEOUT_MS,
          headers: {
            ...(payload !== undefined && {
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(payload),
            }),
            ...(options.token && { authorization: `Bearer ${options.token}` }),
            ...(options.onEvent && { accept: 'text/event-stream' }),
          },
          ...(options.signal && { signal: options.signal }),
        },
        (response) => {
          const socket = response.socket as tls.TLSSocket;
          const fingerprint = secure
            ? normalFingerprint(socket.getPeerCertificate?.().fingerprint256 ?? '') || null
            : null;
          response.setEncoding('utf8');
          let text = '';
          const streamed = options.onEvent && (response.headers['content-type'] ?? '').startsWith('text/event-stream');
          response.on('data', (chunk: string) => {
            text += chunk;
            if (!streamed || !options.onEvent) return;
            // Events end with a blank line; what follows the last one waits for more.
            let end: number;
            while ((end = text.indexOf('\n\n')) >= 0) {
              const block = text.slice(0, end);
              text = text.slice(end + 2);
              const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
              const data = /^data: (.*)$/m.exec(block)?.[1] ?? '';
              options.onEvent(event, data);
            }
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text, fingerprint }));
          response.on('error', reject);
        },
      );
      req.on('timeout', () =>
        req.destroy(new Unreachable('server_timeout', 'the Kontor server did not answer in time')),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  const tokens = new Map<string, Promise<string>>();
  function tokenOf(connection: string): Promise<string> {
    let token = tokens.get(connection);
    if (!token) {
      token = request('POST', '/v1/connections', { body: {} }).then(({ status, text }) => {
        if (status !== 200)
          throw new Unreachable('server_refused', `the Kontor server refused a connection (${status})`);
        return z.object({ token: z.string() }).parse(JSON.parse(text)).token;
      });
      // A failed attempt is not kept: the next call asks again.
      token.catch(() => tokens.delete(connection));
      tokens.set(connection, token);
    }
    return token;
  }

  const parseResult = (text: string): Result<unknown> => {
    const parsed = resultSchema.safeParse(JSON.parse(text));
    if (!parsed.success)
      throw new Unreachable('server_answer', 'the Kontor server gave an answer this desk does not understand');
    return parsed.data;
  };

  /** A file request: the body or the answer streamed (an upload, a download), the answer's JSON otherwise. */
  function transfer(
    method: 'GET' | 'POST',
    path: string,
    token: string,
    options: { from?: string; to?: string } = {},
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const req = (secure ? https : http).request(new URL(path, base), {
        method,
        agent,
        timeout: CALL_TIMEOUT_MS,
        headers: {
          authorization: `Bearer ${token}`,
          ...(options.from !== undefined && {
            'content-type': 'application/octet-stream',
            'content-length': statSync(options.from).size,
          }),
        },
      });
      req.on('timeout', () =>
        req.destroy(new Unreachable('server_timeout', 'the Kontor server did not answer in time')),
      );
      req.on('error', reject);
      req.on('response', (response) => {
        if (response.statusCode !== 200) {
          // The server says why in its envelope (too large, not found, signed out …); else it refused.
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text.length < 65_536 ? (text += chunk) : undefined));
          response.on('end', () => {
            let refusal: Result<unknown> | undefined;
            try {
              refusal = parseResult(text);
            } catch {
              // Not an envelope (a proxy's page, a cut-off answer): the plain refusal below.
            }
            reject(
              refusal && !refusal.ok
                ? AppError.fromShape(refusal.error)
                : new Unreachable('server_refused', `the Kontor server refused the file (${response.statusCode})`),
            );
          });
          return;
        }
        if (options.to !== undefined) {
          pipeline(response, createWriteStream(options.to, { mode: 0o600 })).then(() => resolve(null), reject);
          return;
        }
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve(JSON.parse(text)));
      });
      if (options.from !== undefined) pipeline(createReadStream(options.from), req).catch(reject);
      else req.end();
    });
  }

  const fileIdOf = (answer: unknown) => z.object({ fileId: z.string() }).parse(answer).fileId;

  return {
    async call(name, input, options = {}) {
      const connection = options.meta?.connection ?? 'anonymous';
      try {
        const token = await tokenOf(connection);
        let result: Result<unknown> | null = null;
        const { onProgress } = options;
        const answer = await request('POST', `/v1/rpc/${encodeURIComponent(name)}`, {
          body: input ?? {},
          token,
          signal: options.signal,
          ...(onProgress && {
            onEvent(event: string, data: string) {
              if (event === 'result') result = parseResult(data);
              if (event !== 'progress') return;
              const progress = progressSchema.safeParse(JSON.parse(data));
              if (progress.success) onProgress({ operation: name, ...progress.data });
            },
          }),
        });
        if (result) return result;
        return parseResult(answer.text);
      } catch (error) {
        if (options.signal?.aborted) {
          return { ok: false, error: { code: 'conflict', message: 'cancelled', details: { reason: 'cancelled' } } };
        }
        return unreachable(error);
      }
    },

    async upload(connection, path) {
      const name = encodeURIComponent(basename(path));
      return fileIdOf(
        await transferred(
          tokenOf(connection).then((token) => transfer('POST', `/v1/files?name=${name}`, token, { from: path })),
        ),
      );
    },

    async newFile(connection, name) {
      const place = `/v1/files/new?name=${encodeURIComponent(name)}`;
      return fileIdOf(await transferred(tokenOf(connection).then((token) => transfer('POST', place, token))));
    },

    async download(connection, fileId, path) {
      const file = `/v1/files/${encodeURIComponent(fileId)}`;
      await transferred(tokenOf(connection).then((token) => transfer('GET', file, token, { to: path })));
    },

    async check() {
      try {
        const health = await request('GET', '/healthz');
        if (health.status !== 200)
          return { ok: false, reason: 'server_unhealthy', message: `healthz answered ${health.status}` };
        const ready = await request('GET', '/readyz');
        return { ok: true, ready: ready.status === 200, fingerprint: health.fingerprint };
      } catch (error) {
        const shape = unreachable(error);
        const message = error instanceof Error ? error.message : String(error);
        return { ok: false, reason: String(shape.ok ? '' : shape.error.details?.['reason']), message };
      }
    },

    close() {
      agent.destroy();
    },
  };
}

// The Kontor server's HTTP face (Fastify 5): one procedure = one route, `POST /v1/rpc/<name>`,
// answered by the same router as a desk's IPC — the same validation, session and permission
// checks, the same result envelope — with an HTTP status that says the envelope's outcome.
// A client first gets a connection token (`POST /v1/connections`); it names the client's
// connection, to which `auth.login` binds a session, and goes along as `Authorization: Bearer`.
// Tokens are signed by the server (HMAC-SHA-256 with a key from its key store), so any instance
// with the same key can check one without looking anything up. Beside: `/healthz` (the process
// is up), `/readyz` (database reachable, migrations current), `/metrics` (Prometheus), strict
// security headers, a body limit, timeouts for slow clients, and logs without bodies or tokens.
// A call asked for with `Accept: text/event-stream` answers as server-sent events: its progress
// while it runs, then its result; closing the stream cancels it. Requests are limited per address
// and, once signed in, per user (@fastify/rate-limit's limiters, in memory per instance).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import { createWriteStream, rmSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { isProcedureName } from '../shared/contract';
import type { ErrorCode, Result } from '../shared/errors';
import type { PoolStats } from '../core/db/postgres';
import type { Router } from '../core/router';
import type { ServerFiles } from './files';

export interface ServerAppOptions {
  readonly router: Pick<Router, 'call'>;
  /** Resolves when the database answers and its migrations are current; rejects otherwise. */
  readonly ready: () => Promise<void>;
  /** Signs connection tokens: 32 bytes from the server's key store. */
  readonly tokenKey: Buffer;
  readonly logger: FastifyBaseLogger;
  /** Largest request body (bytes); 1 MiB by default. */
  readonly bodyLimit?: number;
  /** What the metrics show of the process's state: the sessions it holds, the database pool. */
  readonly gauges?: () => { readonly sessions: number; readonly pool: PoolStats | null };
  /** The user a connection is signed in as (rate limits per user); null when signed out. */
  readonly userOf?: (connection: string) => Promise<string | null>;
  readonly rateLimits?: RateLimits;
  /**
   * Files for imports and exports: a desk uploads the file the user chose (granted to its
   * connection for reading) or asks for a place an export writes to and downloads it afterwards.
   * The router's file grants must reach them too (openKontor's `sharedFiles`).
   */
  readonly files?: ServerFiles;
  /** Behind a reverse proxy: trust its X-Forwarded-For (true, or the proxy's addresses). */
  readonly trustProxy?: boolean | string;
  /** Certificate and key: the server answers HTTPS (and tells browsers to keep to it: HSTS). */
  readonly tls?: { readonly cert: Buffer; readonly key: Buffer } | undefined;
}

/** The HTTP status of an outcome: the envelope says what happened, the status says it to proxies and monitors. */
const statusOf: Record<ErrorCode, number> = {
  validation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  locked: 423,
  internal: 500,
};

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'same-origin',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
} as const;

export interface RateLimits {
  /** Requests per minute from one address (0: no limit). */
  readonly perAddress: number;
  /** Calls per minute of one signed-in user, over all their connections (0: no limit). */
  readonly perUser: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perAddress: 6_000, perUser: 1_200 };

/** Progress events of a streamed call are sent at most this often (the last one always). */
const PROGRESS_EVERY_MS = 100;

const failure = (code: ErrorCode, message: string, reason: string): Result<never> => ({
  ok: false,
  error: { code, message, details: { reason } },
});

/** A connection token: a random id and its signature, both base64url. */
export function issueToken(key: Buffer): string {
  const id = randomBytes(24).toString('base64url');
  return `${id}.${createHmac('sha256', key).update(id).digest('base64url')}`;
}

/** The connection a token names, or null when the server did not sign it. */
export function connectionOf(key: Buffer, token: string): string | null {
  const [id, signature, extra] = token.split('.');
  if (!id || !signature || extra !== undefined) return null;
  const expected = createHmac('sha256', key).update(id).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  // The router keeps sessions by connection: a digest, never the token itself.
  return `server:${createHash('sha256').update(id).digest('base64url')}`;
}

/** The largest file a desk may upload for an import. */
export const MAX_UPLOAD_BYTES = 256 * 1024 * 1024;
/** The connection of a request's bearer token, or a refusal. */
function connectionOfRequest(request: FastifyRequest, tokenKey: Buffer): string | Result<never> {
  const bearer = /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
  const connection = bearer ? connectionOf(tokenKey, bearer) : null;
  if (connection !== null) return connection;
  return failure(
    'unauthenticated',
    bearer ? 'the connection token is not valid' : 'no connection token: POST /v1/connections first',
    bearer ? 'bad_token' : 'no_token',
  );
}

/**
 * `POST /v1/files?name=` (the body is the file): an upload, granted to the connection for reading;
 * `POST /v1/files/new?name=`: a place an export writes to, granted for writing;
 * `GET /v1/files/<id>`: that export's file, once, then removed. Grants and contents are in the
 * database (files.ts), so any instance answers any of these and the calls that use the files.
 */
function fileRoutes(
  api: FastifyInstance,
  files: ServerFiles,
  tokenKey: Buffer,
  limited: ((request: FastifyRequest, reply: FastifyReply) => Promise<Result<never> | null>) | null,
): void {
  const sweep = setInterval(() => {
    // Never takes the server down: a failed sweep is logged and the next one tries again.
    files.sweep(Date.now()).catch((error: unknown) => api.log.warn({ err: error }, 'old files not swept'));
  }, 5 * 60_000);
  sweep.unref();
  api.addHook('onClose', async () => clearInterval(sweep));

  const refuse = (reply: FastifyReply, result: Result<never>, status: number) => reply.code(status).send(result);

  // The upload arrives as a stream, written to its file as it comes (never whole in memory).
  api.addContentTypeParser('application/octet-stream', { bodyLimit: MAX_UPLOAD_BYTES }, (_request, payload, done) =>
    done(null, payload),
  );

  api.post<{ Querystring: { name?: string } }>('/v1/files', { bodyLimit: MAX_UPLOAD_BYTES }, async (request, reply) => {
    const refused = limited ? await limited(request, reply) : null;
    if (refused) return refuse(reply, refused, 429);
    const connection = connectionOfRequest(request, tokenKey);
    if (typeof connection !== 'string') return refuse(reply, connection, 401);
    if (!(request.body instanceof Readable)) {
      return refuse(reply, failure('validation', 'send the file as application/octet-stream', 'not_a_file'), 415);
    }
    const name = request.query.name ?? 'upload';
    const path = files.placeFor(name);
    let size = 0;
    try {
      await pipeline(
        request.body,
        new Transform({
          transform(chunk: Buffer, _encoding, next) {
            size += chunk.length;
            if (size > MAX_UPLOAD_BYTES) next(new Error('too large'));
            else next(null, chunk);
          },
        }),
        createWriteStream(path, { mode: 0o600 }),
      );
    } catch {
      rmSync(path, { force: true });
      return refuse(
        reply,
        failure('validation', 'the file is too large or did not arrive whole', 'upload_failed'),
        413,
      );
    }
    try {
      return { fileId: await files.upload(connection, path, name), bytes: size };
    } catch (error) {
      rmSync(path, { force: true });
      api.log.error({ err: error }, 'an upload could not be kept');
      return refuse(reply, failure('internal', 'the file could not be kept; try again', 'upload_failed'), 500);
    }
  });

  api.post<{ Querystring: { name?: string } }>('/v1/files/new', async (request, reply) => {
    const connection = connectionOfRequest(request, tokenKey);
    if (typeof connection !== 'string') return refuse(reply, connection, 401);
    return { fileId: await files.place(connection, request.query.name ?? 'export') };
  });

  api.get<{ Params: { id: string } }>('/v1/files/:id', async (request, reply) => {
    const connection = connectionOfRequest(request, tokenKey);
    if (typeof connection !== 'string') return refuse(reply, connection, 401);
    const stream = /^[0-9a-f-]{36}$/.test(request.params.id) ? await files.take(connection, request.params.id) : null;
    if (!stream) return refuse(reply, failure('not_found', 'no such file, or it was not written', 'no_file'), 404);
    return reply.header('content-type', 'application/octet-stream').send(stream);
  });
}

export function createServerApp(options: ServerAppOptions) {
  const { router, ready, tokenKey, logger } = options;
  /** An export the call wrote here, stored for every instance before the desk hears that the call ended. */
  const settled = async (connection: string) => {
    try {
      await options.files?.settle(connection);
    } catch (error) {
      logger.error({ err: error }, 'an export was not stored for the other instances');
    }
  };
  const app = Fastify({
    ...(options.tls && { https: { cert: options.tls.cert, key: options.tls.key } }),
    loggerInstance: logger,
    // Requests are counted in the metrics, not logged one by one (their bodies hold personal data).
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    // A client that sends its request slowly is cut off instead of holding a socket.
    connectionTimeout: 60_000,
    requestTimeout: 120_000,
    return503OnClosing: true,
    ...(options.trustProxy !== undefined && { trustProxy: options.trustProxy }),
  });

  const metrics = new Registry();
  collectDefaultMetrics({ register: metrics, prefix: 'kontor_server_' });
  const requests = new Counter({
    name: 'kontor_rpc_requests_total',
    help: 'Procedure calls by procedure and outcome (ok or the error code)',
    labelNames: ['procedure', 'outcome'] as const,
    registers: [metrics],
  });
  const latency = new Histogram({
    name: 'kontor_rpc_duration_seconds',
    help: 'Time from request to answer of procedure calls',
    labelNames: ['procedure'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [metrics],
  });

  const { gauges } = options;
  if (gauges) {
    new Gauge({
      name: 'kontor_sessions_cached',
      help: 'Sessions this instance holds in its cache (every session is in the database)',
      registers: [metrics],
      collect() {
        this.set(gauges().sessions);
      },
    });
    new Gauge({
      name: 'kontor_db_pool_clients',
      help: 'Database pool clients by state (total, idle, waiting requests)',
      labelNames: ['state'] as const,
      registers: [metrics],
      collect() {
        const pool = gauges().pool;
        if (!pool) return;
        this.set({ state: 'total' }, pool.total);
        this.set({ state: 'idle' }, pool.idle);
        this.set({ state: 'waiting' }, pool.waiting);
      },
    });
  }

  app.addHook('onSend', async (_request, reply) => {
    reply.headers(SECURITY_HEADERS);
    if (options.tls) reply.header('strict-transport-security', 'max-age=31536000');
  });

  const answer = (reply: FastifyReply, result: Result<unknown>) =>
    reply.code(result.ok ? 200 : statusOf[result.error.code]).send(result);

  // Fastify's own refusals (a body too large or not JSON) in the envelope, too.
  app.setErrorHandler((error: { statusCode?: number; code?: string; message: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413)
      return answer(reply, failure('validation', 'the request body is too large', 'body_too_large')).code(413);
    if (status === 415)
      return answer(reply, failure('validation', 'send JSON (application/json)', 'not_json')).code(415);
    if (status < 500) return answer(reply, failure('validation', 'the request body is not valid JSON', 'bad_json'));
    logger.error({ err: error }, 'request failed');
    return answer(reply, failure('internal', 'internal error', 'internal'));
  });
  app.setNotFoundHandler((_request, reply) => answer(reply, failure('not_found', 'no such route', 'no_route')));

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    try {
      await ready();
      return { status: 'ready' };
    } catch (error) {
      logger.warn({ err: error }, 'not ready');
      return reply.code(503).send({ status: 'not ready' });
    }
  });
  app.get('/metrics', async (_request, reply) =>
    reply.header('content-type', metrics.contentType).send(await metrics.metrics()),
  );

  // Rate limits (per instance, in memory): every request per address, a signed-in user's calls
  // per user as well. A refusal is the envelope with 429 and Retry-After.
  const limits = options.rateLimits ?? DEFAULT_RATE_LIMITS;
  void app.register(rateLimit, { global: false });
  void app.register(async (api) => {
    const userKeys = new WeakMap<FastifyRequest, string>();
    const limiter = (max: number, key: (request: FastifyRequest) => string) =>
      max > 0 ? api.createRateLimit({ max, timeWindow: 60_000, keyGenerator: key }) : null;
    const byAddress = limiter(limits.perAddress, (request) => `address:${request.ip}`);
    const byUser = limiter(limits.perUser, (request) => `user:${userKeys.get(request) ?? ''}`);
    /** The refusal when a limit is exceeded, else null. */
    async function limited(
      check: typeof byAddress,
      request: FastifyRequest,
      reply: FastifyReply,
    ): Promise<Result<never> | null> {
      const verdict = check ? await check(request) : { isAllowed: true as const };
      // isAllowed means "on the allow list"; a counted request is refused only once exceeded.
      if (verdict.isAllowed || !verdict.isExceeded) return null;
      reply.header('retry-after', String(verdict.ttlInSeconds));
      return {
        ok: false,
        error: {
          code: 'locked',
          message: `too many requests; try again in ${verdict.ttlInSeconds} s`,
          details: { reason: 'too_many_requests', retryAfterSeconds: verdict.ttlInSeconds },
        },
      };
    }

    api.post('/v1/connections', async (request, reply) => {
      const refused = await limited(byAddress, request, reply);
      if (refused) return answer(reply, refused).code(429);
      return { token: issueToken(tokenKey) };
    });

    if (options.files) fileRoutes(api, options.files, tokenKey, byAddress ? (r, q) => limited(byAddress, r, q) : null);

    api.post<{ Params: { name: string } }>('/v1/rpc/:name', async (request, reply) => {
      const started = process.hrtime.bigint();
      const { name } = request.params;
      // Unknown names share one label: a caller cannot grow the metrics without bound.
      const procedure = isProcedureName(name) ? name : 'unknown';
      const connection = connectionOfRequest(request, tokenKey);
      const count = (result: Result<unknown>) => {
        const outcome = result.ok ? 'ok' : result.error.code;
        requests.inc({ procedure, outcome });
        latency.observe({ procedure }, Number(process.hrtime.bigint() - started) / 1e9);
        if (!result.ok && result.error.code === 'internal') logger.error({ procedure }, 'procedure failed');
      };
      const refuse = (result: Result<never>, status: number) => {
        count(result);
        return answer(reply, result).code(status);
      };

      let refused = await limited(byAddress, request, reply);
      if (refused) return refuse(refused, 429);
      if (typeof connection !== 'string') return refuse(connection, 401);
      // The session is looked up only when there is a limit per user to count against.
      const user = byUser && options.userOf ? await options.userOf(connection) : null;
      if (user !== null) {
        userKeys.set(request, user);
        refused = await limited(byUser, request, reply);
        if (refused) return refuse(refused, 429);
      }

      // A client that goes away before its answer cancels its call.
      const controller = new AbortController();
      reply.raw.once('close', () => reply.raw.writableFinished || controller.abort());
      const call = { meta: { connection }, signal: controller.signal };
      if (!(request.headers.accept ?? '').includes('text/event-stream')) {
        const result = await router.call(name, request.body ?? {}, call);
        await settled(connection);
        count(result);
        return answer(reply, result);
      }

      // Server-sent events: the call's progress as it runs, then its result; closing the stream cancels.
      reply.hijack();
      reply.raw.writeHead(200, {
        ...SECURITY_HEADERS,
        ...(options.tls && { 'strict-transport-security': 'max-age=31536000' }),
        'content-type': 'text/event-stream; charset=utf-8',
        'x-accel-buffering': 'no', // a reverse proxy passes each event on at once
      });
      const send = (event: string, data: unknown) =>
        reply.raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
      let lastProgress = 0;
      const result = await router.call(name, request.body ?? {}, {
        ...call,
        onProgress({ done, total, message }) {
          const now = performance.now();
          const finished = total !== null && done >= total;
          if (!finished && now - lastProgress < PROGRESS_EVERY_MS) return;
          lastProgress = now;
          send('progress', { done, total, ...(message !== undefined && { message }) });
        },
      });
      await settled(connection);
      count(result);
      send('result', result);
      reply.raw.end();
    });
  });

  return app;
}

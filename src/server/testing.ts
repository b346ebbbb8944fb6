// A bare HTTP client of the server for tests: connection tokens and procedure calls with fetch,
// answering the status, the headers and the envelope.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import type { Executor } from '../core/db/executor';
import type { Transport } from '../core/db/testing';
import { createRemoteRouter } from '../core/remote/remote-router';
import type { Router } from '../core/router';
import type { Result } from '../shared/errors';
import { createServerFiles, type ServerFiles } from './files';
import { createServerApp, type ServerAppOptions } from './http';

export interface RpcAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly result: Result<unknown>;
}

/** The server app as tests run it: always ready, logging nothing; the rest as the test gives it. */
export function testServerApp(options: Omit<ServerAppOptions, 'ready' | 'logger'>) {
  return createServerApp({ ready: async () => undefined, logger: pino({ level: 'silent' }), ...options });
}

/**
 * For openTestKontor's `sharedFiles`: the Kontor server's files for each instance the test opens
 * (each its own directory, one key for all, as instances of one server have), in the order opened.
 */
export function testServerFiles() {
  const key = randomBytes(32);
  const made: ServerFiles[] = [];
  return {
    made,
    factory: (db: Executor, dataDir: string) => {
      const files = createServerFiles({ db, directory: join(dataDir, 'server-files'), key });
      made.push(files);
      return files;
    },
  };
}

/**
 * Runs `fn` on a database of its own on the Postgres server of KONTOR_TEST_PG_URL (for tests that
 * start server processes on it, which take the whole database), dropped afterwards.
 */
export async function withPgDatabase<T>(fn: (url: string) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: process.env['KONTOR_TEST_PG_URL'] });
  await admin.connect();
  const database = `kontor_test_${randomBytes(4).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${database}`);
  try {
    const url = new URL(process.env['KONTOR_TEST_PG_URL'] ?? '');
    url.pathname = `/${database}`;
    return await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

export function httpClient(base: string) {
  return {
    async connect(): Promise<string> {
      const response = await fetch(`${base}/v1/connections`, { method: 'POST' });
      if (response.status !== 200) throw new Error(`POST /v1/connections answered ${response.status}`);
      return ((await response.json()) as { token: string }).token;
    },
    async rpc(token: string | null, name: string, body: unknown = {}): Promise<RpcAnswer> {
      const response = await fetch(`${base}/v1/rpc/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
        body: JSON.stringify(body),
      });
      return { status: response.status, headers: response.headers, result: (await response.json()) as Result<unknown> };
    },
  };
}

/**
 * A server whose router answers only when its call is cancelled, listening on 127.0.0.1: `seen`
 * resolves once the cancel arrived (the real router's cancels are tested with each long call).
 */
export async function serverWaitingForCancel(tokenKey: Buffer) {
  let cancelled: () => void = () => undefined;
  const seen = new Promise<void>((resolve) => (cancelled = resolve));
  const app = testServerApp({
    router: {
      call: (_name, _input, options) =>
        new Promise((resolve) =>
          options?.signal?.addEventListener('abort', () => {
            cancelled();
            resolve({ ok: true, value: null });
          }),
        ),
    },
    tokenKey,
  });
  return { app, url: await app.listen({ host: '127.0.0.1', port: 0 }), seen };
}

/**
 * For openTestKontor's `transport`: the Kontor server in front of the test's router on 127.0.0.1,
 * and a desk's remote transport calling it — every call of the test crosses real HTTP.
 */
export async function httpTransport(router: Router): Promise<Transport> {
  const app = testServerApp({ router, tokenKey: randomBytes(32) });
  const remote = createRemoteRouter({ url: await app.listen({ host: '127.0.0.1', port: 0 }) });
  return {
    call: (name, input, options) => remote.call(name, input, options),
    async close() {
      remote.close();
      await app.close();
    },
  };
}

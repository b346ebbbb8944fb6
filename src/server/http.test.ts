// The Kontor server over real HTTP on 127.0.0.1, in front of a real core on Postgres (the CI
// server, or PGlite): health, readiness and metrics; connection tokens (none, forged, another
// client's session); the administrator signing in and working with customers through HTTP; and
// the refusals of bad requests (unknown procedure, bad input, a body too large or not JSON), each
// with its status and envelope, nothing stored.
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestKontor, TEST_ADMIN, type TestKontor } from '../core/db/testing';
import { sql } from 'drizzle-orm';
import { defaultMigrationsDir } from '../core/config';
import { MIGRATIONS_TABLE } from '../core/db/migrations';
import { connectionOf, createServerApp, issueToken } from './http';
import { systemMigrationsCurrent } from './readiness';
import { httpClient, serverWaitingForCancel, testServerApp, testServerFiles } from './testing';

describe('the Kontor server over HTTP', () => {
  let kontor: TestKontor;
  let app: ReturnType<typeof createServerApp>;
  let base: string;
  let ready = true;
  const tokenKey = randomBytes(32);

  const serverFiles = testServerFiles();

  beforeAll(async () => {
    kontor = await openTestKontor('postgres', { sharedFiles: serverFiles.factory });
    app = createServerApp({
      router: kontor.router,
      ready: async () => {
        if (!ready) throw new Error('database down');
      },
      tokenKey,
      logger: pino({ level: 'silent' }),
      bodyLimit: 64 * 1024,
      gauges: () => ({ sessions: kontor.sessions.connections(), pool: { total: 3, idle: 2, waiting: 0 } }),
    });
    base = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await kontor.dispose();
  });

  const connect = () => httpClient(base).connect();
  const rpc = (token: string | null, name: string, body: unknown = {}) => httpClient(base).rpc(token, name, body);

  it('says it is up and ready, with strict security headers, and not ready while the database is not', async () => {
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-content-type-options')).toBe('nosniff');
    expect(health.headers.get('cache-control')).toBe('no-store');
    expect(health.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(health.headers.get('strict-transport-security')).toBeNull(); // plain HTTP: behind a TLS proxy
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    ready = false;
    expect((await fetch(`${base}/readyz`)).status).toBe(503);
    ready = true;
  });

  it('is ready only while the database has every migration of this build', async () => {
    const check = systemMigrationsCurrent(kontor.stores.system.sql, defaultMigrationsDir());
    await expect(check()).resolves.toBeUndefined();
    const system = kontor.stores.system.sql;
    const [last] = await system.column(
      sql`SELECT tag FROM ${system.table(MIGRATIONS_TABLE)} ORDER BY tag DESC LIMIT 1`,
    );
    await system.run(sql`DELETE FROM ${system.table(MIGRATIONS_TABLE)} WHERE tag = ${String(last)}`);
    await expect(check()).rejects.toThrow(`the database lacks migrations: ${String(last)}`);
    await system.run(
      sql`INSERT INTO ${system.table(MIGRATIONS_TABLE)} (tag, applied_at) VALUES (${String(last)}, now())`,
    );
    await expect(check()).resolves.toBeUndefined();
  });

  it('refuses calls without a token or with one it did not sign', async () => {
    expect(await rpc(null, 'system.ping')).toMatchObject({
      status: 401,
      result: { ok: false, error: { code: 'unauthenticated', details: { reason: 'no_token' } } },
    });
    const [id] = issueToken(tokenKey).split('.');
    const forged = `${id}.${randomBytes(32).toString('base64url')}`;
    expect(await rpc(forged, 'system.ping')).toMatchObject({
      status: 401,
      result: { error: { details: { reason: 'bad_token' } } },
    });
    expect(connectionOf(randomBytes(32), issueToken(tokenKey))).toBeNull();
    expect(connectionOf(tokenKey, 'a.b.c')).toBeNull();
  });

  it('signs the administrator in on a connection and works with customers through it, and only through it', async () => {
    const token = await connect();
    expect((await rpc(token, 'customers.list')).result).toMatchObject({
      ok: false,
      error: { code: 'unauthenticated' },
    });
    const signIn = await rpc(token, 'auth.login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password });
    expect(signIn).toMatchObject({ status: 200, result: { ok: true } });
    const created = await rpc(token, 'customers.create', { name: 'Über HTTP GmbH' });
    expect(created).toMatchObject({ status: 200, result: { ok: true, value: { name: 'Über HTTP GmbH' } } });
    const listed = await rpc(token, 'customers.list', { search: 'HTTP' });
    expect(listed.result).toMatchObject({ ok: true, value: { items: [{ name: 'Über HTTP GmbH' }] } });
    // Another client's token is another connection: not signed in.
    expect((await rpc(await connect(), 'customers.list')).status).toBe(401);

    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toContain('kontor_rpc_requests_total{procedure="customers.create",outcome="ok"} 1');
    expect(metrics).toContain('kontor_rpc_duration_seconds_bucket');
    expect(metrics).toMatch(/^kontor_sessions_cached [1-9]/m);
    expect(metrics).toContain('kontor_db_pool_clients{state="idle"} 2');
  });

  it('refuses unknown procedures, bad input and bad bodies with the right status, storing nothing', async () => {
    const token = await connect();
    await rpc(token, 'auth.login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password });
    const count = async () =>
      ((await rpc(token, 'customers.list', {})).result as { value: { total: number } }).value.total;
    const before = await count();
    expect(await rpc(token, 'customers.nope')).toMatchObject({ status: 404, result: { error: { code: 'not_found' } } });
    expect(await rpc(token, 'customers.create', { name: 42 })).toMatchObject({
      status: 400,
      result: { error: { code: 'validation' } },
    });
    const large = await rpc(token, 'customers.create', { name: 'x', notes: 'y'.repeat(100_000) });
    expect(large).toMatchObject({ status: 413, result: { error: { details: { reason: 'body_too_large' } } } });
    const broken = await fetch(`${base}/v1/rpc/customers.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: '{"name": "Halb',
    });
    expect(broken.status).toBe(400);
    expect(await broken.json()).toMatchObject({ ok: false, error: { details: { reason: 'bad_json' } } });
    expect((await fetch(`${base}/nowhere`)).status).toBe(404);
    expect(await count()).toBe(before);
  });

  it('streams a long call as server-sent events: its progress, then its result', async () => {
    const token = await connect();
    await rpc(token, 'auth.login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password });
    const ids: string[] = [];
    for (const name of ['Strom A', 'Strom B', 'Strom C']) {
      const created = await rpc(token, 'customers.create', { name });
      ids.push((created.result as { value: { id: string } }).value.id);
    }
    const response = await fetch(`${base}/v1/rpc/customers.bulk`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${token}`,
      },
      body: JSON.stringify({ ids, action: { kind: 'addTags', tags: ['gestreamt'] } }),
    });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const events = (await response.text())
      .split('\n\n')
      .filter(Boolean)
      .map((block) => {
        const [event, data] = block.split('\n');
        return { event: event?.slice('event: '.length), data: JSON.parse(data?.slice('data: '.length) ?? 'null') };
      });
    expect(events.at(-1)).toEqual({ event: 'result', data: expect.objectContaining({ ok: true }) });
    expect(events.at(-1)?.data).toMatchObject({ value: { changed: 3 } });
    const progress = events.filter((e) => e.event === 'progress');
    expect(progress.at(-1)?.data).toEqual({ done: 3, total: 3, message: 'customers' });
  });

  it('limits requests per address and calls per user, answering 429 with Retry-After', async () => {
    const limited = testServerApp({
      router: kontor.router,
      tokenKey,
      rateLimits: { perAddress: 8, perUser: 3 },
      userOf: async (connection) => (await kontor.sessions.get(connection, false))?.userId ?? null,
    });
    const client = httpClient(await limited.listen({ host: '127.0.0.1', port: 0 }));
    try {
      const token = await client.connect();
      expect((await client.rpc(token, 'auth.login', TEST_ADMIN)).status).toBe(400); // company is not an input
      expect(
        (await client.rpc(token, 'auth.login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password })).status,
      ).toBe(200);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await client.rpc(token, 'customers.list')).status);
      expect(statuses).toEqual([200, 200, 200, 429]); // the user's three calls a minute
      const refused = await client.rpc(token, 'customers.list');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.result).toMatchObject({
        ok: false,
        error: { code: 'locked', details: { reason: 'too_many_requests' } },
      });
      // The address's eight requests a minute are used up too (a token, two sign-ins, five calls).
      await expect(client.connect()).rejects.toThrow('429');
    } finally {
      await limited.close();
    }
  });

  it('takes files only with a token, as a file, and gives an export only to the connection it was made for', async () => {
    const withFiles = testServerApp({ router: kontor.router, tokenKey, files: serverFiles.made[0] });
    const url = await withFiles.listen({ host: '127.0.0.1', port: 0 });
    const client = httpClient(url);
    try {
      const upload = (headers: Record<string, string>, body: string) =>
        fetch(`${url}/v1/files?name=x.csv`, { method: 'POST', headers, body });
      expect((await upload({ 'content-type': 'application/octet-stream' }, 'a;b')).status).toBe(401);
      const token = await client.connect();
      const auth = { authorization: `Bearer ${token}` };
      expect((await upload({ ...auth, 'content-type': 'application/json' }, '{}')).status).toBe(415);
      const sent = await upload({ ...auth, 'content-type': 'application/octet-stream' }, 'Firma\nA\n');
      expect(await sent.json()).toMatchObject({ fileId: expect.any(String), bytes: 8 });
      const made = (await (
        await fetch(`${url}/v1/files/new?name=out.csv`, { method: 'POST', headers: auth })
      ).json()) as {
        fileId: string;
      };
      const other = { authorization: `Bearer ${await client.connect()}` };
      expect((await fetch(`${url}/v1/files/${made.fileId}`, { headers: other })).status).toBe(404);
      expect((await fetch(`${url}/v1/files/${made.fileId}`, { headers: auth })).status).toBe(404); // not written yet
    } finally {
      await withFiles.close();
    }
  });

  it('cancels a call whose client goes away before the answer', async () => {
    const { app: waiting, url, seen } = await serverWaitingForCancel(tokenKey);
    try {
      const client = new AbortController();
      const call = fetch(`${url}/v1/rpc/analytics.refresh`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${issueToken(tokenKey)}` },
        body: '{}',
        signal: client.signal,
      });
      setTimeout(() => client.abort(), 200);
      await expect(call).rejects.toThrow();
      await seen;
    } finally {
      await waiting.close();
    }
  });
});

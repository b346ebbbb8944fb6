// The web host over real loopback HTTP: token, host check, invoke, static files.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestKontor, type TestKontor } from '../core/db/testing';
import { startWebHost, type WebHost } from './server';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function http(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end(init.body);
  });
}

describe('web host', () => {
  let kontor: TestKontor;
  let host: WebHost;
  let cookie: string;
  const rendererDir = mkdtempSync(join(tmpdir(), 'kontor-renderer-'));

  beforeAll(async () => {
    mkdirSync(join(rendererDir, 'assets'));
    writeFileSync(
      join(rendererDir, 'index.html'),
      '<!doctype html><html><head><title>K</title></head><body></body></html>',
    );
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(tmpdir(), 'kontor-secret.txt'), 'outside');
    kontor = await openTestKontor('sqlite', { skipSetup: true });
    host = await startWebHost({ invoker: kontor.router, rendererDir, files: kontor.files });
    const login = await http(host.url);
    expect(login.status).toBe(303);
    const setCookies = login.headers['set-cookie'] as string[];
    cookie = setCookies.map((c) => c.split(';')[0]).join('; ');
    expect(cookie).toMatch(/kontor_token=.+; kontor_conn=.+/);
  });
  afterAll(async () => {
    await host.close();
    await kontor.dispose();
    rmSync(rendererDir, { recursive: true, force: true });
  });

  const invoke = (body: unknown, headers: Record<string, string> = {}) =>
    http(`${host.origin}/__kontor/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-kontor': '1', cookie, ...headers },
      body: JSON.stringify(body),
    });

  it('listens on 127.0.0.1 only', () => {
    expect(host.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('swaps the token for an HttpOnly, SameSite=Strict cookie and drops it from the address', async () => {
    const login = await http(host.url);
    expect(login.headers['location']).toBe('/');
    expect(String(login.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
    // The browser already has a connection: signing in again keeps it.
    expect(String((await http(host.url, { headers: { cookie } })).headers['set-cookie'])).not.toContain('kontor_conn');
  });

  it('refuses every request without the token, or with a wrong one', async () => {
    expect((await http(`${host.origin}/`)).status).toBe(401);
    expect((await http(`${host.origin}/?token=nope`)).status).toBe(401);
    expect((await invoke({ name: 'system.ping', input: {} }, { cookie: 'kontor_token=nope' })).status).toBe(401);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const reply = await http(`${host.origin}/`, { headers: { host: 'evil.example', cookie } });
    expect(reply.status).toBe(421);
  });

  it('forwards invoke to the router on the connection of its cookie', async () => {
    expect(JSON.parse((await invoke({ name: 'auth.status', input: {} })).body)).toEqual({
      ok: true,
      value: { state: 'setup_required' },
    });
    const setup = await invoke({
      name: 'auth.setup',
      input: { company: 'Web GmbH', name: 'Web Admin', email: 'admin@web.example', password: 'web admin password' },
    });
    expect(JSON.parse(setup.body)).toMatchObject({ ok: true, value: { state: 'signed_in' } });
    // Another browser (another connection cookie) is not signed in.
    const other = await invoke(
      { name: 'customers.list', input: {} },
      { cookie: cookie.replace(/kontor_conn=[^;]+/, 'kontor_conn=other') },
    );
    expect(JSON.parse(other.body)).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
    const created = await invoke({ name: 'customers.create', input: { name: 'Über Web' } });
    expect(created.status).toBe(200);
    expect(JSON.parse(created.body)).toMatchObject({ ok: true, value: { name: 'Über Web' } });
    const bad = await invoke({ name: 'customers.create', input: { name: 'X', email: 'x' } });
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { code: 'validation' } });
    const unknown = await invoke({ name: 'customers.drop', input: {} });
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('cancels a running call of the same browser, which then changes nothing', async () => {
    // Enough events that the replay is still running when the cancel arrives (old-format events
    // written straight into the log, as a store from before field encryption would hold them).
    const [tenant] = await kontor.tenants.list();
    if (!tenant) throw new Error('no company');
    const store = await kontor.stores.tenant(tenant.id);
    const meta = JSON.stringify({
      userId: null,
      deviceId: 'd',
      hlc: 'h',
      correlationId: 'c',
      causationId: null,
      at: '2026-01-01T00:00:00.000Z',
    });
    await store.sql.transaction(async (tx) => {
      for (let i = 0; i < 40_000; i++) {
        await tx.run(sql`INSERT INTO ${tx.table('events')} (id, stream, version, type, schema_version, data, meta)
          VALUES (${`seed-${i}`}, ${`customer-00000000-0000-7000-8000-${String(i).padStart(12, '0')}`}, 1,
                  'customer.created', 1, ${JSON.stringify({ name: `Seed ${i}`, email: null, phone: null, city: null, notes: null })}, ${meta})`);
      }
    });
    const before = JSON.parse((await invoke({ name: 'customers.list', input: {} })).body) as {
      value: { total: number };
    };

    let settled = false;
    const replaying = invoke({ name: 'events.replay', input: {}, callId: 'replay-1' }).finally(() => (settled = true));
    const cancel = (browserCookie: string) =>
      http(`${host.origin}/__kontor/cancel`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-kontor': '1', cookie: browserCookie },
        body: JSON.stringify({ callId: 'replay-1' }),
      });
    // Another browser's cancel is accepted but reaches no call of its own.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await cancel(cookie.replace(/kontor_conn=[^;]+/, 'kontor_conn=other'))).status).toBe(204);
    expect(settled).toBe(false);
    // Until the call has started, a cancel finds nothing to stop: repeat until it answers.
    while (!settled) {
      expect((await cancel(cookie)).status).toBe(204);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(JSON.parse((await replaying).body)).toMatchObject({
      ok: false,
      error: { details: { reason: 'cancelled' } },
    });
    expect(JSON.parse((await invoke({ name: 'customers.list', input: {} })).body)).toMatchObject({
      value: { total: before.value.total },
    });
  });

  it('takes an uploaded file for its own browser only, and hands a save file to that browser once', async () => {
    const connection = `web:${/kontor_conn=([^;]+)/.exec(cookie)?.[1] ?? ''}`;
    const post = (path: string, body: string, headers: Record<string, string> = {}) =>
      http(`${host.origin}${path}`, { method: 'POST', headers: { cookie, 'x-kontor': '1', ...headers }, body });
    expect((await post('/__kontor/files/upload?name=a.csv', 'x', { 'x-kontor': '' })).status).toBe(400);

    const uploaded = JSON.parse(
      (await post(`/__kontor/files/upload?name=${encodeURIComponent('../../etc/kunden.csv')}`, 'Name\nA')).body,
    );
    expect(uploaded).toMatchObject({ fileId: expect.any(String), name: 'kunden.csv' });
    const path = await kontor.files.resolve(connection, uploaded.fileId, 'read');
    expect(readFileSync(path, 'utf8')).toBe('Name\nA');
    expect(path.endsWith(join('', 'kunden.csv'))).toBe(true);
    await expect(kontor.files.resolve('web:another-browser', uploaded.fileId, 'read')).rejects.toThrow(/chosen/);
    await expect(kontor.files.resolve(connection, uploaded.fileId, 'write')).rejects.toThrow(/chosen/);

    const save = JSON.parse(
      (
        await post('/__kontor/files/save', JSON.stringify({ name: 'kunden.xlsx' }), {
          'content-type': 'application/json',
        })
      ).body,
    );
    writeFileSync(await kontor.files.resolve(connection, save.fileId, 'write'), 'exported');
    const other = cookie.replace(/kontor_conn=[^;]+/, 'kontor_conn=another-browser');
    const url = `${host.origin}/__kontor/files/download?id=${save.fileId}`;
    expect((await http(url, { headers: { cookie: other } })).status).toBe(404);
    const download = await http(url, { headers: { cookie } });
    expect(download).toMatchObject({ status: 200, body: 'exported' });
    expect(download.headers['content-disposition']).toBe("attachment; filename*=UTF-8''kunden.xlsx");
    expect((await http(url, { headers: { cookie } })).status).toBe(404);
  });

  it('needs the custom header and JSON for invoke (no cross-site form posts)', async () => {
    const reply = await http(`${host.origin}/__kontor/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', cookie },
      body: JSON.stringify({ name: 'system.ping', input: {} }),
    });
    expect(reply.status).toBe(400);
    expect((await invoke('not an object')).status).toBe(400);
  });

  it('injects the bridge into index.html and serves assets, but nothing outside the renderer', async () => {
    const index = await http(`${host.origin}/`, { headers: { cookie } });
    expect(index.body).toContain('<script src="/__kontor/bridge.js"></script>');
    expect((await http(`${host.origin}/assets/app.js`, { headers: { cookie } })).body).toBe('console.log(1)');
    expect((await http(`${host.origin}/__kontor/bridge.js`, { headers: { cookie } })).body).toContain('window');
    const escape = await http(`${host.origin}/..%2Fkontor-secret.txt`, { headers: { cookie } });
    expect(escape.body).not.toContain('outside');
    expect((await http(`${host.origin}/assets/missing.js`, { headers: { cookie } })).status).toBe(404);
  });

  it('refuses requests that another site starts (Origin, Sec-Fetch-Site)', async () => {
    const ping = { name: 'system.ping', input: {} };
    expect((await invoke(ping, { origin: 'https://evil.example' })).status).toBe(403);
    expect((await invoke(ping, { origin: 'http://localhost:1' })).status).toBe(403);
    expect((await invoke(ping, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await invoke(ping, { 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await http(`${host.origin}/`, { headers: { cookie, 'sec-fetch-site': 'cross-site' } })).status).toBe(403);
    expect((await invoke(ping, { origin: host.origin, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await http(`${host.origin}/`, { headers: { cookie, 'sec-fetch-site': 'none' } })).status).toBe(200);
  });

  it("sends a call's progress only to the browser that made it", async () => {
    const other = cookie.replace(/kontor_conn=[^;]+/, 'kontor_conn=another-browser');
    const listen = (browserCookie: string) => {
      const received: string[] = [];
      const req = request(`${host.origin}/__kontor/events`, { headers: { cookie: browserCookie } }, (res) => {
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => received.push(chunk));
      });
      req.on('error', () => undefined);
      req.end();
      return { received, stop: () => req.destroy() };
    };
    const mine = listen(cookie);
    const theirs = listen(other);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(JSON.parse((await invoke({ name: 'events.replay', input: {}, callId: 'mine-1' })).body)).toMatchObject({
      ok: true,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    mine.stop();
    theirs.stop();
    expect(mine.received.join('')).toContain('"callId":"mine-1"');
    expect(theirs.received.join('')).not.toContain('progress');
  });

  it('answers a failure of its own without the error text, which goes to the log', async () => {
    const logged: string[] = [];
    const failing = await startWebHost({
      invoker: {
        call: () => Promise.reject(new Error('ECONNREFUSED /var/lib/kontor/secret.db')),
      },
      rendererDir,
      logger: { error: (message, fields) => void logged.push(`${message} ${JSON.stringify(fields)}`) },
    });
    try {
      const login = await http(failing.url);
      const theirCookie = (login.headers['set-cookie'] as string[]).map((c) => c.split(';')[0]).join('; ');
      const reply = await http(`${failing.origin}/__kontor/invoke`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-kontor': '1', cookie: theirCookie },
        body: JSON.stringify({ name: 'system.ping', input: {} }),
      });
      expect(reply).toMatchObject({ status: 500, body: 'web host error' });
      expect(logged.join('')).toContain('/var/lib/kontor/secret.db');
    } finally {
      await failing.close();
    }
  });
});

// Two server instances on one database behind no balancer but the test: a client's token works
// on either, a customer made through one is read through the other, a sign-out through one is
// refused by the other within 5 s, a session past its absolute limit is refused by both, and a file
// uploaded to one is imported on the other (an export made on one is fetched from the other).
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kontor } from '../core/app';
import { openTestKontor, TEST_ADMIN, type TestKontor } from '../core/db/testing';
import type { ServerFiles } from './files';
import { httpClient, testServerApp, testServerFiles } from './testing';

describe('two Kontor server instances on one database', () => {
  let kontor: TestKontor;
  let second: Kontor;
  const apps: ReturnType<typeof testServerApp>[] = [];
  let one: ReturnType<typeof httpClient>;
  let two: ReturnType<typeof httpClient>;
  const urls: string[] = [];
  const serverFiles = testServerFiles();
  let now = Date.parse('2026-03-02T09:00:00.000Z');
  const tokenKey = randomBytes(32);

  beforeAll(async () => {
    kontor = await openTestKontor('postgres', {
      clock: { now: () => new Date(now) },
      sharedSessions: true,
      sharedFiles: serverFiles.factory,
    });
    second = await kontor.instance();
    const serve = async (router: Kontor['router'], files: ServerFiles | undefined) => {
      const app = testServerApp({ router, tokenKey, ...(files && { files }) });
      apps.push(app);
      const url = await app.listen({ host: '127.0.0.1', port: 0 });
      urls.push(url);
      return httpClient(url);
    };
    one = await serve(kontor.router, serverFiles.made[0]);
    two = await serve(second.router, serverFiles.made[1]);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await kontor.dispose();
  });

  async function signedIn(): Promise<string> {
    const token = await one.connect();
    const login = await one.rpc(token, 'auth.login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password });
    expect(login.status).toBe(200);
    return token;
  }

  it('serves one client on either instance: what one writes, the other reads', async () => {
    const token = await signedIn();
    const created = await one.rpc(token, 'customers.create', { name: 'Lastverteilt GmbH' });
    const id = (created.result as { value: { id: string } }).value.id;
    expect(await two.rpc(token, 'customers.get', { id })).toMatchObject({
      status: 200,
      result: { ok: true, value: { name: 'Lastverteilt GmbH' } },
    });
    const changed = await two.rpc(token, 'customers.update', { id, changes: { name: 'Lastverteilt AG' } });
    expect(changed.status).toBe(200);
    expect(await one.rpc(token, 'customers.get', { id })).toMatchObject({
      result: { value: { name: 'Lastverteilt AG' } },
    });
  });

  it('imports on one instance a file uploaded to the other, and hands over there an export made here, once', async () => {
    const token = await signedIn();
    const auth = { authorization: `Bearer ${token}` };
    const [first = '', other = ''] = urls;
    const uploaded = await fetch(`${first}/v1/files?name=kunden.csv`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/octet-stream' },
      body: 'Firma;Ort\nVerteilt Eins GmbH;Kiel\nVerteilt Zwei AG;Ulm\n',
    });
    const { fileId } = (await uploaded.json()) as { fileId: string };
    expect(await two.rpc(token, 'customers.import', { fileId })).toMatchObject({
      status: 200,
      result: { ok: true, value: { imported: 2 } },
    });
    // What the database holds of the file is sealed.
    const system = kontor.stores.system.sql;
    const stored = await system.column(sql`SELECT data FROM ${system.table('server_file_chunks')}`);
    expect(stored.length).toBeGreaterThan(0);
    for (const data of stored) expect(Buffer.from(String(data), 'base64').toString('latin1')).not.toContain('Verteilt');

    const place = await fetch(`${other}/v1/files/new?name=export.csv`, { method: 'POST', headers: auth });
    const target = ((await place.json()) as { fileId: string }).fileId;
    const exported = await one.rpc(token, 'customers.export', {
      fileId: target,
      format: 'csv',
      query: { search: 'Verteilt' },
    });
    expect(exported).toMatchObject({ status: 200, result: { ok: true, value: { rows: 2 } } });
    const fetched = await fetch(`${other}/v1/files/${target}`, { headers: auth });
    expect(fetched.status).toBe(200);
    expect(await fetched.text()).toContain('Verteilt Zwei AG');
    expect((await fetch(`${first}/v1/files/${target}`, { headers: auth })).status).toBe(404); // once
  });

  it('refuses on one instance, within 5 s, a session signed out on the other', async () => {
    const token = await signedIn();
    expect((await two.rpc(token, 'customers.list')).status).toBe(200); // cached there now
    expect((await one.rpc(token, 'auth.logout')).status).toBe(200);
    const deadline = Date.now() + 5_000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) status = (await two.rpc(token, 'customers.list')).status;
    expect(status).toBe(401);
  });

  it('refuses on both instances a session past its absolute limit', async () => {
    const token = await signedIn();
    expect((await two.rpc(token, 'customers.list')).status).toBe(200);
    now += 13 * 3_600_000; // the absolute limit is 12 hours
    expect(await one.rpc(token, 'customers.list')).toMatchObject({ status: 401 });
    expect(await two.rpc(token, 'customers.list')).toMatchObject({ status: 401 });
  });
});

// The desk's remote transport against a real Kontor server app on 127.0.0.1: windows (connections)
// sign in and work through it, long calls stream their progress, a cancel reaches the server, a
// server that is down gives a retryable error and is used again once it is up, and over HTTPS the
// server's certificate is trusted through the company CA or its pinned fingerprint, and nothing else.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../../test/fixtures/smtp-peer';
import { serverWaitingForCancel, testServerApp, testServerFiles } from './testing';
import { openTestKontor, TEST_ADMIN, value, type TestKontor } from '../core/db/testing';
import { createEnvironmentGate, parseEnv } from '../core/config';
import { createRemoteRouter, fingerprintOf } from '../core/remote/remote-router';

describe('a desk calling the Kontor server', () => {
  let kontor: TestKontor;
  const apps: ReturnType<typeof testServerApp>[] = [];
  const tokenKey = randomBytes(32);
  const dir = mkdtempSync(join(tmpdir(), 'kontor-remote-'));
  const serverFiles = testServerFiles();

  const serve = async (options: { port?: number; tls?: { cert: Buffer; key: Buffer } } = {}) => {
    const app = testServerApp({
      router: kontor.router,
      tokenKey,
      files: serverFiles.made[0],
      ...(options.tls && { tls: options.tls }),
    });
    apps.push(app);
    return { app, url: await app.listen({ host: '127.0.0.1', port: options.port ?? 0 }) };
  };

  beforeAll(async () => {
    kontor = await openTestKontor('postgres', { sharedFiles: serverFiles.factory });
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await kontor.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs a window in and works through the server; another window stays signed out', async () => {
    const { url } = await serve();
    const remote = createRemoteRouter({ url });
    try {
      const window = { meta: { connection: 'window-1' } };
      expect(await remote.call('customers.list', {}, window)).toMatchObject({
        ok: false,
        error: { code: 'unauthenticated' },
      });
      value(await remote.call('auth.login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password }, window));
      value(await remote.call('customers.create', { name: 'Fernkunde GmbH' }, window));
      expect(value(await remote.call('customers.list', { search: 'Fernkunde' }, window))).toMatchObject({
        items: [{ name: 'Fernkunde GmbH' }],
      });
      const other = await remote.call('customers.list', {}, { meta: { connection: 'window-2' } });
      expect(other).toMatchObject({ ok: false, error: { code: 'unauthenticated' } });
      expect(await remote.check()).toEqual({ ok: true, ready: true, fingerprint: null });
    } finally {
      remote.close();
    }
  });

  it('streams the progress of a long call and gives its result', async () => {
    const { url } = await serve();
    const remote = createRemoteRouter({ url });
    try {
      const window = { meta: { connection: 'window-progress' } };
      value(await remote.call('auth.login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password }, window));
      const ids: string[] = [];
      for (const name of ['Fortschritt A', 'Fortschritt B'])
        ids.push(value<{ id: string }>(await remote.call('customers.create', { name }, window)).id);
      const seen: { done: number; total: number | null }[] = [];
      const result = await remote.call(
        'customers.bulk',
        { ids, action: { kind: 'addTags', tags: ['fern'] } },
        { ...window, onProgress: (event) => seen.push({ done: event.done, total: event.total }) },
      );
      expect(value(result)).toMatchObject({ changed: 2 });
      expect(seen.at(-1)).toEqual({ done: 2, total: 2 });
    } finally {
      remote.close();
    }
  });

  it('says a server that is down is unreachable, retryably, and carries on once it is up', async () => {
    const { app, url } = await serve();
    const port = Number(new URL(url).port);
    await app.close();
    const remote = createRemoteRouter({ url });
    try {
      const down = await remote.call('system.ping', {}, { meta: { connection: 'window-down' } });
      expect(down).toMatchObject({
        ok: false,
        error: { code: 'locked', details: { reason: 'server_unreachable', retryable: true } },
      });
      expect(await remote.check()).toMatchObject({ ok: false, reason: 'server_unreachable' });
      await serve({ port });
      expect(await remote.call('system.ping', {}, { meta: { connection: 'window-down' } })).toMatchObject({
        ok: true,
      });
    } finally {
      remote.close();
    }
  });

  it('cancels a call on the server when the desk cancels it', async () => {
    const { app: waiting, url: waitingUrl, seen } = await serverWaitingForCancel(tokenKey);
    apps.push(waiting);
    const remote = createRemoteRouter({ url: waitingUrl });
    try {
      const controller = new AbortController();
      const call = remote.call(
        'analytics.refresh',
        {},
        { meta: { connection: 'window-cancel' }, signal: controller.signal, onProgress: () => undefined },
      );
      setTimeout(() => controller.abort(), 200);
      expect(await call).toMatchObject({ ok: false, error: { details: { reason: 'cancelled' } } });
      await seen;
    } finally {
      remote.close();
    }
  });

  it('puts a desk in server mode: every call goes to the server, its own connection settings stay on the desk', async () => {
    const { url } = await serve();
    const deskDir = join(dir, 'desk');
    const gate = createEnvironmentGate({
      dataDir: deskDir,
      env: parseEnv({ KONTOR_SERVER_URL: url }),
      version: 'test',
      logger: { error: () => undefined, warn: () => undefined },
    });
    await gate.start();
    try {
      expect(gate.kontor).toBeNull(); // nothing opened on the desk: no database, no keys
      const window = { meta: { connection: 'desk-window' } };
      expect(await gate.call('settings.getDatabase', {}, window)).toMatchObject({
        ok: false,
        error: { code: 'unauthenticated' },
      });
      value(await gate.call('auth.login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password }, window));
      expect(value(await gate.call('customers.list', {}, window))).toMatchObject({ items: expect.any(Array) });
      expect(value(await gate.call('settings.getDatabase', {}, window))).toEqual({
        active: 'server',
        configured: { kind: 'server', url, ca: false, fingerprint: null },
        restartRequired: false,
      });
      expect(value(await gate.call('settings.testServer', { url }, window))).toEqual({
        ok: true,
        ready: true,
        fingerprint: null,
      });
      expect(
        await gate.call('settings.setDatabase', { kind: 'postgres', url: 'postgres://x@db/k' }, window),
      ).toMatchObject({ ok: false, error: { code: 'conflict', details: { reason: 'server_mode' } } });
      expect(value(await gate.call('settings.setDatabase', { kind: 'server', url }, window))).toMatchObject({
        configured: { kind: 'server', url, ca: false, fingerprint: null },
      });
      expect(
        await gate.call('settings.setDatabase', { kind: 'server', url: 'http://kontor.example' }, window),
      ).toMatchObject({ ok: false, error: { code: 'validation' } });
    } finally {
      await gate.close();
    }
    // The next start reads server mode from the settings file, without the environment.
    const again = createEnvironmentGate({ dataDir: deskDir, env: parseEnv({}), version: 'test' });
    await again.start();
    expect(again.kontor).toBeNull();
    expect(await again.call('system.ping', {}, { meta: { connection: 'w' } })).toMatchObject({ ok: true });
    await again.close();
  });

  it('imports a file chosen on the desk and exports to the desk, the files crossing to and from the server', async () => {
    const { url } = await serve();
    const gate = createEnvironmentGate({
      dataDir: join(dir, 'desk-files'),
      env: parseEnv({ KONTOR_SERVER_URL: url }),
      version: 'test',
      logger: { error: () => undefined, warn: () => undefined },
    });
    const window = { meta: { connection: 'files-window' } };
    try {
      value(await gate.call('auth.login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password }, window));
      const csv = join(dir, 'kunden.csv');
      writeFileSync(csv, 'Firma;Ort\nDateikunde Eins GmbH;Rostock\nDateikunde Zwei AG;Jena\n');
      const upload = await gate.grantFile('files-window', csv, 'read');
      expect(value(await gate.call('customers.import', { fileId: upload }, window))).toMatchObject({ imported: 2 });
      // Another window cannot use the upload.
      expect(
        await gate.call('customers.import', { fileId: upload }, { meta: { connection: 'w-other' } }),
      ).toMatchObject({ ok: false });
      const out = join(dir, 'export.csv');
      const target = await gate.grantFile('files-window', out, 'write');
      const exported = await gate.call(
        'customers.export',
        { fileId: target, format: 'csv', query: { search: 'Dateikunde' } },
        window,
      );
      expect(value(exported)).toMatchObject({ rows: 2 });
      expect(readFileSync(out, 'utf8')).toContain('Dateikunde Zwei AG');
      // The server's copy went with the download.
      expect(readdirSync(join(kontor.dataDir, 'server-files')).filter((name) => name.endsWith('export.csv'))).toEqual(
        [],
      );
      // A refusal arrives with the server's reason; a server not reached says so.
      const remote = createRemoteRouter({ url });
      try {
        await expect(remote.download('files-window', randomUUID(), join(dir, 'none.csv'))).rejects.toMatchObject({
          code: 'not_found',
          details: { reason: 'no_file' },
        });
      } finally {
        remote.close();
      }
      const { app: down, url: nowhere } = await serve();
      await down.close();
      const unreached = createRemoteRouter({ url: nowhere });
      try {
        await expect(unreached.upload('files-window', csv)).rejects.toMatchObject({
          code: 'locked',
          details: { reason: 'server_unreachable', retryable: true },
        });
      } finally {
        unreached.close();
      }
    } finally {
      await gate.close();
    }
  });

  it('trusts an HTTPS server through the company CA or the pinned fingerprint, and nothing else', async () => {
    const tls = selfSignedCertificate();
    const pem = tls.cert.toString('utf8');
    const { url } = await serve({ tls });
    expect(url).toMatch(/^https:/);
    const ping = async (options: { ca?: string; fingerprint?: string }) => {
      const remote = createRemoteRouter({ url, ...options });
      try {
        return await remote.call('system.ping', {}, { meta: { connection: 'window-tls' } });
      } finally {
        remote.close();
      }
    };
    expect(await ping({})).toMatchObject({ ok: false, error: { details: { reason: 'server_unreachable' } } });
    expect(await ping({ ca: pem })).toMatchObject({ ok: true });
    const fingerprint = fingerprintOf(pem);
    expect(await ping({ fingerprint: fingerprint.toUpperCase().replace(/(..)(?!$)/g, '$1:') })).toMatchObject({
      ok: true,
    });
    expect(await ping({ fingerprint: 'ab'.repeat(32) })).toMatchObject({
      ok: false,
      error: { details: { reason: 'server_fingerprint' } },
    });
    const checker = createRemoteRouter({ url, fingerprint });
    expect(await checker.check()).toEqual({ ok: true, ready: true, fingerprint });
    checker.close();
  });
});

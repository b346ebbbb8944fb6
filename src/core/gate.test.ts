// The gate: locked with a reason until the data opens, then the router itself.
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../shared/errors';
import type { Kontor } from './app';
import { createEnvironmentGate } from './config';
import { createGate } from './gate';
import { quietLogger } from './db/testing';
import { readSettingsFile, settingsFilePath } from './settings/settings.file';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kontor-gate-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const admin = { company: 'Gate AG', name: 'Gate Admin', email: 'admin@gate.example', password: 'gate admin password' };
const meta = { meta: { connection: 'gate-test' } };

describe('gate', () => {
  it('stays locked with the reason when the key store cannot open, and refuses everything else', async () => {
    const dir = dataDir();
    // The passphrase store without a passphrase cannot open: the same path a missing keychain takes.
    const gate = createEnvironmentGate({
      dataDir: dir,
      env: { KONTOR_KEYSTORE: 'passphrase' },
      version: 't',
      logger: quietLogger,
    });
    await gate.start();
    const status = await gate.call('app.status', {});
    expect(status).toMatchObject({ ok: true, value: { state: 'locked', canUsePassphrase: true, firstRun: true } });
    expect(JSON.stringify(status)).toContain('KONTOR_MASTER_PASSPHRASE is required');
    expect(await gate.call('customers.list', {})).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(await gate.call('app.unlock', { passphrase: 'short' })).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    });
  });

  it('opens with the passphrase, remembers the passphrase store, and then serves every procedure', async () => {
    const dir = dataDir();
    const env = { KONTOR_KEYSTORE: 'passphrase' as const };
    const gate = createEnvironmentGate({ dataDir: dir, env, version: 't', logger: quietLogger });
    await gate.start();
    expect(await gate.call('app.unlock', { passphrase: 'the master passphrase' })).toEqual({
      ok: true,
      value: { state: 'ready' },
    });
    expect(await gate.call('app.status', {})).toEqual({ ok: true, value: { state: 'ready' } });
    expect(await gate.call('auth.setup', admin, meta)).toMatchObject({ ok: true });
    expect(readSettingsFile(settingsFilePath(dir)).keyStore).toBe('passphrase');
    await gate.close();

    const again = createEnvironmentGate({ dataDir: dir, env: {}, version: 't', logger: quietLogger });
    await again.start();
    expect(await again.call('app.status', {})).toMatchObject({ ok: true, value: { state: 'locked', firstRun: false } });
    expect(await again.call('app.unlock', { passphrase: 'not the passphrase' })).toMatchObject({
      ok: false,
      error: { code: 'locked', message: 'the master passphrase does not match this data directory' },
    });
    expect(await again.call('app.unlock', { passphrase: 'the master passphrase' })).toMatchObject({ ok: true });
    await again.call('auth.login', { email: admin.email, password: admin.password }, meta);
    expect(await again.call('tenants.list', {}, meta)).toMatchObject({ ok: true, value: [{ name: 'Gate AG' }] });
    await again.close();
  });

  it('opens a copied data directory on a new machine once its key backup is imported', async () => {
    const old = dataDir();
    const env = { KONTOR_KEYSTORE: 'passphrase' as const, KONTOR_MASTER_PASSPHRASE: 'the old machine passphrase' };
    const first = createEnvironmentGate({ dataDir: old, env, version: 't', logger: quietLogger });
    await first.start();
    await first.call('auth.setup', admin, meta);
    const created = await first.call('customers.create', { name: 'Umzugskunde' }, meta);
    const backup = await first.call(
      'keys.exportBackup',
      { password: admin.password, passphrase: 'the backup passphrase' },
      meta,
    );
    await first.close();
    if (!created.ok || !backup.ok) throw new Error('setup failed');

    // The new machine: the data files, but its own (empty) passphrase store and no keys.
    const fresh = dataDir();
    cpSync(old, fresh, { recursive: true, filter: (f) => !f.endsWith('keys.json') });
    const newEnv = { KONTOR_KEYSTORE: 'passphrase' as const, KONTOR_MASTER_PASSPHRASE: 'the new machine passphrase' };
    const gate = createEnvironmentGate({ dataDir: fresh, env: newEnv, version: 't', logger: quietLogger });
    await gate.start();
    expect(await gate.call('app.status', {})).toMatchObject({ ok: true, value: { state: 'locked' } });
    const content = (backup.value as { content: string }).content;
    expect(
      await gate.call('app.importKeys', { backup: content, passphrase: 'not the backup passphrase' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'locked', message: 'the passphrase does not open this key backup, or the file was changed' },
    });
    expect(await gate.call('app.importKeys', { backup: content, passphrase: 'the backup passphrase' })).toEqual({
      ok: true,
      value: { state: 'ready' },
    });
    await gate.call('auth.login', { email: admin.email, password: admin.password }, meta);
    const id = (created.value as { id: string }).id;
    expect(await gate.call('customers.get', { id }, meta)).toMatchObject({ ok: true, value: { name: 'Umzugskunde' } });
    expect(await gate.call('app.importKeys', { backup: content, passphrase: 'the backup passphrase' })).toMatchObject({
      ok: false,
      error: { code: 'conflict' },
    });
    await gate.close();
  });

  it('tells a caller who is not signed in why it is locked in its own words, and the log the details', async () => {
    const logged: string[] = [];
    const logger = {
      error: (message: string, fields?: object) => void logged.push(`${message} ${JSON.stringify(fields)}`),
      warn: (message: string, fields?: object) => void logged.push(`${message} ${JSON.stringify(fields)}`),
    };
    // A server that refuses, with a password in its address.
    const unreachable = createEnvironmentGate({
      dataDir: dataDir(),
      env: {
        KONTOR_KEYSTORE: 'passphrase',
        KONTOR_MASTER_PASSPHRASE: 'the master passphrase',
        KONTOR_DATABASE_URL: 'postgres://kontor:s3cret-pw@127.0.0.1:1/kontor_db',
      },
      version: 't',
      logger,
    });
    await unreachable.start();
    const told = JSON.stringify(await unreachable.call('app.status', {}));
    expect(told).toContain('cannot connect to the database server');
    for (const secret of ['127.0.0.1', 's3cret-pw', 'kontor_db', 'ECONNREFUSED']) expect(told).not.toContain(secret);
    expect(logged.join('\n')).toContain('ECONNREFUSED');
    expect(logged.join('\n')).not.toContain('s3cret-pw');

    // A damaged key file: where it lies stays in the log.
    const dir = dataDir();
    writeFileSync(join(dir, 'keys.json'), '{ not json');
    const damaged = createEnvironmentGate({
      dataDir: dir,
      env: { KONTOR_KEYSTORE: 'passphrase', KONTOR_MASTER_PASSPHRASE: 'the master passphrase' },
      version: 't',
      logger,
    });
    await damaged.start();
    const status = JSON.stringify(await damaged.call('app.status', {}));
    expect(status).toContain('key file');
    expect(status).not.toContain(dir);
    expect(JSON.stringify(await damaged.call('customers.list', {}))).not.toContain(dir);
    expect(logged.join('\n')).toContain(dir);
  });

  it('replaces keys from the unlock screen only with the master passphrase, and keeps the replaced ones', async () => {
    // Another installation's backup: the wrong keys for this data.
    const other = createEnvironmentGate({
      dataDir: dataDir(),
      env: { KONTOR_KEYSTORE: 'passphrase', KONTOR_MASTER_PASSPHRASE: 'the other machine passphrase' },
      version: 't',
      logger: quietLogger,
    });
    await other.start();
    await other.call('auth.setup', admin, meta);
    const foreign = await other.call(
      'keys.exportBackup',
      { password: admin.password, passphrase: 'foreign backup pass' },
      meta,
    );
    await other.close();
    if (!foreign.ok) throw new Error('export failed');
    const content = (foreign.value as { content: string }).content;

    const dir = dataDir();
    const own = { KONTOR_KEYSTORE: 'passphrase' as const, KONTOR_MASTER_PASSPHRASE: 'this machine passphrase' };
    const first = createEnvironmentGate({ dataDir: dir, env: own, version: 't', logger: quietLogger });
    await first.start();
    await first.call('auth.setup', admin, meta);
    const created = await first.call('customers.create', { name: 'Bleibt lesbar' }, meta);
    await first.close();
    const keyFile = () => readFileSync(join(dir, 'keys.json'), 'utf8');
    const keysBefore = keyFile();

    const gate = createEnvironmentGate({
      dataDir: dir,
      env: { KONTOR_KEYSTORE: 'passphrase' },
      version: 't',
      logger: quietLogger,
    });
    await gate.start();
    const replace = (masterPassphrase?: string) =>
      gate.call('app.importKeys', {
        backup: content,
        passphrase: 'foreign backup pass',
        replace: true,
        ...(masterPassphrase !== undefined && { masterPassphrase }),
      });
    expect(await replace()).toMatchObject({ ok: false });
    expect(await replace('not this machine passphrase')).toMatchObject({
      ok: false,
      error: { code: 'locked', message: 'the master passphrase does not match this data directory' },
    });
    expect(keyFile()).toBe(keysBefore);

    // With the passphrase the keys are replaced (and, being the wrong ones, open nothing) …
    expect(await replace('this machine passphrase')).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(keyFile()).not.toBe(keysBefore);
    // … but the replaced keys were kept, sealed with the passphrase of the backup just imported.
    const kept = readdirSync(dir).filter((f) => f.startsWith('kontor-keys-replaced-'));
    expect(kept).toHaveLength(1);
    const restored = await gate.call('app.importKeys', {
      backup: readFileSync(join(dir, kept[0] ?? ''), 'utf8'),
      passphrase: 'foreign backup pass',
      replace: true,
      masterPassphrase: 'this machine passphrase',
    });
    expect(restored).toEqual({ ok: true, value: { state: 'ready' } });
    await gate.call('auth.login', { email: admin.email, password: admin.password }, meta);
    const id = created.ok ? (created.value as { id: string }).id : '';
    expect(await gate.call('customers.get', { id }, meta)).toMatchObject({ value: { name: 'Bleibt lesbar' } });
    await gate.close();
  });

  it('never replaces keys that open the data from the unlock screen without the master passphrase', async () => {
    let opens = 0;
    const imported: unknown[] = [];
    const working = { close: async () => undefined, mail: { startWorker: () => undefined } } as unknown as Kontor;
    const gate = createGate({
      // Locked at the start (a server away, say); the keys themselves work.
      open: async () => {
        opens += 1;
        if (opens === 1) throw new AppError('locked', 'the database server cannot be reached');
        return working;
      },
      hasPassphraseFile: () => false,
      importKeys: async (input) => void imported.push(input),
      logger: quietLogger,
    });
    await gate.start();
    expect(
      await gate.call('app.importKeys', { backup: '{}', passphrase: 'a backup passphrase', replace: true }),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden', details: { reason: 'keys_open_data' } },
    });
    expect(imported).toEqual([]);
  });
});

// The key hierarchy on every dialect: rotation re-wraps keys and leaves the data alone, a foreign
// master key is named as such, and a key backup opens the data on another machine.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer } from '../../shared/contract';
import { openKontor } from '../app';
import { defaultMigrationsDir } from '../config';
import {
  memoryKeyStore,
  openTestKontor,
  quietLogger,
  TEST_ADMIN,
  testDialects,
  type TestKontor,
  value,
} from '../db/testing';
import { systemClock, uuidv7Source } from '../deps';
import { importKeyBackup } from '../keys/key-backup';
import { keyNames, newKey } from '../keys/keystore';
import { createKeyring } from './keyring';

const passphrase = 'correct horse battery staple';

describe.each(testDialects)('keys on %s', (dialect) => {
  let kontor: TestKontor;
  const keyStore = memoryKeyStore();
  const call = <T>(name: string, input: unknown = {}) => kontor.call(name, input).then((r) => value<T>(r));

  beforeAll(async () => {
    kontor = await openTestKontor(dialect, { keyStore });
  });
  afterAll(async () => kontor.dispose());

  it('rotates the KEK: every data key re-wrapped, events untouched, data still readable', async () => {
    const a = await call<Customer>('customers.create', { name: 'Rotation Anna', email: 'anna@example.org' });
    const b = await call<Customer>('customers.create', { name: 'Rotation Bert' });
    const store = await kontor.currentStore();
    const events = () => store.sql.rows(sql`SELECT * FROM ${store.sql.table('events')} ORDER BY position`);
    const before = await events();
    const status = await call<{ kekVersion: number; dataKeys: number }>('keys.status');

    const progress: number[] = [];
    const rotated = value<{ kekVersion: number; rewrapped: number }>(
      await kontor.router.call(
        'keys.rotate',
        {},
        { meta: { connection: 'test-admin' }, onProgress: (p) => progress.push(p.done) },
      ),
    );
    expect(rotated.kekVersion).toBe(status.kekVersion + 1);
    // The same count as the status shows (the search index key is re-wrapped but not counted).
    expect(rotated.rewrapped).toBe(status.dataKeys);
    expect(progress.at(-1)).toBe(rotated.rewrapped);
    expect(await events()).toEqual(before);
    const keks = await store.sql.rows(sql`SELECT version FROM ${store.sql.table('key_encryption_keys')}`);
    expect(keks.map((k) => Number(k['version']))).toEqual([rotated.kekVersion]);
    const versions = await store.sql.rows(sql`SELECT DISTINCT kek_version FROM ${store.sql.table('data_keys')}`);
    expect(versions.map((v) => Number(v['kek_version']))).toEqual([rotated.kekVersion]);

    expect(await call<Customer>('customers.get', { id: a.id })).toMatchObject({ email: 'anna@example.org' });
    expect((await call<{ total: number }>('customers.list', { search: 'Rotation' })).total).toBe(2);
    value(await kontor.call('customers.update', { id: b.id, changes: { billingAddress: { city: 'Rostock' } } }));
    value(await kontor.call('events.replay'));
    expect(await call<Customer>('customers.get', { id: b.id })).toMatchObject({
      name: 'Rotation Bert',
      city: 'Rostock',
    });
  });

  it('rotates while customers are being created, and every data key stays readable', async () => {
    const creating = Array.from({ length: 20 }, (_, i) => call<Customer>('customers.create', { name: `Busy ${i}` }));
    const rotating = call<{ kekVersion: number }>('keys.rotate');
    const created = await Promise.all(creating);
    const { kekVersion } = await rotating;
    // A keyring without a cache unwraps every key with the one KEK that is left.
    const store = await kontor.currentStore();
    const master = await keyStore.getKey(keyNames.fieldMaster);
    if (!master) throw new Error('no master key');
    const clock = systemClock;
    const fresh = createKeyring({ db: store.sql, tenantId: store.tenantId, master, clock, ids: uuidv7Source(clock) });
    const keys = await fresh.dataKeys(created.map((c) => `customer:${c.id}`));
    expect(keys.size).toBe(created.length);
    expect((await fresh.status()).kekVersion).toBe(kekVersion);
    for (const c of created) expect((await call<Customer>('customers.get', { id: c.id })).name).toBe(c.name);
  });

  it('names a foreign master key instead of failing on garbage', async () => {
    const store = await kontor.currentStore();
    const clock = systemClock;
    const foreign = createKeyring({
      db: store.sql,
      tenantId: store.tenantId,
      master: newKey(),
      clock,
      ids: uuidv7Source(clock),
    });
    await expect(foreign.ready()).rejects.toMatchObject({
      code: 'locked',
      message: /another installation's master key/,
    });
  });

  it('gives the key backup only to an installation administrator', async () => {
    const localAdmin = await kontor.signInAs('administrator');
    value(await kontor.call('tenants.setup', { name: 'Other Company GmbH' }));
    const refused = await localAdmin('keys.exportBackup', { password: TEST_ADMIN.password, passphrase });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'forbidden', details: { permission: 'installation.manage' } },
    });
    expect((await call<{ items: unknown[] }>('audit.list', { action: 'keys.exported' })).items).toEqual([]);
  });

  it('exports a key backup that opens the data in a new key store, and only with its passphrase', async () => {
    const backup = await call<{ content: string; names: string[] }>('keys.exportBackup', {
      password: TEST_ADMIN.password,
      passphrase,
    });
    expect(backup.names).toContain(keyNames.fieldMaster);
    expect(backup.content).not.toContain((await keyStore.getKey(keyNames.fieldMaster))?.toString('base64'));
    expect(
      await kontor.call('keys.exportBackup', { password: TEST_ADMIN.password, passphrase: 'short' }),
    ).toMatchObject({
      ok: false,
      error: { code: 'validation' },
    });

    const fresh = memoryKeyStore();
    await expect(importKeyBackup(fresh, backup.content, 'not the passphrase at all')).rejects.toMatchObject({
      code: 'locked',
    });
    expect(fresh.keys.size).toBe(0);
    await expect(importKeyBackup(fresh, '{"format":"something else"}', passphrase)).rejects.toMatchObject({
      code: 'validation',
    });

    const imported = await importKeyBackup(fresh, backup.content, passphrase);
    expect(imported.imported).toEqual(expect.arrayContaining([keyNames.fieldMaster, keyNames.systemSecrets]));
    // A second import changes nothing; a store holding other keys refuses and stays as it was.
    expect((await importKeyBackup(fresh, backup.content, passphrase)).imported).toEqual([]);
    const other = memoryKeyStore();
    await other.putKey(keyNames.fieldMaster, newKey());
    await expect(importKeyBackup(other, backup.content, passphrase)).rejects.toMatchObject({ code: 'conflict' });
    expect(other.keys.size).toBe(1);

    // The imported master key opens the tenant's keys.
    const store = await kontor.currentStore();
    const master = await fresh.getKey(keyNames.fieldMaster);
    if (!master) throw new Error('no master key imported');
    const clock = systemClock;
    await createKeyring({ db: store.sql, tenantId: store.tenantId, master, clock, ids: uuidv7Source(clock) }).ready();

    if (dialect === 'sqlite') {
      // A whole installation reopened from the data directory and nothing but the imported keys.
      const created = await call<Customer>('customers.create', { name: 'Survives The Move' });
      await kontor.close();
      const moved = await openKontor({
        dataDir: kontor.dataDir,
        migrationsDir: defaultMigrationsDir(),
        settingsFile: `${kontor.dataDir}/settings.json`,
        version: 'test',
        database: { kind: 'sqlite' },
        keyStore: fresh,
        logger: quietLogger,
      });
      try {
        const login = await moved.router.call(
          'auth.login',
          { email: 'admin@test.example', password: 'test admin password' },
          { meta: { connection: 'moved' } },
        );
        expect(login.ok).toBe(true);
        const switched = await moved.router.call(
          'auth.switchTenant',
          { tenantId: store.tenantId },
          { meta: { connection: 'moved' } },
        );
        expect(switched.ok).toBe(true);
        const read = await moved.router.call('customers.get', { id: created.id }, { meta: { connection: 'moved' } });
        expect(value<Customer>(read).name).toBe('Survives The Move');
      } finally {
        await moved.close();
      }
      kontor = await openTestKontor(dialect, { keyStore: memoryKeyStore() });
    }
  });
});

// Backups end to end on real encrypted SQLite files: made through the router while the app works,
// verified, restored into a fresh data directory (a new machine's key store) and compared there
// row by row; erasures made after a backup are made again at its restore; damaged, cut-off and
// foreign files are refused and change nothing.
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BackupStatusView, BackupSummaryView, Customer } from '../../shared/contract';
import { ERASURE_MARKER } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { openKontor, type Kontor } from '../app';
import { defaultMigrationsDir } from '../config';
import { openEncryptedSqlite } from '../db/sqlite';
import { memoryKeyStore, openTestKontor, quietLogger, TEST_ADMIN, type TestKontor, value } from '../db/testing';
import { keyNames, type KeyStore } from '../keys/keystore';
import { backupsToPrune, isoWeek, restoreBackup, verifyBackup, type SealResolver } from './backup';
import { readBackupHeader } from './backup-file';

/** Every table of every store of a data directory, row by row (rowid order). */
async function tablesOf(dataDir: string, keyStore: KeyStore): Promise<Record<string, unknown[]>> {
  const files = [
    { name: 'system.db', key: keyNames.systemDatabase },
    ...readdirSync(join(dataDir, 'tenants'))
      .filter((f) => f.endsWith('.db'))
      .map((f) => ({ name: `tenants/${f}`, key: keyNames.tenantDatabase(f.slice(0, -3)) })),
  ];
  const out: Record<string, unknown[]> = {};
  for (const file of files) {
    const key = await keyStore.getKey(file.key);
    if (!key) throw new Error(`no key for ${file.name}`);
    const db = openEncryptedSqlite(join(dataDir, file.name), key);
    try {
      const tables = db
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_stat%' ORDER BY name")
        .pluck()
        .all() as string[];
      for (const table of tables) out[`${file.name}:${table}`] = db.prepare(`SELECT * FROM "${table}"`).all();
      out[`${file.name}:schema`] = db.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY name').all();
    } finally {
      db.close();
    }
  }
  return out;
}

async function openAt(dataDir: string, keyStore: KeyStore) {
  return openKontor({
    dataDir,
    migrationsDir: defaultMigrationsDir(),
    settingsFile: join(dataDir, 'settings.json'),
    version: '0.0.0-test',
    logger: quietLogger,
    database: { kind: 'sqlite' },
    keyStore,
  });
}

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('backups of SQLite stores', () => {
  let kontor: TestKontor;
  const keyStore = memoryKeyStore();
  const scratch = mkdtempSync(join(tmpdir(), 'kontor-backup-test-'));
  const call = <T>(name: string, input: unknown = {}) => kontor.call(name, input).then((r) => value<T>(r));
  const installationSeal: SealResolver = async () => ({
    kind: 'installation',
    key: (await keyStore.getKey(keyNames.backupSeal)) as Buffer,
  });
  let folder: string;
  let kept: Customer;
  let erasedLater: Customer;
  let first: BackupSummaryView;
  let tenantId: string;
  /** Every row of every store just before the first backup. */
  let before: Record<string, unknown[]>;

  beforeAll(async () => {
    kontor = await openTestKontor('sqlite', {
      keyStore,
      logger: { error: (m, f) => console.error(m, f), warn: () => undefined },
    });
    folder = join(scratch, 'backups');
    await call('backups.configure', { folder, schedule: 'off' });
    kept = await call<Customer>('customers.create', { name: 'Kept Müller GmbH', email: 'info@kept.example' });
    erasedLater = await call<Customer>('customers.create', { name: 'Zacharias Quellenberg', email: 'zq@example.de' });
    await call('tenants.setup', { name: 'Second Company AG' });
    tenantId = (await kontor.currentStore()).tenantId;
  });

  /** Signs the test administrator in on a restored installation, in the test company. */
  async function signedIn(reopened: Kontor) {
    const as = (name: string, input: unknown = {}) => reopened.router.call(name, input, { meta: { connection: 'c' } });
    value(await as('auth.login', { email: TEST_ADMIN.email, password: TEST_ADMIN.password }));
    value(await as('auth.switchTenant', { tenantId }));
    return as;
  }
  afterAll(async () => {
    await kontor.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('makes a backup through the router, with progress, and lists it', async () => {
    before = await tablesOf(kontor.dataDir, keyStore);
    const progress: number[] = [];
    const result = await kontor.router.call(
      'backups.create',
      {},
      { meta: { connection: 'test-admin' }, onProgress: (p) => progress.push(p.done) },
    );
    first = value<BackupSummaryView>(result);
    expect(first).toMatchObject({ reason: 'manual', companies: 2, customers: 2 });
    expect(first.events).toBeGreaterThanOrEqual(2);
    expect(progress.length).toBeGreaterThan(0);
    const header = await readBackupHeader(join(folder, first.name));
    expect(header.seal.kind).toBe('installation');
    // Nothing readable in the file: the names are sealed.
    expect(readFileSync(join(folder, first.name)).includes('Quellenberg')).toBe(false);
    const list = await call<{ name: string; unreadable: string | null }[]>('backups.list');
    expect(list.map((b) => b.name)).toEqual([first.name]);
    expect(list[0]?.unreadable).toBeNull();
    const status = await call<BackupStatusView>('backups.status');
    expect(status).toMatchObject({ available: true, folder, folderSetBy: 'user', schedule: 'off', running: false });
    expect(status.last?.name).toBe(first.name);
    // Only the work folder's leftovers are gone: the backup and the erasure log stay.
    expect(readdirSync(folder).sort()).toEqual([first.name, 'kontor-erasures.jsonl'].sort());
  });

  it('verifies a backup whole without restoring it', async () => {
    const report = await call<{ ok: boolean; problems: string[] }>('backups.verify', { name: first.name });
    expect(report).toMatchObject({ ok: true, problems: [] });
  });

  it('restores into a fresh data directory row for row, and erases again who was erased after the backup', async () => {
    await call('gdpr.erase', { customerId: erasedLater.id });

    const target = join(scratch, 'restored');
    // A new machine: a key store with nothing but the installation's backup key (its key backup).
    const fresh = memoryKeyStore();
    await fresh.putKey(keyNames.backupSeal, (await keyStore.getKey(keyNames.backupSeal)) as Buffer);
    const restored = await restoreBackup(join(folder, first.name), installationSeal, {
      dataDir: target,
      keyStore: fresh,
    });
    expect(restored.erasures.map((e) => e.subject)).toEqual([`customer:${erasedLater.id}`]);

    const after = await tablesOf(target, fresh);
    expect(Object.keys(after).sort()).toEqual(Object.keys(before).sort());
    for (const table of Object.keys(before)) expect(after[table], table).toEqual(before[table]);

    const reopened = await openAt(target, fresh);
    try {
      expect(await reopened.reapplyErasures(restored.erasures)).toEqual({ erased: 1, absent: 0, already: 0 });
      const as = await signedIn(reopened);
      expect(value<Customer>(await as('customers.get', { id: kept.id })).name).toBe('Kept Müller GmbH');
      expect(value<Customer>(await as('customers.get', { id: erasedLater.id })).name).toBe(ERASURE_MARKER);
      expect(value<{ ok: boolean }>(await as('audit.verify')).ok).toBe(true);
    } finally {
      await reopened.close();
    }
    // Restoring over it is refused.
    const again = await errorOf(
      restoreBackup(join(folder, first.name), installationSeal, { dataDir: target, keyStore: fresh }),
    );
    expect(again.details?.['reason']).toBe('restore_target_in_use');
  });

  it('seals with a passphrase: restores with it alone, refuses without it or with a wrong one', async () => {
    const made = await call<BackupSummaryView>('backups.create', { passphrase: 'correct horse battery' });
    const file = join(folder, made.name);
    expect((await readBackupHeader(file)).seal.kind).toBe('passphrase');
    const list = await call<{ name: string; seal: string }[]>('backups.list');
    expect(list.find((b) => b.name === made.name)?.seal).toBe('passphrase');

    const noPassphrase = await kontor.call('backups.verify', { name: made.name });
    expect(noPassphrase).toMatchObject({ ok: false, error: { details: { reason: 'backup_passphrase_needed' } } });
    const wrong = await kontor.call('backups.verify', { name: made.name, passphrase: 'wrong horse battery' });
    expect(wrong).toMatchObject({ ok: false, error: { details: { reason: 'backup_wrong_passphrase' } } });

    const target = join(scratch, 'restored-passphrase');
    const empty = memoryKeyStore();
    const byPassphrase: SealResolver = async () => ({ kind: 'passphrase', passphrase: 'correct horse battery' });
    await restoreBackup(file, byPassphrase, { dataDir: target, keyStore: empty });
    const reopened = await openAt(target, empty);
    try {
      const as = await signedIn(reopened);
      expect(value<Customer>(await as('customers.get', { id: kept.id })).name).toBe('Kept Müller GmbH');
    } finally {
      await reopened.close();
    }
  });

  it('copies the stores at one instant while calls go on being answered', async () => {
    const countBefore =
      (await tablesOf(kontor.dataDir, keyStore))[`tenants/${(await kontor.currentStore()).tenantId}.db:customers`]
        ?.length ?? 0;
    const backup = call<BackupSummaryView>('backups.create');
    const writes = Array.from({ length: 20 }, (_, i) => call<Customer>('customers.create', { name: `During ${i}` }));
    const [summary] = await Promise.all([backup, ...writes]);
    expect(summary.customers).toBeGreaterThanOrEqual(countBefore);
    expect(summary.customers).toBeLessThanOrEqual(countBefore + 20);
    const report = await verifyBackup(join(folder, summary.name), installationSeal, scratch);
    expect(report.ok, report.problems.join('; ')).toBe(true);
  });

  it('refuses a second backup while one runs, and a cancelled one leaves nothing behind', async () => {
    const names = readdirSync(folder).sort();
    const controller = new AbortController();
    const running = kontor.router.call(
      'backups.create',
      {},
      { meta: { connection: 'test-admin' }, signal: controller.signal },
    );
    const second = await kontor.call('backups.create', {});
    expect(second).toMatchObject({ ok: false, error: { details: { reason: 'backup_running' } } });
    controller.abort();
    expect(await running).toMatchObject({ ok: false, error: { details: { reason: 'cancelled' } } });
    expect(readdirSync(folder).sort()).toEqual(names);
  });

  it('refuses damaged, cut-off, lengthened and foreign files with a clear message, and restores nothing from them', async () => {
    const source = readFileSync(join(folder, first.name));
    const cases: [string, Buffer][] = [
      ['cut off', source.subarray(0, Math.floor(source.length / 2))],
      ['cut at the header', source.subarray(0, source.indexOf(0x0a) + 1)],
      ['a changed byte', Buffer.from(source).fill(0x41, source.length - 100, source.length - 99)],
      ['more at the end', Buffer.concat([source, Buffer.from('extra')])],
      ['not a backup', Buffer.from('PK\u0003\u0004 some zip file')],
      ['a crafted header', Buffer.from('{"format":"kontor-backup","version":1}\n')],
      ['empty', Buffer.alloc(0)],
    ];
    for (const [what, bytes] of cases) {
      const file = join(scratch, 'bad.kontorbackup');
      writeFileSync(file, bytes);
      const error = await errorOf(verifyBackup(file, installationSeal, scratch));
      expect(error.details?.['reason'], what).toBe('backup_damaged');
      const target = join(scratch, `bad-target-${what.replaceAll(' ', '-')}`);
      const keys = memoryKeyStore();
      const refused = await errorOf(restoreBackup(file, installationSeal, { dataDir: target, keyStore: keys }));
      expect(refused.details?.['reason'], what).toBe('backup_damaged');
      expect(existsSync(join(target, 'system.db')), what).toBe(false);
      expect(keys.keys.size, what).toBe(0);
    }
    truncateSync(join(scratch, 'bad.kontorbackup'), 0);
  });

  it('refuses a backup of another installation and says what to do', async () => {
    const other: SealResolver = async () => ({ kind: 'installation', key: Buffer.alloc(32, 7) });
    const error = await errorOf(verifyBackup(join(folder, first.name), other, scratch));
    expect(error.details?.['reason']).toBe('backup_other_installation');
    expect(error.message).toContain('key backup');
  });

  it('keeps a backup folder an administrator chose only when it is a full, writable path', async () => {
    const relative = await kontor.call('backups.configure', { folder: 'relative/path', schedule: 'daily' });
    expect(relative).toMatchObject({ ok: false, error: { code: 'validation' } });
    const file = join(scratch, 'a-file');
    writeFileSync(file, '');
    const unwritable = await kontor.call('backups.configure', { folder: join(file, 'below'), schedule: 'daily' });
    expect(unwritable).toMatchObject({ ok: false, error: { details: { reason: 'backup_folder_unwritable' } } });
    expect((await call<BackupStatusView>('backups.status')).schedule).toBe('off');
  });
});

describe('retention', () => {
  const at = (iso: string, reason: 'scheduled' | 'manual' = 'scheduled') => ({
    file: iso,
    createdAt: new Date(iso),
    reason,
  });

  it('keeps the newest of 7 days, 4 weeks and 12 months, and never a manual backup', () => {
    const found = [];
    // Two a day for 400 days, and a manual one among them.
    for (let day = 0; day < 400; day++) {
      const date = new Date(Date.UTC(2026, 11, 8) - day * 86_400_000);
      found.push(
        at(new Date(date.getTime() + 3_600_000).toISOString()),
        at(new Date(date.getTime() + 7_200_000).toISOString()),
      );
    }
    found.push(at('2025-01-01T00:00:00.000Z', 'manual'));
    const removed = new Set(backupsToPrune(found));
    const kept = found.filter((b) => !removed.has(b.file));
    expect(kept.find((b) => b.reason === 'manual')).toBeDefined();
    const scheduled = kept.filter((b) => b.reason === 'scheduled');
    // 7 days + the weeks and months not covered by them (overlaps count once).
    expect(scheduled.length).toBeGreaterThanOrEqual(12);
    expect(scheduled.length).toBeLessThanOrEqual(7 + 4 + 12);
    expect(scheduled[0]?.file).toBe(found[1]?.file);
    const months = new Set(scheduled.map((b) => b.file.slice(0, 7)));
    expect(months.size).toBe(12);
  });

  it('names ISO weeks across a year end', () => {
    expect(isoWeek(new Date('2026-12-31T12:00:00Z'))).toBe('2026-W53');
    expect(isoWeek(new Date('2027-01-04T12:00:00Z'))).toBe('2027-W01');
    expect(isoWeek(new Date('2025-12-29T12:00:00Z'))).toBe('2026-W01');
  });
});

describe('backups on Postgres', () => {
  it('say where such data is backed up instead', async () => {
    const kontor = await openTestKontor('postgres');
    try {
      const status = value<BackupStatusView>(await kontor.call('backups.status'));
      expect(status.available).toBe(false);
      expect(await kontor.call('backups.create', {})).toMatchObject({
        ok: false,
        error: { details: { reason: 'backup_needs_sqlite' } },
      });
    } finally {
      await kontor.dispose();
    }
  });
});

describe('the backup before a migration', () => {
  it('is made when a new version finds a migration to apply, and goes at the next start that finds none', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kontor-premigration-'));
    try {
      const keys = memoryKeyStore();
      const dataDir = join(root, 'data');
      const open = (migrationsDir: string) =>
        openKontor({
          dataDir,
          migrationsDir,
          settingsFile: join(dataDir, 'settings.json'),
          version: '0.0.0-test',
          logger: quietLogger,
          database: { kind: 'sqlite' },
          keyStore: keys,
        });
      const first = await open(defaultMigrationsDir());
      const as = (name: string, input: unknown = {}) => first.router.call(name, input, { meta: { connection: 'c' } });
      value(await as('auth.setup', { ...TEST_ADMIN, name: 'Test Admin' }));
      const customer = value<Customer>(await as('customers.create', { name: 'Before The Upgrade' }));
      await first.close();
      const folder = join(dataDir, 'backups');
      expect(existsSync(folder) ? readdirSync(folder) : []).toEqual([]);

      // The next version brings a migration of the companies' stores.
      const next = join(root, 'migrations');
      cpSync(defaultMigrationsDir(), next, { recursive: true });
      const journalFile = join(next, 'sqlite', 'tenant', 'meta', '_journal.json');
      const journal = JSON.parse(readFileSync(journalFile, 'utf8')) as { entries: { idx: number; tag: string }[] };
      const idx = journal.entries.length;
      journal.entries.push({
        idx,
        version: '6',
        when: Date.now(),
        tag: '9999_next_version',
        breakpoints: true,
      } as never);
      writeFileSync(journalFile, JSON.stringify(journal));
      writeFileSync(join(next, 'sqlite', 'tenant', '9999_next_version.sql'), 'CREATE TABLE next_version (x TEXT);');

      const upgraded = await open(next);
      await upgraded.close();
      const made = readdirSync(folder).filter((f) => f.endsWith('-pre-migration.kontorbackup'));
      expect(made).toHaveLength(1);
      const seal: SealResolver = async () => ({
        kind: 'installation',
        key: (await keys.getKey(keyNames.backupSeal)) as Buffer,
      });
      const report = await verifyBackup(join(folder, made[0] as string), seal, root);
      expect(report.ok, report.problems.join('; ')).toBe(true);
      expect(report.summary).toMatchObject({ reason: 'pre-migration', customers: 1 });
      // It holds the stores as they were: restored, they lack the new table.
      const restoredKeys = memoryKeyStore();
      await restoredKeys.putKey(keyNames.backupSeal, (await keys.getKey(keyNames.backupSeal)) as Buffer);
      await restoreBackup(join(folder, made[0] as string), seal, {
        dataDir: join(root, 'restored'),
        keyStore: restoredKeys,
      });
      const tables = await tablesOf(join(root, 'restored'), restoredKeys);
      expect(Object.keys(tables).some((t) => t.endsWith(':next_version'))).toBe(false);
      expect(JSON.stringify(tables)).toContain(customer.id);

      // A start with nothing more to migrate: the backup has done its work.
      const again = await open(next);
      await again.close();
      expect(readdirSync(folder).filter((f) => f.endsWith('.kontorbackup'))).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('the daily schedule', () => {
  it('makes a backup when the last is a day old, prunes, and keeps a failure for the status', async () => {
    let now = Date.parse('2026-12-01T08:00:00Z');
    const kontor = await openTestKontor('sqlite', { clock: { now: () => new Date(now) } });
    const root = mkdtempSync(join(tmpdir(), 'kontor-schedule-'));
    try {
      const folder = join(root, 'backups');
      value(await kontor.call('backups.configure', { folder, schedule: 'daily' }));
      const scheduled = () => readdirSync(folder).filter((f) => f.endsWith('-scheduled.kontorbackup'));
      await kontor.backups.runSchedule();
      expect(scheduled()).toHaveLength(1);
      now += 3_600_000;
      await kontor.backups.runSchedule();
      expect(scheduled()).toHaveLength(1);
      const status = await kontor.backups.status();
      expect(status.nextAt).toBe('2026-12-02T08:00:00.000Z');
      // Twenty days on, a backup each: the retention keeps the newest 7 days (and older weeks).
      for (let day = 1; day <= 20; day++) {
        now += 86_400_000;
        await kontor.backups.runSchedule();
      }
      expect(scheduled().length).toBeLessThan(21);
      expect(scheduled().length).toBeGreaterThanOrEqual(7);

      // The folder is gone (a share offline): the failure is kept for the status, nothing is thrown.
      rmSync(folder, { recursive: true, force: true });
      writeFileSync(folder, 'not a folder');
      now += 86_400_000;
      await kontor.backups.runSchedule();
      // (The session has long been locked for idleness: the service is asked directly.)
      const failed = await kontor.backups.status();
      expect(failed.lastError?.message).toBeTruthy();
      expect(readdirSync(root)).toEqual(['backups']);
    } finally {
      await kontor.dispose();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

// What an attacker with the files sees: nothing of the customers, and a wrong key changes nothing.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tenant } from '../../shared/contract';
import { openFromEnvironment } from '../config';
import type { Kontor } from '../app';
import { newKey } from '../keys/keystore';
import { storeThread } from './store-thread';
import { tenantDatabaseFile } from './sqlite-stores';
import { openEncryptedSqlite } from './sqlite';

const names = ['Zacharias Quellenberg', 'Xenia Wolkenstein-Ybarra', 'Ottilie Fjordmann'];
const passphrase = 'a long enough passphrase';

function filesOf(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.db(-wal|-shm)?$/.test(e.name))
    .map((e) => join(e.parentPath, e.name));
}

function fingerprint(files: string[]): Record<string, string> {
  return Object.fromEntries(files.map((f) => [f, createHash('sha256').update(readFileSync(f)).digest('hex')]));
}

function containsAny(file: string, needles: string[]): string[] {
  const bytes = readFileSync(file);
  return needles.filter((n) => bytes.includes(Buffer.from(n, 'utf8')) || bytes.includes(Buffer.from(n, 'utf16le')));
}

describe('encryption at rest (SQLite)', () => {
  let dataDir: string;
  let kontor: Kontor;
  const call = (name: string, input: unknown) => kontor.router.call(name, input, { meta: { connection: 'c' } });
  let tenant: Tenant;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kontor-rest-'));
    kontor = await openFromEnvironment({
      dataDir,
      env: { KONTOR_KEYSTORE: 'passphrase', KONTOR_MASTER_PASSPHRASE: passphrase },
      version: 'test',
    });
    const setup = await call('auth.setup', {
      company: 'Geheim AG',
      name: 'Admin',
      email: 'admin@geheim.example',
      password: 'geheim admin password',
    });
    if (!setup.ok) throw new Error(setup.error.message);
    tenant = ((await call('tenants.list', {})) as { ok: true; value: Tenant[] }).value[0] as Tenant;
    for (const name of names) {
      const r = await call('customers.create', {
        name,
        email: `${name.split(' ')[0]?.toLowerCase()}@example.org`,
        notes: `notes about ${name}`,
      });
      expect(r.ok).toBe(true);
    }
  });
  afterAll(async () => {
    await kontor.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps no customer name in the database files or their WAL while open', () => {
    const files = filesOf(dataDir);
    expect(files.some((f) => f.endsWith('.db-wal'))).toBe(true);
    for (const file of files) {
      expect(containsAny(file, [...names, 'Geheim AG', 'example.org', 'admin@geheim.example']), file).toEqual([]);
    }
  });

  it('refuses a wrong key with a clear error and leaves the data and its WAL unchanged', async () => {
    const file = tenantDatabaseFile(dataDir, tenant.id);
    // The -shm file is SQLite's shared-memory lock index, which any reader of an open WAL database
    // updates; it holds no data. The closed-database test below checks every file, -shm included.
    const files = filesOf(dataDir).filter((f) => !f.endsWith('-shm'));
    // The store thread copies recent writes into the files in the background: let it finish.
    for (const f of files.filter((f) => f.endsWith('.db'))) await storeThread().flush(f);
    const before = fingerprint(files);
    expect(() => openEncryptedSqlite(file, newKey())).toThrow(/key does not match this database/);
    expect(fingerprint(files)).toEqual(before);
  });

  it('keeps nothing readable after close and cannot be opened with a wrong passphrase', async () => {
    await kontor.close();
    const files = filesOf(dataDir);
    for (const file of files) expect(containsAny(file, names), file).toEqual([]);
    const before = fingerprint(files);
    await expect(
      openFromEnvironment({
        dataDir,
        env: { KONTOR_KEYSTORE: 'passphrase', KONTOR_MASTER_PASSPHRASE: 'not the passphrase!' },
        version: 'test',
      }),
    ).rejects.toThrow(/passphrase does not match/);
    expect(fingerprint(filesOf(dataDir))).toEqual(before);

    // And with the right passphrase everything is still there.
    kontor = await openFromEnvironment({
      dataDir,
      env: { KONTOR_KEYSTORE: 'passphrase', KONTOR_MASTER_PASSPHRASE: passphrase },
      version: 'test',
    });
    await call('auth.login', { email: 'admin@geheim.example', password: 'geheim admin password' });
    const list = await call('customers.list', {});
    expect(list.ok && (list.value as { total: number }).total).toBe(3);
    expect(existsSync(join(dataDir, 'keys.json'))).toBe(true);
  });
});

describe('database files from earlier versions (SQLCipher 4)', () => {
  // The first versions gave the key as a passphrase (SQLCipher derived the page key); later ones raw.
  it.each([
    ['the key as a passphrase', (hex: string) => `hexkey='${hex}'`],
    ['the raw key', (hex: string) => `key="x'${hex}'"`],
  ])(
    're-encrypts a SQLCipher file keyed with %s once, keeping its data and its log; a wrong key still fails',
    (_, keyed) => {
      const dir = mkdtempSync(join(tmpdir(), 'kontor-rekey-'));
      try {
        const key = newKey();
        const open = (file: string, cipher: string[], keyPragma: string) => {
          const db = new Database(file);
          for (const pragma of [...cipher, keyPragma]) db.pragma(pragma);
          return db;
        };
        const sqlcipher = [`cipher='sqlcipher'`, 'legacy=4'];
        const old = open(join(dir, 'live.db'), sqlcipher, keyed(key.toString('hex')));
        old.pragma('journal_mode = WAL');
        old.pragma('wal_autocheckpoint = 0');
        old.exec("CREATE TABLE t (name TEXT); INSERT INTO t VALUES ('Zacharias Quellenberg')");
        // The files as a crash would leave them: the last commit only in the write-ahead log.
        const file = join(dir, 'old.db');
        copyFileSync(join(dir, 'live.db'), file);
        copyFileSync(join(dir, 'live.db-wal'), `${file}-wal`);
        old.close();
        rmSync(join(dir, 'live.db'));

        expect(() => openEncryptedSqlite(file, newKey())).toThrow(/key does not match this database/);
        const upgraded = openEncryptedSqlite(file, key);
        expect(upgraded.prepare('SELECT name FROM t').pluck().get()).toBe('Zacharias Quellenberg');
        upgraded.close();

        // Now only the current cipher with the raw key opens it.
        const raw = open(file, [`cipher='aegis'`], `key="x'${key.toString('hex')}'"`);
        expect(raw.prepare('SELECT count(*) FROM t').pluck().get()).toBe(1);
        raw.close();
        const before = open(file, sqlcipher, keyed(key.toString('hex')));
        expect(() => before.prepare('SELECT count(*) FROM t').pluck().get()).toThrow(/not a database/);
        before.close();
        for (const f of filesOf(dir)) expect(containsAny(f, names), f).toEqual([]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

// The store thread against real encrypted files: it copies committed pages into the database file
// while the writing connection never checkpoints, truncates on request, refuses a wrong key, and
// hands a file back when it ends.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newKey } from '../keys/keystore';
import { memoryKeyStore } from './testing';
import { createStoreThread, storeThread, type StoreThread } from './store-thread';
import { keyPragmas, openEncryptedSqlite, type SqliteDatabase } from './sqlite';
import { openSqliteStores, tenantDatabaseFile } from './sqlite-stores';
import { defaultMigrationsDir } from '../config';

const walBytes = (file: string) => (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);

/** Waits (without a time assertion) until `done` holds; fails only after a generous deadline. */
async function until(done: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('WAL checkpoints on the store thread', () => {
  let dir: string;
  let file: string;
  let key: Buffer;
  let db: SqliteDatabase;
  let thread: StoreThread;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kontor-ckpt-'));
    file = join(dir, 'store.db');
    key = newKey();
    db = openEncryptedSqlite(file, key);
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    thread = createStoreThread();
  });
  afterEach(async () => {
    await thread.close();
    if (db.open) db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const write = (rows: number) => {
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
    db.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run(`row ${i} ${'x'.repeat(200)}`);
    })();
  };

  it('copies committed pages into the database file while the writer never checkpoints', async () => {
    expect(await thread.watch(file, { pragmas: keyPragmas(key), onLost: () => undefined })).not.toBeNull();
    const sizeBefore = statSync(file).size;
    write(5_000);
    // Nothing copied by the writer itself: the WAL holds the rows and the file has not grown.
    expect(walBytes(file)).toBeGreaterThan(1_000_000);
    await until(() => statSync(file).size > sizeBefore + 1_000_000, 'the thread copies the pages');
    // The thread's notices arrive in order, before the answer to a later call.
    await thread.flush(file);
    expect(thread.checkpoints.get(file)).toBeGreaterThan(0);
    // The next write starts the WAL from its beginning again, so it does not keep growing (three
    // writes of the same size without checkpoints would make it three times as long).
    const walAfterFirst = walBytes(file);
    write(5_000);
    await thread.flush(file);
    write(5_000);
    expect(walBytes(file)).toBeLessThan(walAfterFirst * 1.5);
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(15_000);
  });

  it('truncates the WAL to nothing on request (after an erasure)', async () => {
    await thread.watch(file, { pragmas: keyPragmas(key), onLost: () => undefined });
    write(2_000);
    expect(await thread.truncate(file)).toBe(true);
    expect(walBytes(file)).toBe(0);
    expect(await thread.truncate(join(dir, 'not-watched.db'))).toBe(false);
  });

  it('refuses a file it cannot open with the given key, and changes nothing', async () => {
    write(10);
    let lost = false;
    const taken = await thread.watch(file, { pragmas: keyPragmas(newKey()), onLost: () => (lost = true) });
    expect(taken).toBeNull();
    expect(lost).toBe(false);
    expect(db.prepare('SELECT count(*) FROM t').pluck().get()).toBe(10);
  });

  it('hands every watched file back when the thread ends', async () => {
    const reasons: string[] = [];
    await thread.watch(file, { pragmas: keyPragmas(key), onLost: (reason) => reasons.push(reason) });
    await thread.close();
    expect(reasons).toEqual(['the store thread was closed']);
    // A later watch starts a new thread.
    const unwatch = await thread.watch(file, { pragmas: keyPragmas(key), onLost: () => undefined });
    expect(unwatch).not.toBeNull();
    await unwatch?.();
  });

  it('shares one connection between two watches of a file, and ends each on its own', async () => {
    const lost: string[] = [];
    const first = await thread.watch(file, { pragmas: keyPragmas(key), onLost: () => lost.push('first') });
    const second = await thread.watch(file, { pragmas: keyPragmas(key), onLost: () => lost.push('second') });
    await second?.();
    await second?.(); // a second call changes nothing
    // The first watch still has its checkpoints.
    const sizeBefore = statSync(file).size;
    write(5_000);
    await until(() => statSync(file).size > sizeBefore + 1_000_000, 'the thread copies the pages');
    await thread.close();
    expect(lost).toEqual(['first']);
    await first?.();
  });
});

describe('SQLite stores with the store thread', () => {
  it('checkpoint on the thread, compact to an empty WAL, and leave no WAL after close', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kontor-ckpt-stores-'));
    try {
      const stores = await openSqliteStores({
        dataDir,
        keyStore: memoryKeyStore(),
        migrationsDir: defaultMigrationsDir(),
      });
      await stores.createTenantStore('t1');
      const [second, first] = await Promise.all([stores.tenant('t1'), stores.tenant('t1')]);
      expect(second).toBe(first);
      const file = tenantDatabaseFile(dataDir, 't1');
      await storeThread().flush(file);
      expect(storeThread().checkpoints.get(file)).toBeGreaterThan(0);
      await first.compact();
      expect(walBytes(file)).toBe(0);
      await stores.close();
      expect(existsSync(`${file}-wal`)).toBe(false);
      expect(existsSync(join(dataDir, 'system.db-wal'))).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

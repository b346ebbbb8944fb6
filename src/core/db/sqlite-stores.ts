// SQLite stores: system.db plus one encrypted file per tenant under tenants/, each with its own key.
import { sql } from 'drizzle-orm';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import { keyNames, type KeyStore } from '../keys/keystore';
import { createTenantsRepo } from '../tenants/tenants.repo';
import { storeThread } from './store-thread';
import { sqliteExecutor, type Executor } from './executor';
import { loadMigrations, MIGRATIONS_TABLE, type StoreKind } from './migrations';
import { keyPragmas, openEncryptedSqlite, type SqliteDatabase } from './sqlite';
import type { Stores, TenantStore } from './stores';

export interface SqliteStoresOptions {
  readonly dataDir: string;
  readonly keyStore: KeyStore;
  readonly migrationsDir: string;
}

/** Applies the migrations not applied yet (only the first `upTo` of them, for upgrade tests). */
export function migrateSqlite(db: SqliteDatabase, migrationsDir: string, store: StoreKind, upTo = Infinity): void {
  db.exec(`CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (tag TEXT PRIMARY KEY, applied_at TEXT NOT NULL)`);
  const applied = new Set(db.prepare(`SELECT tag FROM ${MIGRATIONS_TABLE}`).pluck().all() as string[]);
  const record = db.prepare(`INSERT INTO ${MIGRATIONS_TABLE} (tag, applied_at) VALUES (?, ?)`);
  for (const migration of loadMigrations(migrationsDir, 'sqlite', store).slice(0, upTo)) {
    if (applied.has(migration.tag)) continue;
    db.transaction(() => {
      for (const statement of migration.statements) db.exec(statement);
      record.run(migration.tag, new Date().toISOString());
    })();
  }
}

/** SQLite's default: the committing connection checkpoints once the WAL holds this many pages. */
const AUTOCHECKPOINT_PAGES = 1000;

/**
 * Hands the checkpoints of an open store to the store thread (see store-thread.ts), so no commit
 * waits for one. Where the thread cannot take them, the connection keeps them. Resolves with what
 * closes the store: the thread's connection first, then its own (the last one checkpoints all).
 */
async function checkpointElsewhere(db: SqliteDatabase, file: string, key: Buffer): Promise<() => Promise<void>> {
  const unwatch = await storeThread().watch(file, {
    pragmas: keyPragmas(key),
    onLost: () => {
      if (db.open) db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
    },
  });
  if (unwatch) db.pragma('wal_autocheckpoint = 0');
  return async () => {
    await unwatch?.();
    db.close();
  };
}

export function tenantDatabaseFile(dataDir: string, tenantId: string): string {
  return join(dataDir, 'tenants', `${tenantId}.db`);
}

/**
 * Tables with fewer rows than this keep no statistics. Taken while a company is new (the replay at
 * its first open), they would tell the planner that its keys or customers are one row long after
 * they are a hundred thousand, and it would scan the whole table for each lookup (`IN` a list of
 * one): creating a customer slowed from ≈ 1,100 to ≈ 140 a second over its first 40,000. Without
 * statistics the planner takes a table for large and uses its indexes, which suits a small one
 * too; measured here, the plan of that lookup turns from scan to index between 10 and 100 rows.
 */
const MIN_ANALYZED_ROWS = 1_000;

/** The planner's statistics of the tables that changed much, each from a bounded sample of its rows. */
async function refreshStatistics(db: Executor): Promise<void> {
  await db.rows(sql.raw('PRAGMA analysis_limit = 1000'));
  await db.rows(sql.raw('PRAGMA optimize = 0x10002'));
  // The first number of a table's statistics is its count of rows.
  const small = sql.raw(`SELECT tbl FROM sqlite_stat1 WHERE CAST(stat AS INTEGER) < ${MIN_ANALYZED_ROWS}`);
  const [stat4] = await db.rows(sql`SELECT 1 AS one FROM sqlite_schema WHERE name = 'sqlite_stat4'`);
  if (stat4) await db.run(sql`DELETE FROM sqlite_stat4 WHERE tbl IN (${small})`);
  await db.run(sql`DELETE FROM sqlite_stat1 WHERE tbl IN (${small})`);
  // Makes the planner read the statistics again.
  await db.run(sql.raw('ANALYZE sqlite_schema'));
}

export async function openSqliteStores(options: SqliteStoresOptions): Promise<Stores> {
  const { dataDir, keyStore, migrationsDir } = options;
  mkdirSync(join(dataDir, 'tenants'), { recursive: true, mode: 0o700 });

  // An existing file with no key here (a copied data directory) is not given a new, useless key:
  // that would stand in the way of importing the key backup.
  const systemFile = join(dataDir, 'system.db');
  const systemKey = existsSync(systemFile)
    ? await keyStore.getKey(keyNames.systemDatabase)
    : await keyStore.getOrCreateKey(keyNames.systemDatabase);
  if (systemKey === null) {
    throw new AppError(
      'locked',
      `no key for ${systemFile} in the ${keyStore.kind} key store: import the key backup first (kontor keys import)`,
    );
  }
  const systemDb = openEncryptedSqlite(systemFile, systemKey);
  migrateSqlite(systemDb, migrationsDir, 'system');
  const closeSystem = await checkpointElsewhere(systemDb, systemFile, systemKey);
  const systemSql = sqliteExecutor(systemDb);
  const open = new Map<string, { close: () => Promise<void>; store: TenantStore }>();
  // Two calls for a store not open yet (it takes a key store read) open one connection, not two.
  const opening = new Map<string, Promise<TenantStore>>();

  function openTenant(tenantId: string, create: boolean): Promise<TenantStore> {
    const cached = open.get(tenantId);
    if (cached) return Promise.resolve(cached.store);
    const pending = opening.get(tenantId) ?? connect(tenantId, create).finally(() => opening.delete(tenantId));
    opening.set(tenantId, pending);
    return pending;
  }

  async function connect(tenantId: string, create: boolean): Promise<TenantStore> {
    const file = tenantDatabaseFile(dataDir, tenantId);
    if (!create && !existsSync(file))
      throw new AppError('not_found', `the store of tenant ${tenantId} is missing (${file})`);
    const key = create
      ? await keyStore.getOrCreateKey(keyNames.tenantDatabase(tenantId))
      : await keyStore.getKey(keyNames.tenantDatabase(tenantId));
    if (key === null)
      throw new AppError('locked', `no key for the store of tenant ${tenantId} in the ${keyStore.kind} key store`);
    const db = openEncryptedSqlite(file, key);
    migrateSqlite(db, migrationsDir, 'tenant');
    const close = await checkpointElsewhere(db, file, key);
    const tenantSql = sqliteExecutor(db);
    const store: TenantStore = {
      sql: tenantSql,
      compact: async () => {
        if (!(await storeThread().truncate(file))) await tenantSql.rows(sql.raw('PRAGMA wal_checkpoint(TRUNCATE)'));
      },
      afterBulkWrite: () => refreshStatistics(tenantSql),
    };
    open.set(tenantId, { close, store });
    return store;
  }

  return {
    dialect: 'sqlite',
    system: { tenants: createTenantsRepo(systemSql), sql: systemSql, notifications: null },
    createTenantStore: async (tenantId) => {
      await openTenant(tenantId, true);
    },
    tenant: (tenantId) => openTenant(tenantId, false),
    async close() {
      await Promise.allSettled(opening.values());
      for (const { close } of open.values()) await close();
      open.clear();
      await closeSystem();
    },
  };
}

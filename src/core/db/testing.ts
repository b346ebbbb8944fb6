// Test helpers: real databases for every dialect. SQLite gets a fresh encrypted file set in a
// temporary directory; Postgres gets fresh schemas on the server named by KONTOR_TEST_PG_URL,
// or on one PGlite instance shared by the test worker (PGlite takes seconds to start).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openKontor, type Kontor, type KontorOptions } from '../app';
import { defaultMigrationsDir } from '../config';
import type { Clock, IdSource } from '../deps';
import type { KeyStore } from '../keys/keystore';
import { newKey } from '../keys/keystore';
import type { Logger } from '../router';
import { connectPostgres, queryRows, type PgConnection, type PgDb } from './postgres';

export type TestDialect = 'sqlite' | 'postgres';
export const testDialects: readonly TestDialect[] = ['sqlite', 'postgres'];

/** A key store that keeps keys in memory; the real ones are tested in src/core/keys. */
export function memoryKeyStore(): KeyStore & { keys: Map<string, Buffer> } {
  const keys = new Map<string, Buffer>();
  return {
    kind: 'passphrase',
    keys,
    getKey: async (name) => keys.get(name) ?? null,
    async getOrCreateKey(name) {
      const key = keys.get(name) ?? newKey();
      keys.set(name, key);
      return key;
    },
  };
}

let shared: Promise<PgConnection> | undefined;

/** One Postgres connection per test worker: the real server in CI, PGlite otherwise. */
export function sharedPgConnection(): Promise<PgConnection> {
  shared ??= (async () => {
    const url = process.env['KONTOR_TEST_PG_URL'];
    if (url) return connectPostgres(url);
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const client = new PGlite();
    await client.waitReady;
    return { db: drizzle(client) as unknown as PgDb, description: 'pglite (in memory)', close: () => client.close() };
  })();
  return shared;
}

export function pgTestDescription(): string {
  return process.env['KONTOR_TEST_PG_URL'] ? 'postgres server' : 'pglite';
}

export async function dropSchemasWithPrefix(db: PgDb, prefix: string): Promise<void> {
  const rows = await queryRows(
    db,
    sql`SELECT schema_name FROM information_schema.schemata WHERE starts_with(schema_name, ${prefix})`,
  );
  for (const row of rows) await db.execute(sql.raw(`DROP SCHEMA "${String(row['schema_name'])}" CASCADE`));
}

export interface TestKontor extends Kontor {
  readonly dataDir: string;
  readonly dialect: TestDialect;
  /** Closes and removes everything the test created. */
  dispose(): Promise<void>;
}

export interface TestKontorOptions {
  readonly clock?: Clock;
  readonly ids?: IdSource;
  readonly logger?: Logger;
  readonly keyStore?: KeyStore;
}

export const quietLogger: Logger = { error: () => undefined, warn: () => undefined };

export async function openTestKontor(dialect: TestDialect, options: TestKontorOptions = {}): Promise<TestKontor> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kontor-test-'));
  const prefix = `kt${randomBytes(5).toString('hex')}_`;
  const connection = dialect === 'postgres' ? await sharedPgConnection() : null;
  const base: Omit<KontorOptions, 'database'> = {
    dataDir,
    migrationsDir: defaultMigrationsDir(),
    settingsFile: join(dataDir, 'settings.json'),
    version: '0.0.0-test',
    logger: options.logger ?? quietLogger,
    ...(options.clock && { clock: options.clock }),
    ...(options.ids && { ids: options.ids }),
  };
  const kontor = await openKontor({
    ...base,
    database:
      connection === null
        ? { kind: 'sqlite', keyStore: options.keyStore ?? memoryKeyStore() }
        : { kind: 'postgres', connection, schemaPrefix: prefix, ownsConnection: false },
  });
  return {
    ...kontor,
    dataDir,
    dialect,
    async dispose() {
      await kontor.close();
      if (connection) await dropSchemasWithPrefix(connection.db, prefix);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

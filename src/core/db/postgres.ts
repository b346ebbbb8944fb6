// Postgres connections: a real server through `pg`, or PGlite (tests, zero set-up).
// Both give the same drizzle PgDatabase, so repos do not know which one they run on.
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { AppError } from '../../shared/errors';
import { pgClientConfig } from './pg-config';

export type PgDb = PgDatabase<PgQueryResultHKT>;

export interface PgConnection {
  readonly db: PgDb;
  /** Where the connection goes, with any password masked; for messages and `app.info`. */
  readonly description: string;
  close(): Promise<void>;
}

export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

export async function connectPostgres(url: string): Promise<PgConnection> {
  const config = pgClientConfig(url);
  const pool = new pg.Pool({
    connectionString: config.connectionString,
    ssl: config.ssl,
    max: 10,
    connectionTimeoutMillis: 10_000,
  });
  // Idle clients that lose the server must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end();
    throw new AppError(
      'locked',
      'cannot connect to the database server; check the network or ask your administrator',
      { reason: 'database_unreachable' },
      `Postgres at ${maskUrl(url)}: ${(error as Error).message}`,
    );
  }
  return {
    db: drizzleNodePg(pool) as unknown as PgDb,
    description: maskUrl(url),
    close: () => pool.end(),
  };
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a safe identifier: ${name}`);
  return `"${name}"`;
}

/** Rows of a raw query; node-postgres and PGlite both answer with `{ rows }`. */
export async function queryRows(
  executor: { execute(query: SQL): PromiseLike<unknown> },
  query: SQL,
): Promise<Record<string, unknown>[]> {
  const result = (await executor.execute(query)) as { rows: Record<string, unknown>[] };
  return result.rows;
}

export async function schemaExists(db: PgDb, schema: string): Promise<boolean> {
  const rows = await queryRows(db, sql`SELECT 1 FROM information_schema.schemata WHERE schema_name = ${schema}`);
  return rows.length > 0;
}

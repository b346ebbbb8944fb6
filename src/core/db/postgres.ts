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
  /** Receives the notifications (`NOTIFY`) of a channel; resolves once listening, to a function that stops. */
  listen(channel: string, handlers: ChannelHandlers): Promise<() => Promise<void>>;
  /** The pool's clients now (for the server's metrics); null where there is no pool (PGlite). */
  pool(): PoolStats | null;
  close(): Promise<void>;
}

export interface ChannelHandlers {
  message(payload: string): void;
  /** The listening connection broke: notifications may be missed until `restored`. */
  lost(): void;
  /** Listening again after `lost`; whatever was sent in between was missed. */
  restored(): void;
}

export interface PoolStats {
  readonly total: number;
  readonly idle: number;
  readonly waiting: number;
}

/** Channel names are plain lower-case identifiers, the same on every driver. */
function checkChannel(channel: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`not a safe channel name: ${channel}`);
}

const RECONNECT_MS = { first: 250, most: 5_000 };

/**
 * LISTEN needs a connection of its own, outside the pool. It is opened with the first channel and
 * kept: when it breaks (a restart of the server, a network cut), every channel hears `lost`, and
 * it reconnects with backoff, listens again and says `restored`.
 */
function createListener(config: pg.ClientConfig) {
  const channels = new Map<string, Set<ChannelHandlers>>();
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let closed = false;
  let delay = RECONNECT_MS.first;
  let timer: NodeJS.Timeout | undefined;

  const each = (fn: (handlers: ChannelHandlers) => void) => {
    for (const set of channels.values()) for (const handlers of set) fn(handlers);
  };

  async function connect(): Promise<void> {
    const next = new pg.Client(config);
    next.on('notification', (message) => {
      for (const handlers of channels.get(message.channel) ?? []) handlers.message(message.payload ?? '');
    });
    let broken = false;
    const broke = () => {
      if (broken) return;
      broken = true;
      if (client === next) client = null;
      void next.end().catch(() => undefined);
      if (closed) return;
      each((handlers) => handlers.lost());
      schedule();
    };
    next.on('error', broke);
    next.on('end', broke);
    await next.connect();
    for (const channel of channels.keys()) await next.query(`LISTEN ${channel}`);
    client = next;
    delay = RECONNECT_MS.first;
  }

  function schedule(): void {
    clearTimeout(timer);
    timer = setTimeout(() => {
      connecting ??= connect()
        .then(() => each((handlers) => handlers.restored()))
        .catch(() => {
          delay = Math.min(delay * 2, RECONNECT_MS.most);
          schedule();
        })
        .finally(() => (connecting = null));
    }, delay);
    timer.unref();
  }

  return {
    async listen(channel: string, handlers: ChannelHandlers): Promise<() => Promise<void>> {
      checkChannel(channel);
      const set = channels.get(channel) ?? new Set();
      const first = set.size === 0;
      set.add(handlers);
      channels.set(channel, set);
      if (!client) await (connecting ??= connect().finally(() => (connecting = null)));
      else if (first) await client.query(`LISTEN ${channel}`);
      return async () => {
        set.delete(handlers);
        if (set.size > 0) return;
        channels.delete(channel);
        await client?.query(`UNLISTEN ${channel}`).catch(() => undefined);
      };
    },
    async close(): Promise<void> {
      closed = true;
      clearTimeout(timer);
      await connecting?.catch(() => undefined);
      await client?.end().catch(() => undefined);
      client = null;
    },
  };
}

/** The connection of a PGlite database (embedded in the server, or the tests' in memory). */
export function pgliteConnection(
  client: {
    listen(channel: string, callback: (payload: string) => void): Promise<() => Promise<void>>;
    close(): Promise<void>;
  },
  db: PgDb,
  description: string,
): PgConnection {
  return {
    db,
    description,
    async listen(channel, handlers) {
      checkChannel(channel);
      // One process holds the database: the channel cannot break while it is open.
      const stop = await client.listen(channel, (payload) => handlers.message(payload));
      return () => stop();
    },
    pool: () => null,
    close: () => client.close(),
  };
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
  const listener = createListener({
    connectionString: config.connectionString,
    ssl: config.ssl,
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
    // Named, so an administrator sees it in pg_stat_activity.
    application_name: 'kontor-listener',
  });
  return {
    db: drizzleNodePg(pool) as unknown as PgDb,
    description: maskUrl(url),
    listen: (channel, handlers) => listener.listen(channel, handlers),
    pool: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await listener.close();
      await pool.end();
    },
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

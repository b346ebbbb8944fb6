// The append-only event log of one tenant. Appends use optimistic concurrency: the caller states
// the stream version it saw; if another writer got there first, nothing is written and the caller
// gets `conflict`. Callers pass a transaction to update projections atomically with the append.
import { getTableName, sql } from 'drizzle-orm';
import { z } from 'zod';
import { eventMetaSchema, type EventMeta } from '../../shared/contract';
import { AppError } from '../../shared/errors';

export type { EventMeta };
import { col, isUniqueViolation, selectColumns, toNumber, type Executor, type Row } from '../db/executor';
import { eventsSqlite } from './events.schema';
import type { IdSource } from '../deps';
import type { SettingsStore } from '../settings/settings.store';

export interface NewEvent {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
}

export interface StoredEvent {
  readonly position: number;
  readonly id: string;
  readonly stream: string;
  readonly version: number;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly meta: EventMeta;
}

export interface EventStore {
  /**
   * Appends after `expectedVersion` (0 for a new stream). Throws `conflict` and writes nothing when
   * the stream has moved on. Runs inside `tx` when given.
   */
  append(
    stream: string,
    expectedVersion: number,
    events: readonly NewEvent[],
    meta: EventMeta,
    tx?: Executor,
  ): Promise<StoredEvent[]>;
  /**
   * Starts many new streams with one event each, in `tx` (an import's customers): one statement
   * for the page. A stream that exists already fails the whole call with `conflict`.
   */
  startMany(streams: readonly { stream: string; event: NewEvent }[], meta: EventMeta, tx: Executor): Promise<void>;
  readStream(stream: string, tx?: Executor): Promise<StoredEvent[]>;
  /** Events after a global position, in order; for replay and sync. With `stream`, only that stream's. */
  readAll(afterPosition: number, limit: number, tx?: Executor, stream?: string): Promise<StoredEvent[]>;
  streamVersion(stream: string, tx?: Executor): Promise<number>;
}

/** Rows per INSERT of `startMany`: 7 parameters each, well below both dialects' limits. */
const START_PER_STATEMENT = 1000;

/** Columns and rows come from the table definition (events.schema.ts): see selectColumns and col. */
const e = eventsSqlite;

function toEvent(row: Row): StoredEvent {
  const r = row as Record<keyof typeof e.$inferSelect, unknown>;
  return {
    // Postgres returns bigint and integer columns as strings or numbers depending on the driver.
    position: toNumber(r.position),
    id: String(r.id),
    stream: String(r.stream),
    version: toNumber(r.version),
    type: String(r.type),
    schemaVersion: toNumber(r.schemaVersion),
    data: JSON.parse(String(r.data)) as unknown,
    meta: eventMetaSchema.parse(JSON.parse(String(r.meta))),
  };
}

export function createEventStore({ db, ids }: { db: Executor; ids: IdSource }): EventStore {
  const events = db.table(getTableName(e));
  const all = sql`SELECT ${selectColumns(e)} FROM ${events}`;

  async function streamVersion(stream: string, tx: Executor = db): Promise<number> {
    const [row] = await tx.rows(
      sql`SELECT max(${col(e.version)}) AS v FROM ${events} WHERE ${col(e.stream)} = ${stream}`,
    );
    return row?.['v'] === null || row?.['v'] === undefined ? 0 : toNumber(row['v']);
  }

  return {
    streamVersion,
    async append(stream, expectedVersion, newEvents, meta, outer) {
      const run = async (tx: Executor): Promise<StoredEvent[]> => {
        const current = await streamVersion(stream, tx);
        if (current !== expectedVersion) {
          throw new AppError(
            'conflict',
            `${stream} was changed by someone else (version ${current}, expected ${expectedVersion})`,
            { reason: 'changed_meanwhile', currentVersion: current },
          );
        }
        const stored: StoredEvent[] = [];
        for (const [i, event] of newEvents.entries()) {
          const id = ids.next();
          const version = expectedVersion + i + 1;
          const columns = [e.id, e.stream, e.version, e.type, e.schemaVersion, e.data, e.meta].map((c) => col(c));
          const [row] = await tx.rows(sql`INSERT INTO ${events} (${sql.join(columns, sql`, `)})
            VALUES (${id}, ${stream}, ${version}, ${event.type}, ${event.schemaVersion}, ${JSON.stringify(event.data)}, ${JSON.stringify(meta)})
            RETURNING ${col(e.position)} AS position`);
          stored.push({
            position: toNumber(row?.['position']),
            id,
            stream,
            version,
            type: event.type,
            schemaVersion: event.schemaVersion,
            data: event.data,
            meta,
          });
        }
        return stored;
      };
      try {
        return outer ? await run(outer) : await db.transaction(run);
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw new AppError(
            'conflict',
            `${stream} was changed by someone else at the same moment; reload and try again`,
            { reason: 'changed_meanwhile' },
          );
        }
        throw error;
      }
    },
    async startMany(streams, meta, tx) {
      const metaText = JSON.stringify(meta);
      // The position is the log's own (autoincrement, identity): left out of the column list.
      const columns = sql.join(
        [e.id, e.stream, e.version, e.type, e.schemaVersion, e.data, e.meta].map((c) => col(c)),
        sql`, `,
      );
      try {
        for (let i = 0; i < streams.length; i += START_PER_STATEMENT) {
          const values = streams
            .slice(i, i + START_PER_STATEMENT)
            .map(
              ({ stream, event }) =>
                sql`(${ids.next()}, ${stream}, 1, ${event.type}, ${event.schemaVersion}, ${JSON.stringify(event.data)}, ${metaText})`,
            );
          await tx.run(sql`INSERT INTO ${events} (${columns}) VALUES ${sql.join(values, sql`, `)}`);
        }
      } catch (error) {
        if (isUniqueViolation(error)) throw new AppError('conflict', 'a stream to start exists already');
        throw error;
      }
    },
    async readStream(stream, tx = db) {
      return (await tx.rows(sql`${all} WHERE ${col(e.stream)} = ${stream} ORDER BY ${col(e.version)}`)).map(toEvent);
    },
    async readAll(afterPosition, limit, tx = db, stream) {
      const ofStream = stream === undefined ? sql`` : sql` AND ${col(e.stream)} = ${stream}`;
      const position = col(e.position);
      return (
        await tx.rows(sql`${all} WHERE ${position} > ${afterPosition}${ofStream} ORDER BY ${position} LIMIT ${limit}`)
      ).map(toEvent);
    },
  };
}

/** This installation's device id, made once and kept in the installation's settings. */
export async function installationDevice(settings: SettingsStore, ids: IdSource): Promise<string> {
  const schema = z.object({ id: z.string() });
  const stored = await settings.get('device', schema);
  return (stored ?? (await settings.setOnce('device', { id: ids.next() }, schema))).id;
}

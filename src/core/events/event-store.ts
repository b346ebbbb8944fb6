// The append-only event log of one tenant. Appends use optimistic concurrency: the caller states
// the stream version it saw; if another writer got there first, nothing is written and the caller
// gets `conflict`. Callers pass a transaction to update projections atomically with the append.
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { eventMetaSchema, type EventMeta } from '../../shared/contract';
import { AppError } from '../../shared/errors';

export type { EventMeta };
import { isUniqueViolation, toNumber, type Executor, type Row } from '../db/executor';
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
  readStream(stream: string, tx?: Executor): Promise<StoredEvent[]>;
  /** Events after a global position, in order; for replay and sync. With `stream`, only that stream's. */
  readAll(afterPosition: number, limit: number, tx?: Executor, stream?: string): Promise<StoredEvent[]>;
  streamVersion(stream: string, tx?: Executor): Promise<number>;
}

function toEvent(row: Row): StoredEvent {
  return {
    position: toNumber(row['position']),
    id: String(row['id']),
    stream: String(row['stream']),
    version: toNumber(row['version']),
    type: String(row['type']),
    schemaVersion: toNumber(row['schema_version']),
    data: JSON.parse(String(row['data'])) as unknown,
    meta: eventMetaSchema.parse(JSON.parse(String(row['meta']))),
  };
}

export function createEventStore({ db, ids }: { db: Executor; ids: IdSource }): EventStore {
  const events = db.table('events');

  async function streamVersion(stream: string, tx: Executor = db): Promise<number> {
    const [row] = await tx.rows(sql`SELECT max(version) AS v FROM ${events} WHERE stream = ${stream}`);
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
            {
              currentVersion: current,
            },
          );
        }
        const stored: StoredEvent[] = [];
        for (const [i, event] of newEvents.entries()) {
          const id = ids.next();
          const version = expectedVersion + i + 1;
          const [row] = await tx.rows(sql`INSERT INTO ${events} (id, stream, version, type, schema_version, data, meta)
            VALUES (${id}, ${stream}, ${version}, ${event.type}, ${event.schemaVersion}, ${JSON.stringify(event.data)}, ${JSON.stringify(meta)})
            RETURNING position`);
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
          );
        }
        throw error;
      }
    },
    async readStream(stream, tx = db) {
      return (await tx.rows(sql`SELECT * FROM ${events} WHERE stream = ${stream} ORDER BY version`)).map(toEvent);
    },
    async readAll(afterPosition, limit, tx = db, stream) {
      const ofStream = stream === undefined ? sql`` : sql` AND stream = ${stream}`;
      return (
        await tx.rows(
          sql`SELECT * FROM ${events} WHERE position > ${afterPosition}${ofStream} ORDER BY position LIMIT ${limit}`,
        )
      ).map(toEvent);
    },
  };
}

/** This installation's device id, made once and kept in the installation's settings. */
export async function installationDevice(settings: SettingsStore, ids: IdSource): Promise<string> {
  const stored = await settings.get('device', z.object({ id: z.string() }));
  if (stored) return stored.id;
  const id = ids.next();
  await settings.set('device', { id });
  return id;
}

// Sessions in the database, for the Kontor server (see sessions.ts for how they are used): one row
// per connection in the system store, and a notification on every change, so that each instance
// drops what it cached of that session or user and reads the row again on the next call.
import { getTableName, sql } from 'drizzle-orm';
import { z } from 'zod';
import { grants, type Grant } from '../../shared/contract';
import { col, selectColumns, toNumber, type Executor } from '../db/executor';
import type { Notifications } from '../db/stores';
import type { Snapshot } from './snapshots';
import { serverSessionsPg } from './sessions.schema';

export interface StoredSession {
  readonly id: string;
  readonly snapshot: Snapshot;
  readonly createdAt: number;
  readonly lastActivity: number;
  readonly locked: boolean;
  readonly validatedAt: number;
}

/** A change other instances must hear of: one connection's session, or every session of a user. */
export type SessionChange = { readonly connection: string } | { readonly userId: string };

export interface SessionStore {
  save(connection: string, session: StoredSession): Promise<void>;
  load(connection: string): Promise<StoredSession | null>;
  /** Every session of a user, on any instance. */
  ofUser(userId: string): Promise<{ connection: string; session: StoredSession }[]>;
  /** Records activity (and a lock) without rewriting the snapshot. */
  touch(connection: string, lastActivity: number, locked: boolean): Promise<void>;
  remove(connection: string): Promise<void>;
  /** Removes every session of a user except one connection's. */
  removeUser(userId: string, except?: string): Promise<void>;
  /** Removes the sessions that are over everywhere (past the absolute limit). */
  prune(createdBefore: number): Promise<number>;
  announce(change: SessionChange): Promise<void>;
  /**
   * Hears the changes of other instances. While the channel is broken no cached session may be
   * trusted (`lost`); once it is back, everything cached may be stale (`restored`).
   */
  subscribe(handlers: {
    change(change: SessionChange): void;
    lost(): void;
    restored(): void;
  }): Promise<() => Promise<void>>;
}

const TOPIC = 'sessions';

const snapshotSchema = z.object({
  userId: z.string(),
  userName: z.string(),
  email: z.string(),
  tenantId: z.string().nullable(),
  permissions: z.array(z.string()),
  mustChangePassword: z.boolean(),
  mustEnrollTwoFactor: z.boolean(),
  passwordStamp: z.string(),
});

const changeSchema = z.object({
  from: z.string(),
  change: z.union([z.object({ connection: z.string() }), z.object({ userId: z.string() })]),
});

const known = new Set<string>(grants);

function readSnapshot(text: string): Snapshot {
  const parsed = snapshotSchema.parse(JSON.parse(text));
  // A permission this build does not know (a newer instance wrote it) grants nothing here.
  const permissions = new Set(parsed.permissions.filter((p): p is Grant => known.has(p)));
  return { ...parsed, permissions };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

export function createSessionStore({
  db,
  notifications,
  instance,
}: {
  db: Executor;
  notifications: Notifications;
  /** This process's id: it does not act on its own announcements. */
  instance: string;
}): SessionStore {
  const t = serverSessionsPg;
  const table = db.table(getTableName(t));

  const toStored = (row: typeof t.$inferSelect): StoredSession => ({
    id: row.id,
    snapshot: readSnapshot(row.snapshot),
    createdAt: Date.parse(row.createdAt),
    lastActivity: Date.parse(row.lastActivity),
    locked: toNumber(row.locked) === 1,
    validatedAt: Date.parse(row.validatedAt),
  });

  return {
    async save(connection, session) {
      const snapshot = JSON.stringify({ ...session.snapshot, permissions: [...session.snapshot.permissions] });
      await db.run(sql`
        INSERT INTO ${table} (${col(t.connection)}, ${col(t.id)}, ${col(t.userId)}, ${col(t.snapshot)}, ${col(t.createdAt)},
          ${col(t.lastActivity)}, ${col(t.locked)}, ${col(t.validatedAt)})
        VALUES (${connection}, ${session.id}, ${session.snapshot.userId}, ${snapshot}, ${iso(session.createdAt)},
          ${iso(session.lastActivity)}, ${session.locked ? 1 : 0}, ${iso(session.validatedAt)})
        ON CONFLICT (${col(t.connection)}) DO UPDATE SET ${col(t.id)} = excluded.${col(t.id)},
          ${col(t.userId)} = excluded.${col(t.userId)}, ${col(t.snapshot)} = excluded.${col(t.snapshot)},
          ${col(t.createdAt)} = excluded.${col(t.createdAt)}, ${col(t.lastActivity)} = excluded.${col(t.lastActivity)},
          ${col(t.locked)} = excluded.${col(t.locked)}, ${col(t.validatedAt)} = excluded.${col(t.validatedAt)}`);
    },

    async load(connection) {
      const [row] = await db.rows<typeof t.$inferSelect>(
        sql`SELECT ${selectColumns(t)} FROM ${table} WHERE ${col(t.connection)} = ${connection}`,
      );
      return row ? toStored(row) : null;
    },

    async ofUser(userId) {
      const rows = await db.rows<typeof t.$inferSelect>(
        sql`SELECT ${selectColumns(t)} FROM ${table} WHERE ${col(t.userId)} = ${userId}`,
      );
      return rows.map((row) => ({ connection: row.connection, session: toStored(row) }));
    },

    async touch(connection, lastActivity, locked) {
      await db.run(sql`
        UPDATE ${table} SET ${col(t.lastActivity)} = greatest(${col(t.lastActivity)}, ${iso(lastActivity)}),
          ${col(t.locked)} = ${locked ? 1 : 0}
        WHERE ${col(t.connection)} = ${connection}`);
    },

    async remove(connection) {
      await db.run(sql`DELETE FROM ${table} WHERE ${col(t.connection)} = ${connection}`);
    },

    async removeUser(userId, except) {
      await db.run(sql`
        DELETE FROM ${table} WHERE ${col(t.userId)} = ${userId}
          ${except === undefined ? sql`` : sql`AND ${col(t.connection)} <> ${except}`}`);
    },

    prune: (createdBefore) => db.run(sql`DELETE FROM ${table} WHERE ${col(t.createdAt)} < ${iso(createdBefore)}`),

    async announce(change) {
      await notifications.notify(TOPIC, JSON.stringify({ from: instance, change }));
    },

    subscribe(handlers) {
      return notifications.listen(TOPIC, {
        message(payload) {
          const parsed = changeSchema.safeParse(parseJson(payload));
          if (parsed.success && parsed.data.from !== instance) handlers.change(parsed.data.change);
        },
        lost: () => handlers.lost(),
        restored: () => handlers.restored(),
      });
    },
  };
}

// The mail outbox table of the system store. Column names come from the table definition
// (mail.schema.ts) through col/selectColumns, so a renamed column is a compile error here.
import { getTableName, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { OutboxItem } from '../../shared/contract';
import { col, selectColumns, toNumber, type Executor, toText } from '../db/executor';
import { outboxSqlite } from './mail.schema';

const o = outboxSqlite;
type Read = Record<keyof typeof o.$inferSelect, unknown>;

/** A stored message: what the admin screen shows, and the (sealed) body the worker sends. */
export interface OutboxRow {
  readonly item: OutboxItem;
  /** The stored body: sealed (`v1:…`), plain from before sealing, or '' once sent or expired. */
  readonly body: string;
  readonly expiresAt: string | null;
}

const statuses = z.enum(['pending', 'sent', 'failed']);

function toRow(row: Read): OutboxRow {
  return {
    item: {
      id: String(row.id),
      to: String(row.toAddress),
      subject: String(row.subject),
      status: statuses.parse(row.status),
      attempts: toNumber(row.attempts),
      nextAttemptAt: String(row.nextAttemptAt),
      lastError: toText(row.lastError),
      createdAt: String(row.createdAt),
      sentAt: toText(row.sentAt),
    },
    body: String(row.textBody),
    expiresAt: toText(row.expiresAt),
  };
}

export function createOutboxRepo(db: Executor) {
  const outbox = db.table(getTableName(o));
  const select = async (where: SQL, tx: Executor, tail: SQL = sql``) =>
    (await tx.rows<Read>(sql`SELECT ${selectColumns(o)} FROM ${outbox} ${where} ${tail}`)).map(toRow);
  const body = col(o.textBody);
  const status = col(o.status);

  return {
    async insert(
      message: { id: string; to: string; subject: string; body: string; at: string; expiresAt: string },
      tx: Executor = db,
    ): Promise<void> {
      await tx.insert(o, [
        {
          id: message.id,
          toAddress: message.to,
          subject: message.subject,
          textBody: message.body,
          status: 'pending',
          nextAttemptAt: message.at,
          createdAt: message.at,
          expiresAt: message.expiresAt,
        },
      ]);
    },
    async get(id: string, tx: Executor = db): Promise<OutboxRow | null> {
      return (await select(sql`WHERE ${col(o.id)} = ${id}`, tx))[0] ?? null;
    },
    /** Newest first, optionally of one status. */
    async list(filter: { status?: OutboxItem['status'] | undefined; limit: number }): Promise<OutboxRow[]> {
      const where = filter.status ? sql`WHERE ${status} = ${filter.status}` : sql``;
      return select(where, db, sql`ORDER BY ${col(o.createdAt)} DESC LIMIT ${filter.limit}`);
    },
    /** Pending messages whose next attempt is due, oldest first. */
    async due(now: string, limit: number): Promise<OutboxRow[]> {
      return select(
        sql`WHERE ${status} = 'pending' AND ${col(o.nextAttemptAt)} <= ${now}`,
        db,
        sql`ORDER BY ${col(o.createdAt)} LIMIT ${limit}`,
      );
    },
    /** Sent: the body (a one-time code) is deleted with it. */
    async markSent(id: string, attempts: number, at: string): Promise<void> {
      await db.run(sql`UPDATE ${outbox} SET ${status} = 'sent', ${col(o.attempts)} = ${attempts},
        ${col(o.sentAt)} = ${at}, ${col(o.lastError)} = NULL, ${body} = '' WHERE ${col(o.id)} = ${id}`);
    },
    async markFailedAttempt(
      id: string,
      change: { status: 'pending' | 'failed'; attempts: number; nextAttemptAt: string; error: string },
    ): Promise<void> {
      await db.run(sql`UPDATE ${outbox} SET ${status} = ${change.status}, ${col(o.attempts)} = ${change.attempts},
        ${col(o.nextAttemptAt)} = ${change.nextAttemptAt}, ${col(o.lastError)} = ${change.error}
        WHERE ${col(o.id)} = ${id}`);
    },
    /** Deletes the bodies of messages expired by `now`; unsent ones fail with `reason`. */
    async expire(now: string, reason: string): Promise<void> {
      await db.run(sql`UPDATE ${outbox} SET ${body} = '',
        ${status} = CASE WHEN ${status} = 'sent' THEN ${status} ELSE 'failed' END,
        ${col(o.lastError)} = CASE WHEN ${status} = 'sent' THEN ${col(o.lastError)} ELSE ${reason} END
        WHERE ${body} <> '' AND ${col(o.expiresAt)} <= ${now}`);
    },
    async remove(id: string, tx: Executor): Promise<void> {
      await tx.run(sql`DELETE FROM ${outbox} WHERE ${col(o.id)} = ${id}`);
    },
    /** Deletes bodies sent messages still hold (from before they were deleted on sending). */
    async clearSentBodies(): Promise<void> {
      await db.run(sql`UPDATE ${outbox} SET ${body} = '' WHERE ${status} = 'sent' AND ${body} <> ''`);
    },
    /** Messages whose body was stored before sealing existed (sealed ones start with `prefix`). */
    async plainBodies(prefix: string): Promise<OutboxRow[]> {
      return select(sql`WHERE ${body} <> '' AND ${body} NOT LIKE ${`${prefix}%`}`, db);
    },
    async replaceBody(id: string, sealed: string, expiresAt: string): Promise<void> {
      await db.run(sql`UPDATE ${outbox} SET ${body} = ${sealed}, ${col(o.expiresAt)} = ${expiresAt}
        WHERE ${col(o.id)} = ${id}`);
    },
  };
}

export type OutboxRepo = ReturnType<typeof createOutboxRepo>;

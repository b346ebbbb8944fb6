// The security audit log: append-only and chained with an HMAC whose key lives in the key store,
// not in the database, so whoever can write the database cannot rewrite the chain consistently.
// The newest entry (its sequence number and MAC) is also kept outside the database, in a head
// file next to the data sealed with the same key, so deleting the newest entries or emptying the
// table shows too. Entries from before keying (plain SHA-256) still verify up to where keying began.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { getTableName, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { AuditEntry, AuditListInput, AuditVerifyResult } from '../../shared/contract';
import type { Clock } from '../deps';
import { col, selectColumns, toNumber, type Executor } from '../db/executor';
import { auditSqlite } from './audit.schema';
import { AppError } from '../../shared/errors';
import { keyNames, type KeyStore } from '../keys/keystore';
import type { Logger } from '../router';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEvent {
  readonly action: string;
  readonly actorId?: string | null;
  readonly actor?: string | null;
  readonly tenantId?: string | null;
  readonly target?: string | null;
  readonly details?: Record<string, unknown>;
}

/** Who acted, as an audit entry names them. */
export type AuditActor = Pick<AuditEvent, 'actorId' | 'actor'>;

/** The signed-in user of a call, as the actor of an audit entry. */
export function auditActor(session: { readonly userId: string; readonly email: string }): AuditActor {
  return { actorId: session.userId, actor: session.email };
}

export interface AuditService {
  append(event: AuditEvent, tx?: Executor): Promise<void>;
  /**
   * Runs an action on the system store and appends the entry it returns in the same transaction:
   * both commit or neither does. (Actions on a company's store commit in that store first and are
   * appended after: the log lives in another database; see docs/architecture.md.)
   */
  record<T>(action: (tx: Executor) => Promise<{ value: T; entry: AuditEvent }>): Promise<T>;
  /** With a scope, only that tenant's entries (entries of no tenant are the installation's). */
  list(filter: AuditListInput, scope: { only: string } | null): Promise<{ items: AuditEntry[]; total: number }>;
  verify(): Promise<AuditVerifyResult>;
  /** Entries naming one target (`customer:<id>`) in one tenant, oldest first. */
  about(target: string, tenantId: string): Promise<AuditEntry[]>;
  /** Reads the head file at a start, or makes it (trust on first use, recorded in the log). */
  start(): Promise<void>;
  /** Waits until the head file has caught up with every append so far. */
  settled(): Promise<void>;
}

type Content = Omit<AuditEntry, 'hash' | 'prevHash'>;

/** The hashed text: fixed field order, so the same entry always hashes the same. */
function canonical(entry: Content): string {
  return JSON.stringify([
    entry.seq,
    entry.at,
    entry.actorId,
    entry.actor,
    entry.tenantId,
    entry.action,
    entry.target,
    entry.details,
  ]);
}

/** Keyed links carry this prefix; a plain SHA-256 link (before keying) has none. */
const KEYED = 'h1:';

/** The unkeyed link of entries written before the chain was keyed. */
export function entryHash(prevHash: string, entry: Content): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonical(entry)).digest('hex');
}

function keyedHash(key: Buffer, prevHash: string, entry: Content): string {
  return KEYED + createHmac('sha256', key).update(prevHash).update('\n').update(canonical(entry)).digest('hex');
}

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** The newest entry as this installation last saw it, kept outside the database. */
const headSchema = z.object({
  seq: z.number().int().min(0),
  hash: z.string(),
  /** The first entry linked with the key; earlier ones are plain SHA-256. */
  keyedFrom: z.number().int().min(1),
  mac: z.string(),
});
type Head = z.infer<typeof headSchema>;

/**
 * The chain key from the key store. A log already keyed but no key here means a machine that
 * has the data and not the keys: refused, so no entry is ever linked with a stray key.
 */
export async function auditChainKey(keyStore: KeyStore, db: Executor): Promise<Buffer> {
  const key = await keyStore.getKey(keyNames.auditChain);
  if (key) return key;
  const [keyed] = await db.rows(
    sql`SELECT ${col(auditSqlite.seq)} FROM ${db.table(getTableName(auditSqlite))} WHERE ${col(auditSqlite.hash)} LIKE ${`${KEYED}%`} LIMIT 1`,
  );
  if (keyed) {
    throw new AppError(
      'locked',
      "this installation's audit key is not in this machine's key store: import the key backup (kontor keys import, or the unlock screen)",
    );
  }
  return keyStore.getOrCreateKey(keyNames.auditChain);
}

/** The head file's name in the data directory. */
export const AUDIT_HEAD_FILE = 'audit-head.json';

export interface AuditChainOptions {
  /** The HMAC key of the chain (from the key store). */
  readonly key: Buffer;
  /** The head file next to the data. */
  readonly headFile: string;
}

/** Columns and rows come from the table definition (audit.schema.ts): see selectColumns and col. */
const a = auditSqlite;
type AuditRow = Record<keyof typeof a.$inferSelect, unknown>;
const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

function toEntry(row: AuditRow): AuditEntry {
  return {
    seq: toNumber(row.seq),
    at: String(row.at),
    actorId: text(row.actorId),
    actor: text(row.actor),
    tenantId: text(row.tenantId),
    action: String(row.action),
    target: text(row.target),
    details: JSON.parse(String(row.details)) as Record<string, unknown>,
    prevHash: String(row.prevHash),
    hash: String(row.hash),
  };
}

export function createAuditService({
  db,
  clock,
  chain,
  logger,
}: {
  db: Executor;
  clock: Clock;
  chain: AuditChainOptions;
  logger: Logger;
}): AuditService {
  const log = db.table(getTableName(a));
  const all = sql`SELECT ${selectColumns(a)} FROM ${log}`;
  const headKey = createHmac('sha256', chain.key).update('kontor:audit-head').digest();
  const headMac = (h: Omit<Head, 'mac'>) =>
    createHmac('sha256', headKey)
      .update(JSON.stringify([h.seq, h.hash, h.keyedFrom]))
      .digest('hex');

  type HeadState = { kind: 'ok'; head: Head } | { kind: 'missing' } | { kind: 'forged' };
  function readHead(): HeadState {
    if (!existsSync(chain.headFile)) return { kind: 'missing' };
    try {
      const head = headSchema.parse(JSON.parse(readFileSync(chain.headFile, 'utf8')));
      return sameText(head.mac, headMac(head)) ? { kind: 'ok', head } : { kind: 'forged' };
    } catch {
      return { kind: 'forged' };
    }
  }
  function writeHead(head: Omit<Head, 'mac'>): void {
    const tmp = `${chain.headFile}.tmp`;
    writeFileSync(tmp, JSON.stringify({ ...head, mac: headMac(head) }), { mode: 0o600 });
    renameSync(tmp, chain.headFile);
  }

  let keyedFrom = 1;
  async function newest(): Promise<{ seq: number; hash: string } | null> {
    const [last] = await db.rows(
      sql`SELECT ${col(a.seq)} AS seq, ${col(a.hash)} AS hash FROM ${log} ORDER BY ${col(a.seq)} DESC LIMIT 1`,
    );
    return last ? { seq: toNumber(last['seq']), hash: String(last['hash']) } : null;
  }

  // The head moves forward only, to what is committed: read outside any transaction after an
  // append (on SQLite such a read waits for an open transaction to finish). A log whose newest
  // entry lies behind the head was cut, which verify reports; the head stays where it was.
  let refreshing: Promise<void> = Promise.resolve();
  function refreshHead(): void {
    refreshing = refreshing
      .then(async () => {
        const state = readHead();
        if (state.kind !== 'ok') return;
        const last = await newest();
        if (last && last.seq > state.head.seq) writeHead({ seq: last.seq, hash: last.hash, keyedFrom });
      })
      .catch((error: unknown) => logger.error('audit head not updated', { error: String(error) }));
  }

  async function append(event: AuditEvent, outer?: Executor): Promise<void> {
    await (outer ?? db).transaction(async (tx) => {
      await tx.serialize('audit-append');
      const [last] = await tx.rows(
        sql`SELECT ${col(a.seq)} AS seq, ${col(a.hash)} AS hash FROM ${log} ORDER BY ${col(a.seq)} DESC LIMIT 1`,
      );
      const prevHash = last ? String(last['hash']) : GENESIS_HASH;
      const content: Content = {
        seq: last ? toNumber(last['seq']) + 1 : 1,
        at: clock.now().toISOString(),
        actorId: event.actorId ?? null,
        actor: event.actor ?? null,
        tenantId: event.tenantId ?? null,
        action: event.action,
        target: event.target ?? null,
        details: event.details ?? {},
      };
      const hash = keyedHash(chain.key, prevHash, content);
      await tx.insert(a, [{ ...content, details: JSON.stringify(content.details), prevHash, hash }]);
    });
    refreshHead();
  }

  /** A problem with where the log ends, compared with the head; null when it ends where it should. */
  async function checkEnd(checked: number): Promise<string | null> {
    const state = readHead();
    if (state.kind === 'forged') {
      return 'the audit head file next to the data was changed or belongs to another installation';
    }
    if (state.kind === 'missing') return 'the audit head file next to the data is missing';
    const { head } = state;
    if (head.seq === 0) return null;
    if (checked === 0) {
      return `the audit log was emptied (truncated): ${head.seq} entries had been written`;
    }
    const [row] = await db.rows(sql`SELECT ${col(a.hash)} AS hash FROM ${log} WHERE ${col(a.seq)} = ${head.seq}`);
    if (!row) {
      return `the newest entries were deleted: the log ends at entry ${checked}, but entry ${head.seq} had been written`;
    }
    if (!sameText(String(row['hash']), head.hash)) return `entry ${head.seq} was replaced after it was written`;
    return null;
  }

  return {
    append,
    async record(action) {
      return db.transaction(async (tx) => {
        const { value, entry } = await action(tx);
        await append(entry, tx);
        return value;
      });
    },
    /**
     * At every start: the head file is read, or made when there is none (a new installation, or
     * one from before the head existed: trust on first use, recorded in the log itself).
     */
    async start() {
      const state = readHead();
      if (state.kind === 'ok') {
        keyedFrom = state.head.keyedFrom;
        return;
      }
      if (state.kind === 'forged') {
        logger.error('the audit head file does not match this installation; audit verify reports it');
        return;
      }
      const last = await newest();
      keyedFrom = last ? last.seq + 1 : 1;
      writeHead({ seq: last?.seq ?? 0, hash: last?.hash ?? GENESIS_HASH, keyedFrom });
      if (last) await append({ action: 'audit.head.started', details: { afterSeq: last.seq } });
    },
    /** Waits until the head file has caught up with every append so far. */
    settled: () => refreshing,
    async about(target, tenantId) {
      const rows = await db.rows<AuditRow>(
        sql`${all} WHERE ${col(a.target)} = ${target} AND ${col(a.tenantId)} = ${tenantId} ORDER BY ${col(a.seq)}`,
      );
      return rows.map(toEntry);
    },
    async list(filter, scope) {
      const conditions = [sql`1 = 1`];
      if (scope) conditions.push(sql`${col(a.tenantId)} = ${scope.only}`);
      if (filter.action) conditions.push(sql`${col(a.action)} LIKE ${`${filter.action}%`}`);
      if (filter.actor) conditions.push(sql`lower(${col(a.actor)}) LIKE ${`%${filter.actor.toLowerCase()}%`}`);
      if (filter.tenantId) conditions.push(sql`${col(a.tenantId)} = ${filter.tenantId}`);
      if (filter.actions) {
        const wanted = filter.actions.map((a) => sql`${a}`);
        conditions.push(wanted.length > 0 ? sql`${col(a.action)} IN (${sql.join(wanted, sql`, `)})` : sql`1 = 0`);
      }
      if (filter.from) conditions.push(sql`${col(a.at)} >= ${filter.from}`);
      if (filter.to) conditions.push(sql`${col(a.at)} < ${filter.to}`);
      // The total counts every match; the page starts below beforeSeq.
      const where = sql.join(conditions, sql` AND `);
      const page = filter.beforeSeq ? sql`${where} AND ${col(a.seq)} < ${filter.beforeSeq}` : where;
      const rows = await db.rows<AuditRow>(sql`${all} WHERE ${page} ORDER BY ${col(a.seq)} DESC LIMIT ${filter.limit}`);
      const [count] = await db.rows(sql`SELECT count(*) AS n FROM ${log} WHERE ${where}`);
      return { items: rows.map(toEntry), total: toNumber(count?.['n']) };
    },
    async verify() {
      await refreshing;
      // In pages, so a long log does not have to fit in memory.
      let prevHash = GENESIS_HASH;
      let expectedSeq = 1;
      let checked = 0;
      for (;;) {
        const rows = await db.rows<AuditRow>(
          sql`${all} WHERE ${col(a.seq)} >= ${expectedSeq} ORDER BY ${col(a.seq)} LIMIT 1000`,
        );
        if (rows.length === 0) {
          const end = await checkEnd(checked);
          return end === null
            ? { ok: true, checked, firstBroken: null }
            : { ok: false, checked, firstBroken: { seq: expectedSeq, problem: end } };
        }
        for (const row of rows) {
          const entry = toEntry(row);
          // From keyedFrom on only keyed links count: a rewritten tail in plain SHA-256 is a forgery.
          const expected =
            entry.seq >= keyedFrom || entry.hash.startsWith(KEYED)
              ? keyedHash(chain.key, prevHash, entry)
              : entryHash(prevHash, entry);
          const problem =
            entry.seq !== expectedSeq
              ? `entry ${expectedSeq} is missing`
              : entry.prevHash !== prevHash
                ? `entry ${entry.seq} does not point to the entry before it`
                : !sameText(expected, entry.hash)
                  ? `entry ${entry.seq} was changed after it was written`
                  : null;
          if (problem) return { ok: false, checked, firstBroken: { seq: expectedSeq, problem } };
          prevHash = entry.hash;
          expectedSeq += 1;
          checked += 1;
        }
      }
    },
  };
}

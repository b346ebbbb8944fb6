// The security audit log: append-only, hash-chained. Each entry's hash covers its content and the
// previous entry's hash, so changing, removing or reordering any entry breaks every later link.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { AuditEntry, AuditListInput, AuditVerifyResult } from '../../shared/contract';
import type { Clock } from '../deps';
import { toNumber, type Executor, type Row } from '../db/executor';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditEvent {
  readonly action: string;
  readonly actorId?: string | null;
  readonly actor?: string | null;
  readonly tenantId?: string | null;
  readonly target?: string | null;
  readonly details?: Record<string, unknown>;
}

export interface AuditService {
  append(event: AuditEvent, tx?: Executor): Promise<void>;
  /** With a scope, only that tenant's entries (entries of no tenant are the installation's). */
  list(filter: AuditListInput, scope: { only: string } | null): Promise<{ items: AuditEntry[]; total: number }>;
  verify(): Promise<AuditVerifyResult>;
  /** Entries naming one target (`customer:<id>`) in one tenant, oldest first. */
  about(target: string, tenantId: string): Promise<AuditEntry[]>;
}

type Content = Omit<AuditEntry, 'hash' | 'prevHash'>;

/** The hashed text: fixed field order, so the same entry always hashes the same. */
export function entryHash(prevHash: string, entry: Content): string {
  const canonical = JSON.stringify([
    entry.seq,
    entry.at,
    entry.actorId,
    entry.actor,
    entry.tenantId,
    entry.action,
    entry.target,
    entry.details,
  ]);
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

function toEntry(row: Row): AuditEntry {
  return {
    seq: toNumber(row['seq']),
    at: String(row['at']),
    actorId: (row['actor_id'] as string | null) ?? null,
    actor: (row['actor'] as string | null) ?? null,
    tenantId: (row['tenant_id'] as string | null) ?? null,
    action: String(row['action']),
    target: (row['target'] as string | null) ?? null,
    details: JSON.parse(String(row['details'])) as Record<string, unknown>,
    prevHash: String(row['prev_hash']),
    hash: String(row['hash']),
  };
}

export function createAuditService({ db, clock }: { db: Executor; clock: Clock }): AuditService {
  const log = db.table('audit_log');

  async function append(event: AuditEvent, outer?: Executor): Promise<void> {
    await (outer ?? db).transaction(async (tx) => {
      await tx.serialize('audit-append');
      const [last] = await tx.rows(sql`SELECT seq, hash FROM ${log} ORDER BY seq DESC LIMIT 1`);
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
      const hash = entryHash(prevHash, content);
      await tx.run(sql`INSERT INTO ${log} (seq, at, actor_id, actor, tenant_id, action, target, details, prev_hash, hash)
        VALUES (${content.seq}, ${content.at}, ${content.actorId}, ${content.actor}, ${content.tenantId}, ${content.action},
                ${content.target}, ${JSON.stringify(content.details)}, ${prevHash}, ${hash})`);
    });
  }

  return {
    append,
    async about(target, tenantId) {
      const rows = await db.rows(
        sql`SELECT * FROM ${log} WHERE target = ${target} AND tenant_id = ${tenantId} ORDER BY seq`,
      );
      return rows.map(toEntry);
    },
    async list(filter, scope) {
      const conditions = [sql`1 = 1`];
      if (scope) conditions.push(sql`tenant_id = ${scope.only}`);
      if (filter.action) conditions.push(sql`action LIKE ${`${filter.action}%`}`);
      if (filter.actor) conditions.push(sql`lower(actor) LIKE ${`%${filter.actor.toLowerCase()}%`}`);
      if (filter.tenantId) conditions.push(sql`tenant_id = ${filter.tenantId}`);
      if (filter.beforeSeq) conditions.push(sql`seq < ${filter.beforeSeq}`);
      const where = sql.join(conditions, sql` AND `);
      const rows = await db.rows(sql`SELECT * FROM ${log} WHERE ${where} ORDER BY seq DESC LIMIT ${filter.limit}`);
      const [count] = await db.rows(sql`SELECT count(*) AS n FROM ${log} WHERE ${where}`);
      return { items: rows.map(toEntry), total: toNumber(count?.['n']) };
    },
    async verify() {
      // In pages, so a long log does not have to fit in memory.
      let prevHash = GENESIS_HASH;
      let expectedSeq = 1;
      let checked = 0;
      for (;;) {
        const rows = await db.rows(sql`SELECT * FROM ${log} WHERE seq >= ${expectedSeq} ORDER BY seq LIMIT 1000`);
        if (rows.length === 0) return { ok: true, checked, firstBroken: null };
        for (const row of rows) {
          const entry = toEntry(row);
          const problem =
            entry.seq !== expectedSeq
              ? `entry ${expectedSeq} is missing`
              : entry.prevHash !== prevHash
                ? `entry ${entry.seq} does not point to the entry before it`
                : entryHash(prevHash, entry) !== entry.hash
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

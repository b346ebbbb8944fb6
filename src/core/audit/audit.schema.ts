// The security audit log: append-only and hash-chained (each row carries the hash of the one before).
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { bigint, pgTable, text as pgText } from 'drizzle-orm/pg-core';

export const auditSqlite = sqliteTable('audit_log', {
  seq: integer('seq').primaryKey(),
  at: text('at').notNull(),
  actorId: text('actor_id'),
  actor: text('actor'),
  tenantId: text('tenant_id'),
  action: text('action').notNull(),
  target: text('target'),
  details: text('details').notNull(),
  prevHash: text('prev_hash').notNull(),
  hash: text('hash').notNull(),
});

export const auditPg = pgTable('audit_log', {
  seq: bigint('seq', { mode: 'number' }).primaryKey(),
  at: pgText('at').notNull(),
  actorId: pgText('actor_id'),
  actor: pgText('actor'),
  tenantId: pgText('tenant_id'),
  action: pgText('action').notNull(),
  target: pgText('target'),
  details: pgText('details').notNull(),
  prevHash: pgText('prev_hash').notNull(),
  hash: pgText('hash').notNull(),
});

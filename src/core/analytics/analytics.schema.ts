// What a refresh of the analytics stores per company, for both dialects side by side: each run
// (when, on what, the models' parameters, segments, cohorts, model quality) and the scores of every
// customer from the last run. Derived data: a refresh writes it again from the ledger.
import { integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { doublePrecision, integer as pgInteger, pgTable, text as pgText, timestamp, uuid } from 'drizzle-orm/pg-core';

export const analyticsRunsSqlite = sqliteTable('analytics_runs', {
  id: text('id').primaryKey(),
  computedAt: text('computed_at').notNull(),
  /** The run as the contract has it (analyticsRunSchema), as JSON. */
  run: text('run').notNull(),
});

export const analyticsRunsPg = pgTable('analytics_runs', {
  id: uuid('id').primaryKey(),
  computedAt: timestamp('computed_at', { withTimezone: true, mode: 'date' }).notNull(),
  run: pgText('run').notNull(),
});

/**
 * No index but the key: a refresh writes every row again, and the lists (the top 50 by CLV, the
 * customers likeliest to leave) sort a hundred thousand rows in a few tens of milliseconds.
 */
export const analyticsScoresSqlite = sqliteTable('analytics_scores', {
  customerId: text('customer_id').primaryKey(),
  x: integer('x').notNull(),
  daysSinceLast: integer('days_since_last').notNull(),
  revenue: real('revenue').notNull(),
  pAlive: real('p_alive').notNull(),
  expectedPurchases: real('expected_purchases').notNull(),
  expectedSpend: real('expected_spend'),
  clv: real('clv'),
  recency: integer('recency').notNull(),
  frequency: integer('frequency').notNull(),
  monetary: integer('monetary').notNull(),
  segment: text('segment').notNull(),
});

export const analyticsScoresPg = pgTable('analytics_scores', {
  customerId: uuid('customer_id').primaryKey(),
  x: pgInteger('x').notNull(),
  daysSinceLast: pgInteger('days_since_last').notNull(),
  revenue: doublePrecision('revenue').notNull(),
  pAlive: doublePrecision('p_alive').notNull(),
  expectedPurchases: doublePrecision('expected_purchases').notNull(),
  expectedSpend: doublePrecision('expected_spend'),
  clv: doublePrecision('clv'),
  recency: pgInteger('recency').notNull(),
  frequency: pgInteger('frequency').notNull(),
  monetary: pgInteger('monetary').notNull(),
  segment: pgText('segment').notNull(),
});

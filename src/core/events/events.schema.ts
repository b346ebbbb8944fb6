// The event log of a tenant store, for both dialects side by side. Append-only: each event has a
// global position (its order in the store) and a version within its stream (optimistic concurrency).
import { integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import {
  bigserial,
  integer as pgInteger,
  pgTable,
  text as pgText,
  uniqueIndex as pgUniqueIndex,
} from 'drizzle-orm/pg-core';

export const eventsSqlite = sqliteTable(
  'events',
  {
    position: integer('position').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    stream: text('stream').notNull(),
    version: integer('version').notNull(),
    type: text('type').notNull(),
    schemaVersion: integer('schema_version').notNull(),
    data: text('data').notNull(),
    meta: text('meta').notNull(),
  },
  (t) => [uniqueIndex('events_stream_version_idx').on(t.stream, t.version)],
);

export const eventsPg = pgTable(
  'events',
  {
    position: bigserial('position', { mode: 'number' }).primaryKey(),
    id: pgText('id').notNull().unique(),
    stream: pgText('stream').notNull(),
    version: pgInteger('version').notNull(),
    type: pgText('type').notNull(),
    schemaVersion: pgInteger('schema_version').notNull(),
    data: pgText('data').notNull(),
    meta: pgText('meta').notNull(),
  },
  (t) => [pgUniqueIndex('events_stream_version_idx').on(t.stream, t.version)],
);

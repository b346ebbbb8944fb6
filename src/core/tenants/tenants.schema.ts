// The tenants table of the system store, for both dialects side by side.
import { sqliteTable, text as sqliteText } from 'drizzle-orm/sqlite-core';
import { pgTable, text as pgText, timestamp, uuid } from 'drizzle-orm/pg-core';

export const tenantsSqlite = sqliteTable('tenants', {
  id: sqliteText('id').primaryKey(),
  name: sqliteText('name').notNull().unique(),
  createdAt: sqliteText('created_at').notNull(),
  /** Archived companies keep their data but leave every member's company list. */
  archivedAt: sqliteText('archived_at'),
});

const tenantColumns = () => ({
  id: uuid('id').primaryKey(),
  name: pgText('name').notNull().unique(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  archivedAt: pgText('archived_at'),
});

/** Unqualified, for drizzle-kit: migrations are applied inside the store's schema. */
export const tenantsPg = pgTable('tenants', tenantColumns());

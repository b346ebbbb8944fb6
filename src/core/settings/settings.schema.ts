// Settings as JSON values by key, one table per scope: the system store's for the installation,
// each company store's for that company (see settings.store.ts).
import { sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { pgTable, text as pgText } from 'drizzle-orm/pg-core';

export const settingsSqlite = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const settingsPg = pgTable('settings', {
  key: pgText('key').primaryKey(),
  value: pgText('value').notNull(),
});

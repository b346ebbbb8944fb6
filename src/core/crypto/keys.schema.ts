// The wrapped keys of a tenant store, for both dialects side by side. The master key never lands
// here: it stays in the installation's key store. Each tenant has one key-encryption key (KEK),
// wrapped with the master key; every data subject has a data key, wrapped with the KEK. Erasing a
// subject deletes its row (crypto-shredding); rotating the KEK re-wraps the rows, not the data.
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { integer as pgInteger, pgTable, text as pgText } from 'drizzle-orm/pg-core';

export const keyEncryptionKeysSqlite = sqliteTable('key_encryption_keys', {
  version: integer('version').primaryKey(),
  /** Which master key wrapped it: a keyed fingerprint, so a wrong master key is named, not guessed. */
  masterId: text('master_id').notNull(),
  wrapped: text('wrapped').notNull(),
  createdAt: text('created_at').notNull(),
});

export const dataKeysSqlite = sqliteTable('data_keys', {
  subject: text('subject').primaryKey(),
  id: text('id').notNull(),
  kekVersion: integer('kek_version').notNull(),
  wrapped: text('wrapped').notNull(),
  createdAt: text('created_at').notNull(),
});

export const keyEncryptionKeysPg = pgTable('key_encryption_keys', {
  version: pgInteger('version').primaryKey(),
  masterId: pgText('master_id').notNull(),
  wrapped: pgText('wrapped').notNull(),
  createdAt: pgText('created_at').notNull(),
});

export const dataKeysPg = pgTable('data_keys', {
  subject: pgText('subject').primaryKey(),
  id: pgText('id').notNull(),
  kekVersion: pgInteger('kek_version').notNull(),
  wrapped: pgText('wrapped').notNull(),
  createdAt: pgText('created_at').notNull(),
});

// The customers table of a tenant store, for both dialects side by side.
// search_text holds name, email, phone and city folded to lower case without diacritics, so the
// search behaves the same on SQLite and Postgres; sort_name does the same for sorting by name.
// On Postgres the personal columns hold ciphertext (see customers.repo.sql.ts) and search goes
// through customer_terms instead of search_text.
import { index, integer, sqliteTable, text as sqliteText } from 'drizzle-orm/sqlite-core';
import {
  index as pgIndex,
  integer as pgInteger,
  pgTable,
  primaryKey,
  text as pgText,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

export const customersSqlite = sqliteTable(
  'customers',
  {
    id: sqliteText('id').primaryKey(),
    name: sqliteText('name').notNull(),
    email: sqliteText('email'),
    phone: sqliteText('phone'),
    city: sqliteText('city'),
    notes: sqliteText('notes'),
    sortName: sqliteText('sort_name').notNull(),
    searchText: sqliteText('search_text').notNull(),
    version: integer('version').notNull(),
    createdAt: sqliteText('created_at').notNull(),
    updatedAt: sqliteText('updated_at').notNull(),
    erasedAt: sqliteText('erased_at'),
  },
  (t) => [
    index('customers_sort_name_idx').on(t.sortName, t.id),
    index('customers_created_at_idx').on(t.createdAt, t.id),
    index('customers_updated_at_idx').on(t.updatedAt, t.id),
  ],
);

const customerColumns = () => ({
  id: uuid('id').primaryKey(),
  name: pgText('name').notNull(),
  email: pgText('email'),
  phone: pgText('phone'),
  city: pgText('city'),
  notes: pgText('notes'),
  sortName: pgText('sort_name').notNull(),
  searchText: pgText('search_text').notNull(),
  version: pgInteger('version').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  erasedAt: timestamp('erased_at', { withTimezone: true, mode: 'date' }),
});

/** Unqualified, for drizzle-kit: migrations are applied inside the tenant's schema. */
export const customersPg = pgTable('customers', customerColumns(), (t) => [
  pgIndex('customers_sort_name_idx').on(t.sortName, t.id),
  pgIndex('customers_created_at_idx').on(t.createdAt, t.id),
  pgIndex('customers_updated_at_idx').on(t.updatedAt, t.id),
]);

/**
 * Postgres only (no SQLCipher there): the keyed blind index for search. One row per word prefix
 * of a customer's name, email, phone and city, as an HMAC under the tenant's index key.
 */
export const customerTermsPg = pgTable(
  'customer_terms',
  { term: pgText('term').notNull(), customerId: uuid('customer_id').notNull() },
  (t) => [primaryKey({ columns: [t.term, t.customerId] }), pgIndex('customer_terms_customer_idx').on(t.customerId)],
);

// The customers projection of a tenant store, for both dialects side by side. The same columns on
// both: what people search, sort and filter by is readable (the SQLite file is encrypted whole; on
// Postgres only the server holds database credentials); `details` holds the rest of the readable
// record as JSON; `secrets` holds tax number, bank account and notes sealed with the customer's
// data key. `customer_words` is the search index (see customers.search.ts).
import { index, integer, primaryKey as sqlitePrimaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import {
  index as pgIndex,
  integer as pgInteger,
  pgTable,
  primaryKey,
  smallint,
  text as pgText,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';

export const customersSqlite = sqliteTable(
  'customers',
  {
    id: text('id').primaryKey(),
    number: text('number').notNull(),
    kind: text('kind').notNull(),
    status: text('status').notNull(),
    name: text('name').notNull(),
    sortName: text('sort_name').notNull(),
    email: text('email'),
    /** Sort keys of email and city: folded, and never NULL (empty sorts last ascending; see customers.search.ts). */
    emailSort: text('email_sort').notNull().default(''),
    phone: text('phone'),
    city: text('city'),
    citySort: text('city_sort').notNull().default(''),
    country: text('country'),
    tags: text('tags').notNull(),
    ownerId: text('owner_id'),
    details: text('details').notNull(),
    secrets: text('secrets'),
    /** A keyed hash of the IBAN: finds duplicates without a readable account number. */
    ibanHash: text('iban_hash'),
    /** The VAT ID as stored in `details`, for the duplicate check. */
    vatId: text('vat_id'),
    version: integer('version').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    erasedAt: text('erased_at'),
  },
  (t) => [
    // One index per list order, holding the whole order key: every page is a keyset range scan.
    // The status at the end lets a status filter (the most common) be checked in the index alone.
    index('customers_sort_name_idx').on(t.sortName, t.number, t.id, t.status),
    index('customers_number_idx').on(t.number, t.id, t.status),
    index('customers_email_sort_idx').on(t.emailSort, t.sortName, t.number, t.id, t.status),
    index('customers_city_sort_idx').on(t.citySort, t.sortName, t.number, t.id, t.status),
    index('customers_status_idx').on(t.status, t.sortName, t.number, t.id),
    index('customers_created_at_idx').on(t.createdAt, t.sortName, t.number, t.id, t.status),
    index('customers_updated_at_idx').on(t.updatedAt, t.sortName, t.number, t.id, t.status),
    // Likely duplicates (customers.duplicates): same VAT ID, IBAN or email (email_sort); same name in the same city (sort_name).
    index('customers_vat_id_idx').on(t.vatId),
    index('customers_iban_hash_idx').on(t.ibanHash),
  ],
);

/** One row per indexed word of a customer: `rank` 0 name and number, 1 contact ways, 2 places and tags. */
export const customerWordsSqlite = sqliteTable(
  'customer_words',
  {
    word: text('word').notNull(),
    rank: integer('rank').notNull(),
    sortKey: text('sort_key').notNull(),
    customerId: text('customer_id').notNull(),
  },
  (t) => [sqlitePrimaryKey({ columns: [t.rank, t.word, t.sortKey, t.customerId] })],
);

/**
 * All indexed words of a customer in one row (customers.search.ts, listOfWords): what a search
 * checks the other words of a query against, one lookup per customer instead of one per word, and
 * what tells which rows of customer_words to remove when the customer changes. Keyed by sort key
 * first: a search reads the driving word's entries in sort-key order, so its lookups here walk the
 * table forwards (pages stay in the cache) instead of jumping about by random customer ids. One
 * row per customer is a fraction of the size of a second index over every word.
 */
export const customerWordListsSqlite = sqliteTable(
  'customer_word_lists',
  {
    sortKey: text('sort_key').notNull(),
    customerId: text('customer_id').notNull(),
    words: text('words').notNull(),
  },
  (t) => [sqlitePrimaryKey({ columns: [t.sortKey, t.customerId] })],
);

/** Unqualified, for drizzle-kit: migrations are applied inside the tenant's schema. */
export const customersPg = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey(),
    number: pgText('number').notNull(),
    kind: pgText('kind').notNull(),
    status: pgText('status').notNull(),
    name: pgText('name').notNull(),
    sortName: pgText('sort_name').notNull(),
    email: pgText('email'),
    emailSort: pgText('email_sort').notNull().default(''),
    phone: pgText('phone'),
    city: pgText('city'),
    citySort: pgText('city_sort').notNull().default(''),
    country: pgText('country'),
    tags: pgText('tags').notNull(),
    ownerId: pgText('owner_id'),
    details: pgText('details').notNull(),
    secrets: pgText('secrets'),
    ibanHash: pgText('iban_hash'),
    vatId: pgText('vat_id'),
    version: pgInteger('version').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
    erasedAt: timestamp('erased_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    // One index per list order, holding the whole order key: every page is a keyset range scan.
    // The status at the end lets a status filter (the most common) be checked in the index alone.
    pgIndex('customers_sort_name_idx').on(t.sortName, t.number, t.id, t.status),
    pgIndex('customers_number_idx').on(t.number, t.id, t.status),
    pgIndex('customers_email_sort_idx').on(t.emailSort, t.sortName, t.number, t.id, t.status),
    pgIndex('customers_city_sort_idx').on(t.citySort, t.sortName, t.number, t.id, t.status),
    pgIndex('customers_status_idx').on(t.status, t.sortName, t.number, t.id),
    pgIndex('customers_created_at_idx').on(t.createdAt, t.sortName, t.number, t.id, t.status),
    pgIndex('customers_updated_at_idx').on(t.updatedAt, t.sortName, t.number, t.id, t.status),
    // Likely duplicates (customers.duplicates): same VAT ID, IBAN or email (email_sort); same name in the same city (sort_name).
    pgIndex('customers_vat_id_idx').on(t.vatId),
    pgIndex('customers_iban_hash_idx').on(t.ibanHash),
  ],
);

export const customerWordsPg = pgTable(
  'customer_words',
  {
    word: pgText('word').notNull(),
    rank: smallint('rank').notNull(),
    sortKey: pgText('sort_key').notNull(),
    customerId: uuid('customer_id').notNull(),
  },
  (t) => [primaryKey({ columns: [t.rank, t.word, t.sortKey, t.customerId] })],
);

export const customerWordListsPg = pgTable(
  'customer_word_lists',
  {
    sortKey: pgText('sort_key').notNull(),
    customerId: uuid('customer_id').notNull(),
    words: pgText('words').notNull(),
  },
  (t) => [primaryKey({ columns: [t.sortKey, t.customerId] })],
);

/** Per-company counters (customer numbers): a number once given is never given again. */
/** The row of the sequences table that holds the number of customers (unfiltered lists read it). */
export const CUSTOMER_COUNT = 'customers.count';

export const sequencesSqlite = sqliteTable('sequences', {
  name: text('name').primaryKey(),
  next: integer('next').notNull(),
});
export const sequencesPg = pgTable('sequences', {
  name: pgText('name').primaryKey(),
  next: pgInteger('next').notNull(),
});

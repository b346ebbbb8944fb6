// The contact persons projection, for both dialects side by side. The name is readable (people
// find a customer by its contacts' names); role, email and phone are sealed with the contact's own
// data key in `secrets`, so erasing one person touches nobody else.
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { index as pgIndex, integer as pgInteger, pgTable, text as pgText, timestamp, uuid } from 'drizzle-orm/pg-core';

export const contactsSqlite = sqliteTable(
  'customer_contacts',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id').notNull(),
    name: text('name').notNull(),
    sortName: text('sort_name').notNull(),
    /** 1 for the customer's primary contact. */
    primary: integer('is_primary').notNull(),
    secrets: text('secrets'),
    version: integer('version').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
    erasedAt: text('erased_at'),
  },
  (t) => [index('customer_contacts_customer_idx').on(t.customerId, t.sortName, t.id)],
);

export const contactsPg = pgTable(
  'customer_contacts',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id').notNull(),
    name: pgText('name').notNull(),
    sortName: pgText('sort_name').notNull(),
    primary: pgInteger('is_primary').notNull(),
    secrets: pgText('secrets'),
    version: pgInteger('version').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
    erasedAt: timestamp('erased_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [pgIndex('customer_contacts_customer_idx').on(t.customerId, t.sortName, t.id)],
);

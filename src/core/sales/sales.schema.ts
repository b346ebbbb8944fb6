// The sales documents projection (orders, invoices, credit notes), for both dialects side by side.
// Amounts are integers in cents (bigint on Postgres); dates are `YYYY-MM-DD` text on both, so a
// document's date never moves with a time zone; the lines are JSON. Nothing here is sealed: a
// company must keep its invoices for years (§ 147 AO), also after a customer's personal data was
// erased, and analytics reads the amounts by the million.
import { sql, type SQL } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import {
  bigint,
  index as pgIndex,
  integer as pgInteger,
  pgTable,
  text as pgText,
  timestamp,
  uniqueIndex as pgUniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * What analytics counts as a purchase: an issued or paid invoice, and a credit note that stands
 * alone (a refund); not one that reverses an invoice (analytics/ledger.ts). The purchases index
 * holds exactly these rows, and the ledger read says this very condition, so the database knows
 * the index has all it asks for.
 */
export function purchaseCondition(t: {
  readonly status: { readonly name: string };
  readonly kind: { readonly name: string };
  readonly reverses: { readonly name: string };
}): SQL {
  const [status, kind, reverses] = [t.status, t.kind, t.reverses].map((c) => sql.identifier(c.name));
  return sql`${status} IN ('issued', 'paid') AND (${kind} = 'invoice' OR (${kind} = 'credit_note' AND ${reverses} IS NULL))`;
}

export const salesSqlite = sqliteTable(
  'sales_documents',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id').notNull(),
    kind: text('kind').notNull(),
    number: text('number'),
    date: text('date').notNull(),
    currency: text('currency').notNull(),
    status: text('status').notNull(),
    net: integer('net').notNull(),
    vat: integer('vat').notNull(),
    gross: integer('gross').notNull(),
    lines: text('lines').notNull(),
    reverses: text('reverses'),
    reversedBy: text('reversed_by'),
    createdBy: text('created_by'),
    version: integer('version').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    // A customer's documents by date.
    index('sales_documents_customer_idx').on(t.customerId, t.date, t.id),
    // The purchases alone, by customer and date, with every column the analytics' ledger read needs:
    // that read (grouped by customer) walks this narrow index and never the table's wide rows.
    index('sales_documents_purchases_idx').on(t.customerId, t.date, t.net, t.currency).where(purchaseCondition(t)),
    index('sales_documents_date_idx').on(t.date, t.id),
    uniqueIndex('sales_documents_number_idx').on(t.kind, t.number),
  ],
);

export const salesPg = pgTable(
  'sales_documents',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id').notNull(),
    kind: pgText('kind').notNull(),
    number: pgText('number'),
    date: pgText('date').notNull(),
    currency: pgText('currency').notNull(),
    status: pgText('status').notNull(),
    net: bigint('net', { mode: 'number' }).notNull(),
    vat: bigint('vat', { mode: 'number' }).notNull(),
    gross: bigint('gross', { mode: 'number' }).notNull(),
    lines: pgText('lines').notNull(),
    reverses: uuid('reverses'),
    reversedBy: uuid('reversed_by'),
    createdBy: pgText('created_by'),
    version: pgInteger('version').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    pgIndex('sales_documents_customer_idx').on(t.customerId, t.date, t.id),
    pgIndex('sales_documents_purchases_idx').on(t.customerId, t.date, t.net, t.currency).where(purchaseCondition(t)),
    pgIndex('sales_documents_date_idx').on(t.date, t.id),
    pgUniqueIndex('sales_documents_number_idx').on(t.kind, t.number),
  ],
);

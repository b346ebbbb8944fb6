// The activities projection (calls, meetings, emails, notes, tasks), for both dialects side by
// side. What lists filter and sort by is readable (kind, dates, assignee, done); subject and body
// are sealed with the customer's data key in `content`, and NULL once the customer is erased.
import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { index as pgIndex, integer as pgInteger, pgTable, text as pgText, timestamp, uuid } from 'drizzle-orm/pg-core';

export const activitiesSqlite = sqliteTable(
  'customer_activities',
  {
    id: text('id').primaryKey(),
    customerId: text('customer_id').notNull(),
    kind: text('kind').notNull(),
    occurredAt: text('occurred_at').notNull(),
    /** Tasks: YYYY-MM-DD. */
    dueDate: text('due_date'),
    assigneeId: text('assignee_id'),
    doneAt: text('done_at'),
    createdBy: text('created_by'),
    content: text('content'),
    version: integer('version').notNull(),
    createdAt: text('created_at').notNull(),
    updatedAt: text('updated_at').notNull(),
  },
  (t) => [
    index('customer_activities_customer_idx').on(t.customerId, t.occurredAt),
    // "My open tasks" and the list's "has open tasks" filter.
    index('customer_activities_open_idx').on(t.assigneeId, t.doneAt, t.dueDate),
    index('customer_activities_open_customer_idx').on(t.customerId, t.kind, t.doneAt),
  ],
);

export const activitiesPg = pgTable(
  'customer_activities',
  {
    id: uuid('id').primaryKey(),
    customerId: uuid('customer_id').notNull(),
    kind: pgText('kind').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true, mode: 'date' }).notNull(),
    dueDate: pgText('due_date'),
    assigneeId: pgText('assignee_id'),
    doneAt: timestamp('done_at', { withTimezone: true, mode: 'date' }),
    createdBy: pgText('created_by'),
    content: pgText('content'),
    version: pgInteger('version').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [
    pgIndex('customer_activities_customer_idx').on(t.customerId, t.occurredAt),
    pgIndex('customer_activities_open_idx').on(t.assigneeId, t.doneAt, t.dueDate),
    pgIndex('customer_activities_open_customer_idx').on(t.customerId, t.kind, t.doneAt),
  ],
);

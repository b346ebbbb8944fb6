// The mail outbox: every message is stored before it is sent, so a failing server loses none.
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { integer as pgInteger, pgTable, text as pgText } from 'drizzle-orm/pg-core';

export const outboxSqlite = sqliteTable('mail_outbox', {
  id: text('id').primaryKey(),
  toAddress: text('to_address').notNull(),
  subject: text('subject').notNull(),
  textBody: text('text_body').notNull(),
  status: text('status').notNull(),
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: text('next_attempt_at').notNull(),
  lastError: text('last_error'),
  /** After this the body is deleted and the message is not sent any more. */
  expiresAt: text('expires_at'),
  createdAt: text('created_at').notNull(),
  sentAt: text('sent_at'),
});

export const outboxPg = pgTable('mail_outbox', {
  id: pgText('id').primaryKey(),
  toAddress: pgText('to_address').notNull(),
  subject: pgText('subject').notNull(),
  textBody: pgText('text_body').notNull(),
  status: pgText('status').notNull(),
  attempts: pgInteger('attempts').notNull().default(0),
  nextAttemptAt: pgText('next_attempt_at').notNull(),
  lastError: pgText('last_error'),
  expiresAt: pgText('expires_at'),
  createdAt: pgText('created_at').notNull(),
  sentAt: pgText('sent_at'),
});

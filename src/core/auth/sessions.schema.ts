// Sessions kept in the database: only the Kontor server keeps them there (a desk's live in its
// process), so that any of several instances answers a session's next call, and a revocation on
// one reaches the others. Postgres only. Timestamps are ISO-8601 text, as in the other system tables.
import { index, integer, pgTable, text } from 'drizzle-orm/pg-core';

export const serverSessionsPg = pgTable(
  'server_sessions',
  {
    /** The connection a session is bound to: a digest of the connection token's id, never the token. */
    connection: text('connection').primaryKey(),
    id: text('id').notNull(),
    userId: text('user_id').notNull(),
    /** What the session knows of its user (company, permissions, pending duties), as JSON. */
    snapshot: text('snapshot').notNull(),
    createdAt: text('created_at').notNull(),
    lastActivity: text('last_activity').notNull(),
    locked: integer('locked').notNull().default(0),
    /** When the snapshot was last checked against the user's current state. */
    validatedAt: text('validated_at').notNull(),
  },
  (t) => [index('server_sessions_user_idx').on(t.userId)],
);

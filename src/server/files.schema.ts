// Files of imports and exports the Kontor server holds for a desk for a while (at most an hour):
// the grant (which connection may read or write it) and, once there is one, its content in sealed
// chunks, so that the instance answering the call that uses a file need not be the one that took
// it. Postgres only (the server's system store). Timestamps are ISO-8601 text, as in the other
// system tables.
import { index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';

export const serverFilesPg = pgTable(
  'server_files',
  {
    id: text('id').primaryKey(),
    /** The connection the file is granted to (a digest of the connection token's id). */
    connection: text('connection').notNull(),
    /** 'read' (an upload an import reads) or 'write' (a place an export writes to). */
    access: text('access').notNull(),
    /** The file's name as the desk gave it (cleaned), for the local copy. */
    name: text('name').notNull(),
    /** Bytes of content; null until there is content (an export not written yet). */
    size: integer('size'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [index('server_files_created_idx').on(t.createdAt)],
);

export const serverFileChunksPg = pgTable(
  'server_file_chunks',
  {
    fileId: text('file_id').notNull(),
    seq: integer('seq').notNull(),
    /** Up to a MiB of the file, sealed (AES-256-GCM, file id and position as associated data), base64. */
    data: text('data').notNull(),
  },
  (t) => [primaryKey({ columns: [t.fileId, t.seq] })],
);

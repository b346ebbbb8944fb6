// Opens one SQLCipher-encrypted SQLite file with a raw 256-bit key.
// The key is checked before anything is written, so a wrong key fails without touching the file.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { AppError } from '../../shared/errors';

export type SqliteDatabase = Database.Database;

export function openEncryptedSqlite(file: string, key: Buffer): SqliteDatabase {
  if (key.length !== 32) throw new Error('a database key must be 32 bytes');
  const existed = existsSync(file);
  const db = new Database(file);
  try {
    // SQLCipher 4 format, so the files open in other SQLCipher tools too; the key is raw (no KDF),
    // since it is already a random 256-bit key from the key store.
    db.pragma(`cipher='sqlcipher'`);
    db.pragma('legacy=4');
    db.pragma(`hexkey='${key.toString('hex')}'`);
    // Reading the schema decrypts page 1: this is where a wrong key shows.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
  } catch (error) {
    db.close();
    const reason = error instanceof Error ? error.message : String(error);
    if (existed && /not a database|encrypted|SQLITE_NOTADB/i.test(reason)) {
      throw new AppError(
        'locked',
        `cannot open ${file}: the key does not match this database (wrong key, or a different key store)`,
      );
    }
    throw error;
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Deleted and overwritten content is zeroed in the file, so an erased value leaves no trace there.
  db.pragma('secure_delete = ON');
  db.pragma('busy_timeout = 5000');
  // Pages are decrypted on every read from disk; a 64 MiB cache keeps hot pages decrypted in memory.
  db.pragma('cache_size = -65536');
  // Temporary tables and sort spills stay in memory, never as plaintext temp files.
  db.pragma('temp_store = MEMORY');
  return db;
}

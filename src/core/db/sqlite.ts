// Opens one encrypted SQLite file with a raw 256-bit key (no key derivation at open). The key is
// checked before anything is written, so a wrong key fails without touching the file.
//
// The pages are sealed with AEGIS-256 (SQLite3 Multiple Ciphers' `aegis` scheme): authenticated
// encryption, like SQLCipher's AES-CBC with HMAC-SHA512 that Kontor used before, but on the CPU's
// AES instructions at almost no cost — here a page read from disk costs ≈ 3.7 µs with AEGIS,
// ≈ 13 µs with SQLCipher 4 and ≈ 2 µs without encryption; writes ≈ 3× faster than SQLCipher's
// (docs/foundation.md). Files written in SQLCipher 4's format are re-encrypted at their first open.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { AppError } from '../../shared/errors';

export type SqliteDatabase = Database.Database;

/** The page cipher of Kontor's files. */
const CIPHER = [`cipher='aegis'`, `algorithm='aegis-256'`];
/** SQLCipher 4's page format: Kontor's files until December 2026. */
const SQLCIPHER = [`cipher='sqlcipher'`, 'legacy=4'];

const rawKey = (hex: string) => `key="x'${hex}'"`;

/**
 * What opens a file on another connection (the store thread's): the cipher and the raw key
 * (x'…': a random 256-bit key from the key store already, so no KDF runs).
 */
export function keyPragmas(key: Buffer): string[] {
  return [...CIPHER, rawKey(key.toString('hex')), 'busy_timeout = 5000'];
}

/** Reading the schema decrypts page 1: this is where a wrong key shows. */
function checkKey(db: SqliteDatabase): void {
  db.prepare('SELECT count(*) FROM sqlite_master').get();
}

const notADatabase = (error: unknown) =>
  /not a database|encrypted|SQLITE_NOTADB/i.test(error instanceof Error ? error.message : String(error));

/**
 * The file opened with these cipher pragmas and key, or null when they do not open it. A lock held
 * by another connection is waited for (up to 5 s) before the key is checked.
 */
function tryOpen(file: string, cipher: readonly string[], key: string): SqliteDatabase | null {
  const db = new Database(file);
  try {
    for (const pragma of [...cipher, key, 'busy_timeout = 5000']) db.pragma(pragma);
    checkKey(db);
    return db;
  } catch (error) {
    db.close();
    if (notADatabase(error)) return null;
    throw error;
  }
}

/**
 * Files written until December 2026 are in SQLCipher 4's format, keyed with the raw key or, by the
 * first versions, with the key as a passphrase (`hexkey`, so SQLCipher ran its PBKDF2 at every open).
 * Re-encrypts such a file with CIPHER and the raw key once, in one transaction (rekey needs the
 * rollback journal, not WAL). False when the key does not open it.
 */
function upgradeFromSqlcipher(file: string, hex: string): boolean {
  for (const key of [rawKey(hex), `hexkey='${hex}'`]) {
    const db = tryOpen(file, SQLCIPHER, key);
    if (!db) continue;
    try {
      db.pragma('journal_mode = DELETE');
      for (const pragma of CIPHER) db.pragma(pragma);
      db.pragma(`rekey="x'${hex}'"`);
      return true;
    } finally {
      db.close();
    }
  }
  return false;
}

export function openEncryptedSqlite(file: string, key: Buffer): SqliteDatabase {
  if (key.length !== 32) throw new Error('a database key must be 32 bytes');
  const hex = key.toString('hex');
  const existed = existsSync(file);
  const db = tryOpen(file, CIPHER, rawKey(hex));
  if (!db) {
    if (existed && upgradeFromSqlcipher(file, hex)) return openEncryptedSqlite(file, key);
    throw new AppError(
      'locked',
      `cannot open ${file}: the key does not match this database (wrong key, or a different key store)`,
      { reason: 'wrong_database_key' },
    );
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  // Deleted and overwritten content is zeroed in the file, so an erased value leaves no trace there.
  db.pragma('secure_delete = ON');
  // Pages are decrypted on every read from disk; a 64 MiB cache keeps hot pages decrypted in memory.
  db.pragma('cache_size = -65536');
  // Temporary tables and sort spills stay in memory, never as plaintext temp files.
  db.pragma('temp_store = MEMORY');
  return db;
}

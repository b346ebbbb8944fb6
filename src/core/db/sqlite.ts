// Opens one SQLCipher-encrypted SQLite file with a raw 256-bit key (no key derivation at open).
// The key is checked before anything is written, so a wrong key fails without touching the file.
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { AppError } from '../../shared/errors';

export type SqliteDatabase = Database.Database;

/** SQLCipher 4's page format, so the files open in other SQLCipher tools too. */
const CIPHER = [`cipher='sqlcipher'`, 'legacy=4'];

function useCipher(db: SqliteDatabase): void {
  for (const pragma of CIPHER) db.pragma(pragma);
}

/**
 * What opens a file on another connection (the store thread's): the cipher and the raw key
 * (x'…': a random 256-bit key from the key store already, so no KDF runs).
 */
export function keyPragmas(key: Buffer): string[] {
  return [...CIPHER, `key="x'${key.toString('hex')}'"`, 'busy_timeout = 5000'];
}

/** Reading the schema decrypts page 1: this is where a wrong key shows. */
function checkKey(db: SqliteDatabase): void {
  db.prepare('SELECT count(*) FROM sqlite_master').get();
}

const notADatabase = (error: unknown) =>
  /not a database|encrypted|SQLITE_NOTADB/i.test(error instanceof Error ? error.message : String(error));

/**
 * Files written before Kontor 0.2 used the key as a passphrase (`hexkey`), so SQLCipher ran its
 * PBKDF2 (256,000 rounds, ≈ 120 ms) at every open. Re-keys such a file to the raw key once, in one
 * transaction (rekey needs the rollback journal, not WAL). False when the key does not open it.
 */
function rekeyFromPassphraseForm(file: string, hex: string): boolean {
  const db = new Database(file);
  try {
    useCipher(db);
    db.pragma(`hexkey='${hex}'`);
    checkKey(db);
    db.pragma('journal_mode = DELETE');
    db.pragma(`rekey="x'${hex}'"`);
    return true;
  } catch (error) {
    if (notADatabase(error)) return false;
    throw error;
  } finally {
    db.close();
  }
}

export function openEncryptedSqlite(file: string, key: Buffer): SqliteDatabase {
  if (key.length !== 32) throw new Error('a database key must be 32 bytes');
  const hex = key.toString('hex');
  const existed = existsSync(file);
  const db = new Database(file);
  try {
    for (const pragma of keyPragmas(key)) db.pragma(pragma);
    checkKey(db);
  } catch (error) {
    db.close();
    if (existed && notADatabase(error)) {
      if (rekeyFromPassphraseForm(file, hex)) return openEncryptedSqlite(file, key);
      throw new AppError(
        'locked',
        `cannot open ${file}: the key does not match this database (wrong key, or a different key store)`,
        { reason: 'wrong_database_key' },
      );
    }
    throw error;
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

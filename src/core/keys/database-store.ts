// A key store in the Kontor server's own Postgres database, for several instances that must not
// each need a copy of a key file: the installation's random keys live in a table of their own
// schema, each wrapped with AES-256-GCM under a master key the environment gives every instance
// (a secret manager, a container secret). The database alone opens nothing; the master key alone
// holds no data. A key is made once: two instances asking for a new key at the same moment get the
// same one (the first insert wins, the other reads it).
import { randomBytes } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { decryptParts, encryptParts, type SealedParts } from '../crypto/aead';
import { queryRows, quoteIdent, type PgDb } from '../db/postgres';
import { KEY_BYTES, newKey, type KeyStore } from './keystore';

/** The schema of the keys table: `kontor-server backup` (every kontor_* schema) takes it along. */
export const KEY_SCHEMA = 'kontor_keys';
/** A random value wrapped under the master key when the table is made: tells a wrong master key. */
const CHECK_NAME = 'kontor:master-key-check';

const partsSchema = z.object({ iv: z.string(), tag: z.string(), data: z.string() });

export interface DatabaseKeyStoreOptions {
  readonly db: PgDb;
  readonly masterKey: Buffer;
  /** The schema of the keys table (tests give each its own). */
  readonly schema?: string;
}

/** A master key as the environment gives it: 32 bytes in base64 (`openssl rand -base64 32`). */
export function parseMasterKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = Buffer.from(trimmed, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed) || key.length !== KEY_BYTES) {
    throw new Error(
      `the master key must be ${KEY_BYTES} random bytes in base64 (make one with: openssl rand -base64 32)`,
    );
  }
  return key;
}

/**
 * The key schema's tables, made if missing: `keys` (the wrapped keys of the database key store)
 * and `checks` (fingerprints of the keys the database was first used with, whichever store holds
 * them; see the server's key check).
 */
export async function keyTables(db: PgDb, schema = KEY_SCHEMA): Promise<{ keys: SQL; checks: SQL }> {
  const keys = sql.raw(`${quoteIdent(schema)}.keys`);
  const checks = sql.raw(`${quoteIdent(schema)}.checks`);
  await db.transaction(async (tx) => {
    // Several instances starting at once make the schema once.
    await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`kontor-keys:${schema}`}))`);
    await tx.execute(sql.raw(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`));
    await tx.execute(sql`CREATE TABLE IF NOT EXISTS ${keys} (
      name text PRIMARY KEY, iv text NOT NULL, tag text NOT NULL, data text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await tx.execute(sql`CREATE TABLE IF NOT EXISTS ${checks} (name text PRIMARY KEY, fingerprint text NOT NULL)`);
  });
  return { keys, checks };
}

export async function openDatabaseKeyStore({
  db,
  masterKey,
  schema = KEY_SCHEMA,
}: DatabaseKeyStoreOptions): Promise<KeyStore> {
  if (masterKey.length !== KEY_BYTES) throw new Error(`the master key must be ${KEY_BYTES} bytes`);
  const { keys: table } = await keyTables(db, schema);

  /** The stored key's wrapping, or null. */
  async function stored(name: string): Promise<SealedParts | null> {
    const [row] = await queryRows(db, sql`SELECT iv, tag, data FROM ${table} WHERE name = ${name}`);
    return row ? partsSchema.parse(row) : null;
  }
  /** Stores the key unless one is there: the key stored afterwards, either way. */
  async function insertOnce(name: string, key: Buffer): Promise<Buffer> {
    const { iv, tag, data } = encryptParts(masterKey, key, name);
    await db.execute(sql`INSERT INTO ${table} (name, iv, tag, data) VALUES (${name}, ${iv}, ${tag}, ${data})
      ON CONFLICT (name) DO NOTHING`);
    return (await getKey(name)) ?? key;
  }
  function unwrap(name: string, parts: SealedParts): Buffer {
    try {
      return decryptParts(masterKey, parts, name);
    } catch {
      throw new AppError(
        'locked',
        name === CHECK_NAME
          ? 'the master key does not open the keys in this database (KONTOR_SERVER_MASTER_KEY is not the one they were made with)'
          : `the key '${name}' in the database is damaged`,
        { reason: name === CHECK_NAME ? 'wrong_master_key' : 'key_file_damaged' },
      );
    }
  }
  async function getKey(name: string): Promise<Buffer | null> {
    const parts = await stored(name);
    return parts ? unwrap(name, parts) : null;
  }

  // The first instance wraps a random value; every later start must open it.
  const check = await stored(CHECK_NAME);
  if (check) unwrap(CHECK_NAME, check);
  else await insertOnce(CHECK_NAME, randomBytes(16));

  // Keys are asked for at start and by key backups, and never change but by putKey: kept once read.
  const cache = new Map<string, Buffer>();
  return {
    kind: 'database',
    async getKey(name) {
      const known = cache.get(name) ?? (await getKey(name));
      if (known) cache.set(name, known);
      return known;
    },
    async getOrCreateKey(name) {
      const known = cache.get(name) ?? (await getKey(name)) ?? (await insertOnce(name, newKey()));
      cache.set(name, known);
      return known;
    },
    async putKey(name, key) {
      if (key.length !== KEY_BYTES) throw new Error(`a key must be ${KEY_BYTES} bytes`);
      const { iv, tag, data } = encryptParts(masterKey, key, name);
      await db.execute(sql`INSERT INTO ${table} (name, iv, tag, data) VALUES (${name}, ${iv}, ${tag}, ${data})
        ON CONFLICT (name) DO UPDATE SET iv = excluded.iv, tag = excluded.tag, data = excluded.data`);
      cache.set(name, key);
    },
  };
}

// The Kontor server's keys. Two places for them, as the environment says: the passphrase-protected
// key file (one instance, or a file every instance is given), or the database itself under a master
// key from the environment (any number of instances, nothing to copy). Given both, the file's keys
// move into the database on the start (once; the file can go afterwards). Either way the database
// remembers a fingerprint of each installation key it was first used with, and a start whose keys
// differ stops before it writes anything a key the others do not have would seal.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { queryRows, type PgDb } from '../core/db/postgres';
import { KEY_SCHEMA, keyTables, openDatabaseKeyStore, parseMasterKey } from '../core/keys/database-store';
import { keyNames, type KeyStore } from '../core/keys/keystore';
import type { PassphraseKeyStore } from '../core/keys/passphrase-store';
import type { ServerEnv } from './main';

/** The keys every instance must share: sealed secrets, field encryption, the audit chain, tokens, files. */
export const SERVER_KEY_NAMES = [
  keyNames.systemSecrets,
  keyNames.fieldMaster,
  keyNames.auditChain,
  keyNames.serverConnectionTokens,
  keyNames.serverFiles,
] as const;

/** A secret given in the environment, or as the first line of a file (a container's secret). */
function secretOf(value: string | undefined, file: string | undefined): string | undefined {
  return file === undefined ? value : (readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '');
}

/** The master passphrase (`KONTOR_SERVER_MASTER_PASSPHRASE` or the first line of its file), or null. */
export function masterPassphraseOf(env: ServerEnv): string | null {
  const file = env.KONTOR_SERVER_MASTER_PASSPHRASE_FILE;
  const passphrase = secretOf(env.KONTOR_SERVER_MASTER_PASSPHRASE, file);
  if (passphrase === undefined) return null;
  // The environment's is checked with the rest of it (serverEnvSchema); a file's only here.
  if (file !== undefined && passphrase.length < 12) {
    throw new Error(`the master passphrase in ${file} must have at least 12 characters`);
  }
  return passphrase;
}

/** The master key (`KONTOR_SERVER_MASTER_KEY` or the first line of its secret file), or null. */
export function masterKeyOf(env: ServerEnv): Buffer | null {
  const file = env.KONTOR_SERVER_MASTER_KEY_SECRET_FILE;
  const text = secretOf(env.KONTOR_SERVER_MASTER_KEY, file);
  if (text === undefined) return null;
  try {
    return parseMasterKey(text);
  } catch (error) {
    throw new Error(`${file ?? 'KONTOR_SERVER_MASTER_KEY'}: ${(error as Error).message}`, { cause: error });
  }
}

const fingerprintOf = (key: Buffer) => createHmac('sha256', key).update('kontor:key-check').digest('base64');

/**
 * Every installation key, made where missing, checked against the fingerprint the database keeps
 * of it (the first start to get there writes it). A mismatch means this instance's keys are not
 * the ones the data was sealed with: a key file of its own made by a first start, or another
 * installation's file.
 */
export async function checkServerKeys(db: PgDb, store: KeyStore, schema = KEY_SCHEMA): Promise<void> {
  const { checks } = await keyTables(db, schema);
  for (const name of SERVER_KEY_NAMES) {
    const fingerprint = fingerprintOf(await store.getOrCreateKey(name));
    await db.execute(sql`INSERT INTO ${checks} (name, fingerprint) VALUES (${name}, ${fingerprint})
      ON CONFLICT (name) DO NOTHING`);
    const [row] = await queryRows(db, sql`SELECT fingerprint FROM ${checks} WHERE name = ${name}`);
    const stored = row?.['fingerprint'];
    const known = Buffer.from(typeof stored === 'string' ? stored : '');
    const mine = Buffer.from(fingerprint);
    if (known.length !== mine.length || !timingSafeEqual(known, mine)) {
      throw new Error(
        store.kind === 'passphrase'
          ? `the key file holds another key '${name}' than the one this database was first used with: give every instance the key file of the first one (or keep the keys in the database: KONTOR_SERVER_MASTER_KEY)`
          : `the database's key '${name}' is not the one its data was first used with`,
      );
    }
  }
}

/**
 * The keys in the database under `masterKey`; a key file given beside it gives its keys first
 * (those the database does not have yet; one it has otherwise stops the start).
 */
export async function databaseKeys(
  db: PgDb,
  masterKey: Buffer,
  file: PassphraseKeyStore | null,
  schema = KEY_SCHEMA,
): Promise<KeyStore> {
  const store = await openDatabaseKeyStore({ db, masterKey, schema });
  const missing: [string, Buffer][] = [];
  for (const name of file?.names() ?? []) {
    const key = await file?.getKey(name);
    const there = await store.getKey(name);
    if (!key) continue;
    if (there === null) missing.push([name, key]);
    else if (!there.equals(key)) {
      throw new Error(
        `the database already holds another key '${name}' than the key file: it was set up with other keys; nothing was moved`,
      );
    }
  }
  for (const [name, key] of missing) await store.putKey(name, key);
  return store;
}

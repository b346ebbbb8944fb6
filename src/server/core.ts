// The core as the Kontor server runs it, for the server itself and for its admin commands: the
// key file first when there is one (a wrong passphrase stops before any database opens), then
// Postgres from the environment or the embedded PGlite data directory, the keys checked against
// the database (keys.ts), then the core with sessions in the database.
// An embedded database may be open in one process only: a lock file beside it names the process
// that has it, so an admin command refuses while the server runs instead of corrupting it.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openKontor, type Kontor } from '../core/app';
import { defaultMigrationsDir } from '../core/config';
import { connectPostgres, pgliteConnection, type PgConnection } from '../core/db/postgres';
import { KEY_SCHEMA } from '../core/keys/database-store';
import { keyNames, type KeyStore } from '../core/keys/keystore';
import { openPassphraseKeyStore } from '../core/keys/passphrase-store';
import type { Logger } from '../core/router';
import { createServerFiles, type ServerFiles } from './files';
import { checkServerKeys, databaseKeys, masterKeyOf, masterPassphraseOf } from './keys';
import type { ServerEnv } from './main';

export interface ServerCore {
  readonly kontor: Kontor;
  readonly connection: PgConnection;
  readonly keyStore: KeyStore;
  /** Where the keys are, in words (for `status`). */
  readonly keys: string;
  /** Import and export files, shared by the instances. */
  readonly files: ServerFiles;
  readonly dataDir: string;
  close(): Promise<void>;
}

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Takes the embedded database for this process; refuses while another live process has it. */
function lockEmbedded(dir: string): () => void {
  const file = join(dir, 'kontor-server.lock');
  try {
    writeFileSync(file, String(process.pid), { flag: 'wx' });
  } catch {
    const holder = Number(readFileSync(file, 'utf8').trim());
    // This process too: a second open of the same directory would corrupt it as surely.
    if (Number.isInteger(holder) && isRunning(holder)) {
      throw new Error(
        `the embedded database in ${dir} is open in process ${holder} (a running server): stop it first, or use Postgres (KONTOR_SERVER_DATABASE_URL)`,
      );
    }
    writeFileSync(file, String(process.pid)); // left behind by a process that ended
  }
  return () => rmSync(file, { force: true });
}

/** An embedded Postgres (PGlite) in a data directory of its own. */
async function embeddedPostgres(dir: string): Promise<PgConnection> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { drizzle } = await import('drizzle-orm/pglite');
  mkdirSync(dir, { recursive: true });
  const unlock = lockEmbedded(dir);
  try {
    const client = new PGlite(dir);
    await client.waitReady;
    const connection = pgliteConnection(client, drizzle(client), `pglite (${dir})`);
    return {
      ...connection,
      async close() {
        await connection.close();
        unlock();
      },
    };
  } catch (error) {
    unlock();
    throw error;
  }
}

export async function openServerCore(env: ServerEnv, version: string, logger: Logger): Promise<ServerCore> {
  const dataDir = resolve(env.KONTOR_SERVER_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const keyFile = env.KONTOR_SERVER_MASTER_KEY_FILE ?? join(dataDir, 'keys.json');
  const passphrase = masterPassphraseOf(env);
  const masterKey = masterKeyOf(env);
  // The key file before the database: a wrong passphrase stops before anything opens.
  const file = passphrase === null ? null : await openPassphraseKeyStore({ file: keyFile, passphrase });
  const connection = env.KONTOR_SERVER_DATABASE_URL
    ? await connectPostgres(env.KONTOR_SERVER_DATABASE_URL)
    : await embeddedPostgres(join(dataDir, 'pg'));
  try {
    const keyStore = masterKey ? await databaseKeys(connection.db, masterKey, file) : file;
    if (!keyStore) throw new Error('no keys: give a master passphrase or a master key');
    await checkServerKeys(connection.db, keyStore);
    const filesKey = await keyStore.getOrCreateKey(keyNames.serverFiles);
    let files: ServerFiles | undefined;
    const kontor = await openKontor({
      dataDir,
      migrationsDir: defaultMigrationsDir(),
      database: { kind: 'postgres', connection, ownsConnection: true },
      keyStore,
      settingsFile: join(dataDir, 'settings.json'),
      version,
      // Sessions in Postgres: any instance answers any call, a sign-out reaches all of them.
      sharedSessions: true,
      databaseFromEnvironment: connection.description,
      // Import and export files in the database too: any instance serves the calls that use them.
      sharedFiles: (system) =>
        (files = createServerFiles({ db: system, directory: join(dataDir, 'files'), key: filesKey })),
      logger,
    });
    if (!files) throw new Error('the server files were not made');
    const keys = masterKey
      ? `in the database (${KEY_SCHEMA}), under the master key of the environment`
      : `in the key file ${keyFile}`;
    return { kontor, connection, keyStore, keys, files, dataDir, close: () => kontor.close() };
  } catch (error) {
    await connection.close();
    throw error;
  }
}

// The core as the Kontor server runs it, for the server itself and for its admin commands: the
// key file first (a wrong passphrase stops before any database opens), then Postgres from the
// environment or the embedded PGlite data directory, then the core with sessions in the database.
// An embedded database may be open in one process only: a lock file beside it names the process
// that has it, so an admin command refuses while the server runs instead of corrupting it.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { openKontor, type Kontor } from '../core/app';
import { defaultMigrationsDir } from '../core/config';
import { connectPostgres, pgliteConnection, type PgConnection } from '../core/db/postgres';
import type { KeyStore } from '../core/keys/keystore';
import { openPassphraseKeyStore } from '../core/keys/passphrase-store';
import type { Logger } from '../core/router';
import type { ServerEnv } from './main';

export interface ServerCore {
  readonly kontor: Kontor;
  readonly connection: PgConnection;
  readonly keyStore: KeyStore;
  readonly keyFile: string;
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

/** The master passphrase, from the environment or the first line of its file. */
function masterPassphrase(env: ServerEnv): string {
  const file = env.KONTOR_SERVER_MASTER_PASSPHRASE_FILE;
  const passphrase =
    file === undefined
      ? (env.KONTOR_SERVER_MASTER_PASSPHRASE ?? '')
      : (readFileSync(file, 'utf8').split(/\r?\n/)[0] ?? '');
  if (passphrase.length < 12) throw new Error(`the master passphrase in ${file} must have at least 12 characters`);
  return passphrase;
}

export async function openServerCore(env: ServerEnv, version: string, logger: Logger): Promise<ServerCore> {
  const dataDir = resolve(env.KONTOR_SERVER_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const keyFile = env.KONTOR_SERVER_MASTER_KEY_FILE ?? join(dataDir, 'keys.json');
  const keyStore = await openPassphraseKeyStore({ file: keyFile, passphrase: masterPassphrase(env) });
  const connection = env.KONTOR_SERVER_DATABASE_URL
    ? await connectPostgres(env.KONTOR_SERVER_DATABASE_URL)
    : await embeddedPostgres(join(dataDir, 'pg'));
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
    logger,
  }).catch(async (error: unknown) => {
    await connection.close();
    throw error;
  });
  return { kontor, connection, keyStore, keyFile, dataDir, close: () => kontor.close() };
}

// Test helpers: real databases for every dialect. SQLite gets a fresh encrypted file set in a
// temporary directory; Postgres gets fresh schemas on the server named by KONTOR_TEST_PG_URL,
// or on one PGlite instance shared by the test worker (PGlite takes seconds to start).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { openKontor, type Kontor } from '../app';
import { defaultMigrationsDir } from '../config';
import type { SharedFiles } from '../files';
import type { Executor } from './executor';
import type { TenantStore } from './stores';
import type { Clock, IdSource } from '../deps';
import type { KeyStore } from '../keys/keystore';
import { keyStore } from '../keys/keystore';
import argon2 from 'argon2';
import type { PasswordHasher } from '../auth/passwords';
import type { Logger, Router } from '../router';
import type { Result } from '../../shared/errors';
import { connectPostgres, pgliteConnection, queryRows, type PgConnection, type PgDb } from './postgres';

export type TestDialect = 'sqlite' | 'postgres';
export const testDialects: readonly TestDialect[] = ['sqlite', 'postgres'];

/** A key store that keeps keys in memory; the real ones are tested in src/core/keys. */
export function memoryKeyStore(): KeyStore & { keys: Map<string, Buffer> } {
  const keys = new Map<string, Buffer>();
  const store = keyStore({
    kind: 'passphrase',
    getKey: async (name) => keys.get(name) ?? null,
    putKey: async (name, key) => void keys.set(name, key),
  });
  return { ...store, keys };
}

let shared: Promise<PgConnection> | undefined;

/** One Postgres connection per test worker: the real server in CI, PGlite otherwise. */
export function sharedPgConnection(): Promise<PgConnection> {
  shared ??= (async () => {
    const url = process.env['KONTOR_TEST_PG_URL'];
    if (url) return connectPostgres(url);
    const { PGlite } = await import('@electric-sql/pglite');
    const { drizzle } = await import('drizzle-orm/pglite');
    const client = new PGlite();
    await client.waitReady;
    return pgliteConnection(client, drizzle(client), 'pglite (in memory)');
  })();
  return shared;
}

export async function dropSchemasWithPrefix(db: PgDb, prefix: string): Promise<void> {
  const rows = await queryRows(
    db,
    sql`SELECT schema_name FROM information_schema.schemata WHERE starts_with(schema_name, ${prefix})`,
  );
  for (const row of rows) await db.execute(sql.raw(`DROP SCHEMA "${String(row['schema_name'])}" CASCADE`));
}

export type Caller = (name: string, input?: unknown) => Promise<Result<unknown>>;

/** The value of a result that must have succeeded; a failure fails the test with its code and message. */
export function value<T>(result: Result<T>): T;
export function value<T>(result: Result<unknown>): T;
export function value(result: Result<unknown>): unknown {
  if (!result.ok) throw new Error(`expected ok, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

export const TEST_ADMIN = { email: 'admin@test.example', password: 'test admin password', company: 'Test GmbH' };

export interface TestKontor extends Kontor {
  readonly dataDir: string;
  readonly dialect: TestDialect;
  /** Postgres: the prefix of every schema this instance made (system and tenants). */
  readonly schemaPrefix: string | null;
  /** Calls as the signed-in administrator of the test company. */
  readonly call: Caller;
  /** Calls on a connection of its own (signed out until it signs in). */
  caller(connection: string): Caller;
  /** Creates a user with a role in the current company, signs them in, and returns their caller. */
  signInAs(roleId: string, email?: string): Promise<Caller>;
  /** The store of the company the test administrator works in now (for looking at raw tables). */
  currentStore(): Promise<TenantStore & { tenantId: string }>;
  /**
   * Postgres: another process on the same database and keys (a second server instance), with a
   * data directory of its own; closed by `dispose`.
   */
  instance(): Promise<Kontor & { caller(connection: string): Caller }>;
  /** Closes and removes everything the test created. */
  dispose(): Promise<void>;
}

export interface TestKontorOptions {
  readonly clock?: Clock;
  readonly ids?: IdSource;
  readonly logger?: Logger;
  readonly keyStore?: KeyStore;
  /** Leave the installation without a first administrator (for first-run tests). */
  readonly skipSetup?: boolean;
  /** Postgres: sessions in the database, as on the Kontor server. */
  readonly sharedSessions?: boolean;
  /**
   * How the test's calls travel: in-process by default; src/server's tests put the Kontor server's
   * HTTP in between (the server in front of this router, a desk's remote transport calling it).
   */
  readonly transport?: (router: Router) => Promise<Transport>;
  /** Files granted on other instances, as the Kontor server shares them (each instance's data directory given). */
  readonly sharedFiles?: (system: Executor, dataDir: string) => SharedFiles;
  /** Where the data directory is made (default: the system's temporary folder). */
  readonly under?: string;
  /** Cheap argon2 for passwords and passphrase-sealed backups (tests that make thousands of calls). */
  readonly cheapHashing?: boolean;
}

/**
 * argon2id far below OWASP's minimum, for tests that sign in or seal thousands of times (the fuzz
 * tests): the real hasher (src/core/auth/passwords.ts) is tested on its own, and refuses such costs.
 */
export function cheapPasswordHasher(): PasswordHasher {
  const options = { type: argon2.argon2id, memoryCost: 256, timeCost: 1, parallelism: 1 };
  return {
    hash: (password) => argon2.hash(password, options),
    verify: (hash, password) => argon2.verify(hash, password).catch(() => false),
    needsRehash: () => false,
    dummyVerify: async () => undefined,
  };
}

const cheapHashing = () => ({
  passwordHasher: cheapPasswordHasher(),
  backupKdf: { memoryKiB: 19_456, iterations: 2, parallelism: 1 },
});

export interface Transport {
  call: Router['call'];
  close(): Promise<void>;
}

export const quietLogger: Logger = { error: () => undefined, warn: () => undefined };

export async function openTestKontor(dialect: TestDialect, options: TestKontorOptions = {}): Promise<TestKontor> {
  const dataDir = mkdtempSync(join(options.under ?? tmpdir(), 'kontor-test-'));
  const prefix = `kt${randomBytes(5).toString('hex')}_`;
  const connection = dialect === 'postgres' ? await sharedPgConnection() : null;
  const keys = options.keyStore ?? memoryKeyStore();
  const shareFiles = options.sharedFiles;
  const open = (dir: string) =>
    openKontor({
      dataDir: dir,
      migrationsDir: defaultMigrationsDir(),
      settingsFile: join(dir, 'settings.json'),
      version: '0.0.0-test',
      logger: options.logger ?? quietLogger,
      ...(options.clock && { clock: options.clock }),
      ...(options.ids && { ids: options.ids }),
      ...(options.sharedSessions && { sharedSessions: true }),
      ...(options.cheapHashing && cheapHashing()),
      ...(shareFiles && { sharedFiles: (system: Executor) => shareFiles(system, dir) }),
      database:
        connection === null
          ? { kind: 'sqlite' }
          : { kind: 'postgres', connection, schemaPrefix: prefix, ownsConnection: false },
      keyStore: keys,
    });
  const kontor = await open(dataDir);
  const transport = options.transport ? await options.transport(kontor.router) : null;
  const callerOf =
    (of: Pick<Router, 'call'>) =>
    (connection: string): Caller =>
    (name, input = {}) =>
      of.call(name, input, { meta: { connection } });
  const caller = callerOf(transport ?? kontor.router);
  const instances: { kontor: Kontor; dir: string }[] = [];
  const call = caller('test-admin');
  if (!options.skipSetup) {
    const setup = await call('auth.setup', { ...TEST_ADMIN, name: 'Test Admin' });
    if (!setup.ok) throw new Error(`test setup failed: ${setup.error.message}`);
  }
  let users = 0;
  return {
    ...kontor,
    dataDir,
    dialect,
    schemaPrefix: connection ? prefix : null,
    call,
    caller,
    async signInAs(roleId, email = `${roleId}-${++users}@test.example`) {
      const initial = 'initial password 1';
      const created = await call('users.create', { email, name: `Test ${roleId}`, roleId, password: initial });
      if (!created.ok) throw new Error(`creating ${email} failed: ${created.error.message}`);
      const as = caller(`test-${email}`);
      const login = await as('auth.login', { email, password: initial });
      if (!login.ok) throw new Error(`signing in ${email} failed: ${login.error.message}`);
      const changed = await as('auth.changePassword', { current: initial, next: 'a changed password 1' });
      if (!changed.ok) throw new Error(`changing the password of ${email} failed: ${changed.error.message}`);
      return as;
    },
    async currentStore() {
      const status = await call('auth.status');
      const tenantId = status.ok ? (status.value as { tenant?: { id: string } | null }).tenant?.id : undefined;
      if (!tenantId) throw new Error('the test administrator works in no company');
      return { ...(await kontor.stores.tenant(tenantId)), tenantId };
    },
    async instance() {
      if (!connection) throw new Error('a second instance needs Postgres');
      const dir = mkdtempSync(join(tmpdir(), 'kontor-test-'));
      const other = await open(dir);
      instances.push({ kontor: other, dir });
      return { ...other, caller: callerOf(other.router) };
    },
    async dispose() {
      await transport?.close();
      for (const { kontor: other, dir } of instances) {
        await other.close();
        rmSync(dir, { recursive: true, force: true });
      }
      await kontor.close();
      if (connection) await dropSchemasWithPrefix(connection.db, prefix);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

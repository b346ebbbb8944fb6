// Turns the environment (and the settings file) into an open Kontor, the same way for the CLI,
// the web host and the desktop app. Every variable is validated; a bad one names itself.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { keyStoreKinds, kontorServerSchema, type KeyStoreKind, type KontorServer } from '../shared/contract';
import { AppError, validationError } from '../shared/errors';
import { consoleLogger, openKontor, type DatabaseTarget, type Kontor, type KontorOptions } from './app';
import { createGate, type Gate } from './gate';
import { directDatabaseRefused, withDeskServices } from './machine/machine-gate';
import { loadMachineConfig, machineConfigFile } from './machine/machine-config';
import type { Updater } from './updates/updater';
import type { FileLogger } from './logs/file-logger';
import { createSupport } from './support/support';
import { systemClock, type Clock } from './deps';
import { NO_MACHINE_CONFIG, type MachineState } from '../shared/machine-config';
import { createRemoteGate } from './remote/remote-gate';
import type { Logger } from './router';
import { connectPostgres } from './db/postgres';
import { openKeychainKeyStore } from './keys/keychain-store';
import type { KeyStore } from './keys/keystore';
import { importKeyBackup } from './keys/key-backup';
import { openPassphraseKeyStore, passphraseKeyFile } from './keys/passphrase-store';
import { createSecretBox } from './crypto/secret-box';
import { keyNames } from './keys/keystore';
import {
  databaseUrl,
  readSettingsFile,
  settingsFilePath,
  storedDatabase,
  writeSettingsFile,
} from './settings/settings.file';

export const envSchema = z.object({
  KONTOR_DATA_DIR: z.string().min(1, 'must not be empty').optional(),
  KONTOR_KEYSTORE: z.enum(keyStoreKinds, 'must be keychain or passphrase').optional(),
  KONTOR_MASTER_PASSPHRASE: z.string().optional(),
  KONTOR_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  KONTOR_PG_SCHEMA_PREFIX: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,19}$/, 'must be 1-20 characters of a-z, 0-9 and _, starting with a letter')
    .optional(),
  /** A desk (or the web host) in server mode: the Kontor server to forward every call to. */
  KONTOR_SERVER_URL: kontorServerSchema.shape.url.optional(),
  /** The company CA's certificate (a PEM file) for KONTOR_SERVER_URL. */
  KONTOR_SERVER_CA_FILE: z.string().min(1).optional(),
  KONTOR_SERVER_FINGERPRINT: kontorServerSchema.shape.fingerprint,
  /** Another machine-wide configuration file than the platform's (tests, the web host). */
  KONTOR_MACHINE_CONFIG_FILE: z.string().min(1).optional(),
});
export type KontorEnv = z.infer<typeof envSchema>;

export function parseEnv(env: NodeJS.ProcessEnv): KontorEnv {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw validationError(parsed.error, 'environment');
  return parsed.data;
}

export function defaultDataDir(): string {
  return join(homedir(), '.kontor');
}

/** The committed migrations; `out/main` and `src/core` are both two levels below the root. */
export const defaultMigrationsDir = (): string => resolve(import.meta.dirname, '..', '..', 'resources', 'migrations');

export interface OpenFromEnvironmentOptions {
  readonly dataDir: string;
  readonly env: KontorEnv;
  /** Overrides the settings file and KONTOR_DATABASE_URL (the CLI's --database-url). */
  readonly databaseUrl?: string;
  readonly version: string;
  readonly migrationsDir?: string;
  readonly keyStoreKind?: KeyStoreKind;
  /** The web host's test clock (browser tests move time on instead of waiting). */
  readonly clock?: Clock;
  /** IT's machine-wide configuration (src/core/machine): it may forbid Postgres and set the Kontor server. */
  readonly machine?: MachineState;
}

export async function openKeyStore(
  kind: KeyStoreKind,
  dataDir: string,
  passphrase: string | undefined,
): Promise<KeyStore> {
  if (kind === 'keychain') return openKeychainKeyStore({ dataDir });
  if (passphrase === undefined || passphrase === '') {
    throw new AppError('validation', 'KONTOR_MASTER_PASSPHRASE is required with the passphrase key store', {
      issues: [{ path: 'KONTOR_MASTER_PASSPHRASE', rule: 'required', message: 'required' }],
    });
  }
  return openPassphraseKeyStore({ file: passphraseKeyFile(dataDir), passphrase });
}

/** The key store the options, the environment or the settings file name (the keychain by default). */
export async function keyStoreFromEnvironment(
  options: Pick<OpenFromEnvironmentOptions, 'dataDir' | 'env' | 'keyStoreKind'>,
): Promise<KeyStore> {
  const dataDir = isAbsolute(options.dataDir) ? options.dataDir : resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const settings = readSettingsFile(settingsFilePath(dataDir));
  const kind = options.keyStoreKind ?? options.env.KONTOR_KEYSTORE ?? settings.keyStore ?? 'keychain';
  return openKeyStore(kind, dataDir, options.env.KONTOR_MASTER_PASSPHRASE);
}

export async function openFromEnvironment(options: OpenFromEnvironmentOptions): Promise<Kontor> {
  const dataDir = isAbsolute(options.dataDir) ? options.dataDir : resolve(options.dataDir);
  const keyStore = await keyStoreFromEnvironment({ ...options, dataDir });
  const settingsFile = settingsFilePath(dataDir);
  const settings = readSettingsFile(settingsFile);
  // Only asked for when needed, and never made here: keys made before the data opens would stand
  // in the way of importing the real ones on a new machine.
  const secrets = async () => {
    const key = await keyStore.getKey(keyNames.systemSecrets);
    if (!key) {
      throw new AppError(
        'locked',
        'the key that opens the stored database password is not in this key store: import the key backup',
      );
    }
    return createSecretBox(key);
  };
  const url =
    options.databaseUrl ??
    options.env.KONTOR_DATABASE_URL ??
    (settings.database.kind !== 'postgres'
      ? undefined
      : 'passwordSealed' in settings.database
        ? databaseUrl(settings.database, (await secrets()).open)
        : settings.database.url);

  let database: DatabaseTarget;
  if (url !== undefined && options.machine?.config.allowDirectPostgres === false) throw directDatabaseRefused();
  if (url !== undefined) {
    database = {
      kind: 'postgres',
      connection: await connectPostgres(url),
      ...(options.env.KONTOR_PG_SCHEMA_PREFIX !== undefined && { schemaPrefix: options.env.KONTOR_PG_SCHEMA_PREFIX }),
    };
  } else {
    database = { kind: 'sqlite' };
  }
  const kontorOptions: KontorOptions = {
    dataDir,
    migrationsDir: options.migrationsDir ?? defaultMigrationsDir(),
    database,
    keyStore,
    settingsFile,
    version: options.version,
    ...(options.clock && { clock: options.clock }),
    ...(options.machine && { machine: options.machine }),
  };
  try {
    const kontor = await openKontor(kontorOptions);
    // A settings file from before sealing holds the password in its URL: sealed from now on.
    if (settings.database.kind === 'postgres' && !('passwordSealed' in settings.database)) {
      const sealed = storedDatabase(settings.database, (await secrets()).seal);
      if ('passwordSealed' in sealed) writeSettingsFile(settingsFile, { ...settings, database: sealed });
    }
    return kontor;
  } catch (error) {
    if (database.kind === 'postgres') await database.connection.close();
    throw error;
  }
}

function readCaFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new AppError(
      'validation',
      `the Kontor server's CA certificate ${file} (serverCaFile of the machine-wide configuration) cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`,
    );
  }
}

/**
 * IT's machine-wide configuration for this process (KONTOR_MACHINE_CONFIG_FILE names another file
 * than the platform's); what is wrong with it goes to the log as well as to app.machine.
 */
export async function machineFromEnvironment(env: KontorEnv, logger: Logger): Promise<MachineState> {
  const state = await loadMachineConfig(process.platform, env.KONTOR_MACHINE_CONFIG_FILE ?? machineConfigFile());
  for (const problem of state.problems) logger.warn('a machine-wide setting is left out', { ...problem });
  return state;
}

/** The Kontor server a desk forwards its calls to: the environment's, else the settings file's; none for a database URL. */
function kontorServerOf(options: OpenFromEnvironmentOptions): KontorServer | null {
  if (options.databaseUrl !== undefined || options.env.KONTOR_DATABASE_URL !== undefined) return null;
  const { env } = options;
  if (env.KONTOR_SERVER_URL !== undefined) {
    return {
      url: env.KONTOR_SERVER_URL,
      ...(env.KONTOR_SERVER_CA_FILE !== undefined && { ca: readFileSync(env.KONTOR_SERVER_CA_FILE, 'utf8') }),
      ...(env.KONTOR_SERVER_FINGERPRINT !== undefined && { fingerprint: env.KONTOR_SERVER_FINGERPRINT }),
    };
  }
  const machine = options.machine?.config;
  if (machine?.serverUrl !== undefined) {
    return {
      url: machine.serverUrl,
      ...(machine.serverCaFile !== undefined && { ca: readCaFile(machine.serverCaFile) }),
      ...(machine.serverFingerprint !== undefined && { fingerprint: machine.serverFingerprint }),
    };
  }
  mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
  const { database } = readSettingsFile(settingsFilePath(options.dataDir));
  return database.kind === 'server' ? database : null;
}

/**
 * The gate every long-running process (desktop app, web host) starts with: it opens the data
 * with the configured key store, and when that fails it waits for the master passphrase.
 */
export function createEnvironmentGate(
  options: OpenFromEnvironmentOptions & {
    logger?: Logger;
    updater?: Updater;
    /** The desktop's file log (the support bundle takes it), and out/licenses.json. */
    fileLogger?: FileLogger;
    licencesFile?: string;
    /** Makes the daily backup while the data is open (the desktop app). */
    backupSchedule?: boolean;
  },
): Gate {
  const machine = options.machine ?? NO_MACHINE_CONFIG;
  const { updater } = options;
  const dataDir = isAbsolute(options.dataDir) ? options.dataDir : resolve(options.dataDir);
  const support = createSupport({
    version: options.version,
    machine,
    settingsFile: settingsFilePath(dataDir),
    clock: options.clock ?? systemClock,
    logger: options.fileLogger ?? null,
    ...(updater && { updates: () => updater.state() }),
    ...(options.licencesFile !== undefined && { licencesFile: options.licencesFile }),
  });
  return withDeskServices(environmentGate(options), {
    machine,
    updater: updater ?? null,
    support,
    logger: options.fileLogger ?? options.logger ?? consoleLogger,
  });
}

/** The daily backup runs while a long-running desk has its data open, and stops when it closes. */
function withBackupSchedule(kontor: Kontor, on: boolean): Kontor {
  if (!on) return kontor;
  const stop = kontor.backups.startSchedule();
  return {
    ...kontor,
    async close() {
      stop();
      await kontor.close();
    },
  };
}

function environmentGate(options: OpenFromEnvironmentOptions & { logger?: Logger; backupSchedule?: boolean }): Gate {
  const scheduled = options.backupSchedule === true;
  const dataDir = isAbsolute(options.dataDir) ? options.dataDir : resolve(options.dataDir);
  const server = kontorServerOf(options);
  if (server) {
    return createRemoteGate({
      server,
      fromEnvironment: options.env.KONTOR_SERVER_URL !== undefined || options.machine?.config.serverUrl !== undefined,
      settingsFile: settingsFilePath(dataDir),
      logger: options.logger ?? consoleLogger,
    });
  }
  return createGate({
    logger: options.logger ?? consoleLogger,
    hasPassphraseFile: () => existsSync(passphraseKeyFile(dataDir)),
    async importKeys({ backup, passphrase, masterPassphrase, replace }) {
      const keyStore = await keyStoreFromEnvironment({
        dataDir,
        env:
          masterPassphrase === undefined ? options.env : { ...options.env, KONTOR_MASTER_PASSPHRASE: masterPassphrase },
        ...(masterPassphrase !== undefined && { keyStoreKind: 'passphrase' as const }),
      });
      await importKeyBackup(keyStore, backup, passphrase, { replace, keepReplacedIn: dataDir });
    },
    async open(passphrase) {
      if (passphrase === undefined) return withBackupSchedule(await openFromEnvironment(options), scheduled);
      const kontor = await openFromEnvironment({
        ...options,
        keyStoreKind: 'passphrase',
        env: { ...options.env, KONTOR_KEYSTORE: 'passphrase', KONTOR_MASTER_PASSPHRASE: passphrase },
      });
      // Remember the choice, so the next start asks for the passphrase instead of the keychain.
      const file = settingsFilePath(dataDir);
      writeSettingsFile(file, { ...readSettingsFile(file), keyStore: 'passphrase' });
      return withBackupSchedule(kontor, scheduled);
    },
  });
}

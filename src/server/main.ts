// `npm run server`: the Kontor server on the core the desks run, configured from the environment
// (checked with zod before anything starts). Data: the Postgres of KONTOR_SERVER_DATABASE_URL
// (schema per company, migrations under an advisory lock, so several instances may start at
// once), or, when none is given, an embedded PGlite data directory, so it starts on a fresh
// machine. Keys: a passphrase-protected key file, or the database under a master key (keys.ts).
// Without a certificate it binds to loopback only and expects a TLS-terminating proxy in front.
// SIGTERM or SIGINT finish the requests in flight, then close. With a command (`kontor-server
// status`, `users list`, …) it runs that admin command on the server's data instead (cli.ts).
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import pino from 'pino';
import { z } from 'zod';
import { defaultMigrationsDir } from '../core/config';
import { keyNames } from '../core/keys/keystore';
import { runServerCli } from './cli';
import { openServerCore } from './core';
import { createServerApp, DEFAULT_RATE_LIMITS } from './http';
import { systemMigrationsCurrent } from './readiness';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export const serverEnvSchema = z
  .object({
    KONTOR_SERVER_DATABASE_URL: z.string().min(1).optional(),
    KONTOR_SERVER_DATA_DIR: z.string().min(1).default('kontor-server-data'),
    KONTOR_SERVER_MASTER_KEY_FILE: z.string().min(1).optional(),
    KONTOR_SERVER_MASTER_PASSPHRASE: z
      .string()
      .min(12, { error: 'KONTOR_SERVER_MASTER_PASSPHRASE must have at least 12 characters' })
      .optional(),
    /** The passphrase in a file (a container's secret): its first line. */
    KONTOR_SERVER_MASTER_PASSPHRASE_FILE: z.string().min(1).optional(),
    /** Keys in the database, wrapped under this key (32 bytes, base64): what several instances share. */
    KONTOR_SERVER_MASTER_KEY: z.string().min(1).optional(),
    /** The master key in a file (a container's secret): its first line. */
    KONTOR_SERVER_MASTER_KEY_SECRET_FILE: z.string().min(1).optional(),
    KONTOR_SERVER_HOST: z.string().min(1).default('127.0.0.1'),
    KONTOR_SERVER_PORT: z.coerce.number().int().min(0).max(65_535).default(7420),
    KONTOR_SERVER_TLS_CERT_FILE: z.string().min(1).optional(),
    KONTOR_SERVER_TLS_KEY_FILE: z.string().min(1).optional(),
    KONTOR_SERVER_RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(0).default(DEFAULT_RATE_LIMITS.perAddress),
    KONTOR_SERVER_RATE_LIMIT_PER_USER: z.coerce.number().int().min(0).default(DEFAULT_RATE_LIMITS.perUser),
    /** Behind a reverse proxy: its address(es), comma-separated, or `true`; clients' addresses then come from X-Forwarded-For. */
    KONTOR_SERVER_TRUST_PROXY: z.string().min(1).optional(),
    KONTOR_SERVER_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
  })
  .refine(
    (env) =>
      env.KONTOR_SERVER_MASTER_PASSPHRASE === undefined || env.KONTOR_SERVER_MASTER_PASSPHRASE_FILE === undefined,
    { error: 'give KONTOR_SERVER_MASTER_PASSPHRASE or KONTOR_SERVER_MASTER_PASSPHRASE_FILE, not both' },
  )
  .refine(
    (env) => env.KONTOR_SERVER_MASTER_KEY === undefined || env.KONTOR_SERVER_MASTER_KEY_SECRET_FILE === undefined,
    { error: 'give KONTOR_SERVER_MASTER_KEY or KONTOR_SERVER_MASTER_KEY_SECRET_FILE, not both' },
  )
  .refine(
    (env) =>
      [
        env.KONTOR_SERVER_MASTER_PASSPHRASE,
        env.KONTOR_SERVER_MASTER_PASSPHRASE_FILE,
        env.KONTOR_SERVER_MASTER_KEY,
        env.KONTOR_SERVER_MASTER_KEY_SECRET_FILE,
      ].some((given) => given !== undefined),
    {
      error:
        'give the keys: KONTOR_SERVER_MASTER_PASSPHRASE (or _FILE) for a key file, or KONTOR_SERVER_MASTER_KEY (or _SECRET_FILE) for keys in the database',
    },
  )
  .refine((env) => (env.KONTOR_SERVER_TLS_CERT_FILE === undefined) === (env.KONTOR_SERVER_TLS_KEY_FILE === undefined), {
    error: 'give both KONTOR_SERVER_TLS_CERT_FILE and KONTOR_SERVER_TLS_KEY_FILE, or neither',
  })
  .refine((env) => env.KONTOR_SERVER_TLS_CERT_FILE !== undefined || LOOPBACK.has(env.KONTOR_SERVER_HOST), {
    error:
      'without a certificate the server listens on loopback only (127.0.0.1) and expects a TLS-terminating proxy in front: give KONTOR_SERVER_TLS_CERT_FILE and KONTOR_SERVER_TLS_KEY_FILE to listen elsewhere',
  });
export type ServerEnv = z.infer<typeof serverEnvSchema>;

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function startServer(env: ServerEnv, version = 'dev'): Promise<RunningServer> {
  const log = pino({ level: env.KONTOR_SERVER_LOG_LEVEL, redact: ['req.headers.authorization'] });
  const { kontor, connection, keyStore, files } = await openServerCore(env, version, {
    error: (message, fields) => log.error(fields ?? {}, message),
    warn: (message, fields) => log.warn(fields ?? {}, message),
  });
  const tls =
    env.KONTOR_SERVER_TLS_CERT_FILE && env.KONTOR_SERVER_TLS_KEY_FILE
      ? { cert: readFileSync(env.KONTOR_SERVER_TLS_CERT_FILE), key: readFileSync(env.KONTOR_SERVER_TLS_KEY_FILE) }
      : undefined;
  const app = createServerApp({
    router: kontor.router,
    ready: systemMigrationsCurrent(kontor.stores.system.sql, defaultMigrationsDir()),
    tokenKey: await keyStore.getOrCreateKey(keyNames.serverConnectionTokens),
    logger: log,
    gauges: () => ({ sessions: kontor.sessions.connections(), pool: connection.pool() }),
    files,
    userOf: async (client) => (await kontor.sessions.get(client, false))?.userId ?? null,
    rateLimits: {
      perAddress: env.KONTOR_SERVER_RATE_LIMIT_PER_ADDRESS,
      perUser: env.KONTOR_SERVER_RATE_LIMIT_PER_USER,
    },
    ...(env.KONTOR_SERVER_TRUST_PROXY && {
      trustProxy: env.KONTOR_SERVER_TRUST_PROXY === 'true' ? true : env.KONTOR_SERVER_TRUST_PROXY,
    }),
    tls,
  });
  const url = await app.listen({ host: env.KONTOR_SERVER_HOST, port: env.KONTOR_SERVER_PORT });
  log.info(
    { url, database: connection.description, tls: Boolean(tls) },
    tls ? 'Kontor server listening' : 'Kontor server listening on loopback; put a TLS-terminating proxy in front',
  );
  return {
    url,
    async close() {
      await app.close(); // waits for the requests in flight
      await kontor.close();
    },
  };
}

/** The process: the server, or the admin command the arguments name (bin/kontor-server.mjs calls it). */
export async function main(): Promise<void> {
  // `npm run server` names the version of the package it runs.
  const version = process.env['npm_package_version'] ?? 'dev';
  // With a command: an admin command on the server's data (cli.ts), not the server.
  if (process.argv.length > 2) {
    const io = {
      stdout: (text: string) => process.stdout.write(text),
      stderr: (text: string) => process.stderr.write(text),
    };
    process.exitCode = await runServerCli({ argv: process.argv.slice(2), env: process.env, io, version });
    return;
  }
  const parsed = serverEnvSchema.safeParse(process.env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) console.error(`kontor-server: ${issue.message}`);
    process.exit(2);
  }
  const server = await startServer(parsed.data, version);
  const stop = () => {
    void server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`kontor-server: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(`kontor-server: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}

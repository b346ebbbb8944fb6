// `kontor-server <command>`: the server's admin commands, on the database and keys the server's
// environment names (the same variables as `npm run server`). Its own: `status`, `migrate` and
// `backup`; every other command is one of the `kontor` CLI's (setup, users, keys, customers,
// audit, …), run on the server's data as a signed-in user (KONTOR_USER, KONTOR_PASSWORD).
// Output is JSON on stdout; exit codes as `kontor`'s: 0 done, 1 refused or failed, 2 usage.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { runCli, type CliIo } from '../cli/cli';
import { defaultMigrationsDir } from '../core/config';
import type { Logger } from '../core/router';
import { openServerCore, type ServerCore } from './core';
import { serverEnvSchema, type ServerEnv } from './main';
import { systemMigrationsCurrent } from './readiness';

const USAGE = `Usage: kontor-server [command]

Without a command the server starts. Commands (configured by the same KONTOR_SERVER_* variables):
  status               the database, whether its migrations are current, companies, users, sessions
  migrate              brings the system store and every company's store to this build's migrations
  backup --out FILE    pg_dump of every Kontor schema in pg_dump's custom format (Postgres only;
                       restore with pg_restore). Keep the key file and its passphrase, or the
                       master key, apart from it.
  setup, users …, keys …, customers …, audit …, gdpr …
                       the commands of \`kontor\` (see kontor --help), on the server's data
`;

/** Schemas Kontor makes on the server's database (the default prefix, as the server uses it). */
const SCHEMA_PATTERN = 'kontor_*';

async function status(core: ServerCore) {
  const db = core.kontor.stores.system.sql;
  const count = async (table: string) =>
    Number((await db.rows(sql`SELECT count(*) AS n FROM ${db.table(table)}`))[0]?.['n'] ?? 0);
  let migrations = 'current';
  try {
    await systemMigrationsCurrent(db, defaultMigrationsDir())();
  } catch (error) {
    migrations = (error as Error).message;
  }
  return {
    database: core.connection.description,
    migrations,
    companies: (await core.kontor.stores.system.tenants.list()).length,
    users: await count('users'),
    sessions: await count('server_sessions'),
    keys: core.keys,
  };
}

async function migrate(core: ServerCore) {
  // The system store migrated as it opened; each company's store migrates as it opens.
  const companies = await core.kontor.stores.system.tenants.list();
  for (const company of companies) await core.kontor.stores.tenant(company.id);
  return { system: 'current', companies: companies.length };
}

function pgDump(url: string, out: string): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(
      'pg_dump',
      ['--format=custom', '--no-owner', `--schema=${SCHEMA_PATTERN}`, `--file=${out}`, url],
      {
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    child.on('error', (error: NodeJS.ErrnoException) =>
      fail(
        new Error(
          error.code === 'ENOENT'
            ? 'pg_dump is not installed here: install the PostgreSQL client tools of the server’s version'
            : error.message,
        ),
      ),
    );
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`pg_dump failed: ${errors.trim()}`))));
  });
}

async function backup(env: ServerEnv, argv: readonly string[]) {
  const { values } = parseArgs({ args: [...argv], options: { out: { type: 'string' } }, strict: true });
  if (!values.out) throw new UsageError('backup needs --out FILE');
  const url = env.KONTOR_SERVER_DATABASE_URL;
  if (!url) {
    throw new Error(
      'the embedded database (no KONTOR_SERVER_DATABASE_URL) is backed up by copying the data directory while the server is stopped',
    );
  }
  const out = resolve(values.out);
  await pgDump(url, out);
  return { file: out, bytes: statSync(out).size, format: 'pg_dump custom (pg_restore)' };
}

class UsageError extends Error {}

export async function runServerCli(options: {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  io: CliIo;
  version: string;
  logger?: Logger;
}): Promise<number> {
  const { argv, io, version } = options;
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  const parsed = serverEnvSchema.safeParse(options.env);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) io.stderr(`kontor-server: ${issue.message}\n`);
    return 2;
  }
  const env = parsed.data;
  const logger = options.logger ?? {
    error: (message: string) => io.stderr(`kontor-server: ${message}\n`),
    warn: () => undefined,
  };
  const own: Record<string, (core: ServerCore) => Promise<unknown>> = { status, migrate };
  try {
    if (command === 'backup') {
      io.stdout(`${JSON.stringify(await backup(env, rest), null, 2)}\n`);
      return 0;
    }
    const run = own[command];
    if (run) {
      const core = await openServerCore(env, version, logger);
      try {
        io.stdout(`${JSON.stringify(await run(core), null, 2)}\n`);
      } finally {
        await core.close();
      }
      return 0;
    }
    return await runCli({
      argv,
      env: options.env,
      io,
      version,
      open: async () => (await openServerCore(env, version, logger)).kontor,
    });
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`kontor-server: ${(error as Error).message}\nRun 'kontor-server --help' for usage.\n`);
      return 2;
    }
    io.stderr(`kontor-server: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

// The admin CLI: the same router as the app, JSON on stdout, clear errors on stderr.
// Exit codes: 0 done, 1 the call was refused (validation, not_found, …), 2 the command line is wrong.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { keyStoreKinds, type ProcedureName } from '../shared/contract';
import { AppError, type AppErrorShape, validationError } from '../shared/errors';
import type { Kontor } from '../core/app';
import { defaultDataDir, openFromEnvironment, parseEnv } from '../core/config';
import type { CallMeta } from '../core/session';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const USAGE = `Usage: kontor [global options] <command> [options]

Commands:
  setup --tenant NAME                                  create the stores of a company (idempotent)
  customers create --tenant NAME --input JSON          create a customer, print it
  customers get    --tenant NAME --id ID               print one customer
  customers update --tenant NAME --id ID --input JSON  change fields of a customer, print it
  customers list   --tenant NAME [--search Q] [--limit N] [--offset N]
                   [--sort name|email|city|createdAt|updatedAt] [--direction asc|desc]
                                                       print customers as a JSON array

Global options:
  --data-dir DIR        data directory (env KONTOR_DATA_DIR, default ~/.kontor)
  --database-url URL    use a Postgres server instead of the local files (env KONTOR_DATABASE_URL)
  --keystore KIND       keychain or passphrase (env KONTOR_KEYSTORE); the passphrase comes
                        from KONTOR_MASTER_PASSPHRASE
  --help, --version
`;

class UsageError extends Error {}

const options = {
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  keystore: { type: 'string' },
  tenant: { type: 'string' },
  input: { type: 'string' },
  id: { type: 'string' },
  search: { type: 'string' },
  limit: { type: 'string' },
  offset: { type: 'string' },
  sort: { type: 'string' },
  direction: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

type Flags = { [K in keyof typeof options]?: (typeof options)[K]['type'] extends 'string' ? string : boolean };

interface Command {
  readonly procedure: ProcedureName;
  /** Flags the command needs or accepts besides the global ones. */
  readonly required: readonly (keyof Flags)[];
  readonly optional?: readonly (keyof Flags)[];
  input(flags: Flags): unknown;
  /** What is printed; the procedure's value by default. */
  print?(value: unknown): unknown;
}

function jsonFlag(flags: Flags): unknown {
  try {
    return JSON.parse(flags.input ?? '');
  } catch (error) {
    throw new UsageError(`--input is not valid JSON: ${(error as Error).message}`);
  }
}

function wholeNumber(flag: 'limit' | 'offset', flags: Flags): number | undefined {
  const raw = flags[flag];
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--${flag} must be a whole number, got '${raw}'`);
  return Number(raw);
}

const commands: Record<string, Command> = {
  setup: { procedure: 'tenants.setup', required: ['tenant'], input: (f) => ({ name: f.tenant }) },
  'customers create': { procedure: 'customers.create', required: ['tenant', 'input'], input: jsonFlag },
  'customers get': { procedure: 'customers.get', required: ['tenant', 'id'], input: (f) => ({ id: f.id }) },
  'customers update': {
    procedure: 'customers.update',
    required: ['tenant', 'id', 'input'],
    input: (f) => ({ id: f.id, changes: jsonFlag(f) }),
  },
  'customers list': {
    procedure: 'customers.list',
    required: ['tenant'],
    optional: ['search', 'limit', 'offset', 'sort', 'direction'],
    input: (f) => ({
      ...(f.search !== undefined && { search: f.search }),
      ...(f.sort !== undefined && { sort: f.sort }),
      ...(f.direction !== undefined && { direction: f.direction }),
      limit: wholeNumber('limit', f),
      offset: wholeNumber('offset', f),
    }),
    print: (value) => (value as { items: unknown[] }).items,
  },
};

const globalFlags: readonly (keyof Flags)[] = ['data-dir', 'database-url', 'keystore', 'help', 'version'];

function describeError(error: AppErrorShape): string {
  const lines = [`kontor: ${error.code}: ${error.message}`];
  for (const issue of error.details?.issues ?? []) {
    lines.push(`  ${issue.path || '(input)'}: ${issue.message} [${issue.rule}]`);
  }
  return `${lines.join('\n')}\n`;
}

export interface RunCliOptions {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly io: CliIo;
  readonly version: string;
  /** Tests pass an open Kontor; otherwise one is opened from flags and environment. */
  readonly open?: (flags: Flags) => Promise<Kontor>;
}

export async function runCli({ argv, env, io, version, open }: RunCliOptions): Promise<number> {
  let kontor: Kontor | undefined;
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const flags = parsed.values as Flags;
    if (flags.help) {
      io.stdout(USAGE);
      return 0;
    }
    if (flags.version) {
      io.stdout(`${version}\n`);
      return 0;
    }
    const name = parsed.positionals.join(' ');
    const command = commands[name];
    if (!command) {
      throw new UsageError(name ? `unknown command '${name}'` : 'no command given');
    }
    for (const flag of command.required) {
      if (flags[flag] === undefined) throw new UsageError(`${name} needs --${flag}`);
    }
    const allowed = new Set([...globalFlags, ...command.required, ...(command.optional ?? [])]);
    for (const flag of Object.keys(flags)) {
      if (!allowed.has(flag as keyof Flags)) throw new UsageError(`${name} does not take --${flag}`);
    }
    if (flags.keystore !== undefined && !z.enum(keyStoreKinds).safeParse(flags.keystore).success) {
      throw new UsageError(`--keystore must be keychain or passphrase, got '${flags.keystore}'`);
    }
    const input = command.input(flags);

    kontor = open
      ? await open(flags)
      : await openFromEnvironment({
          dataDir: flags['data-dir'] ?? parseEnv(env).KONTOR_DATA_DIR ?? defaultDataDir(),
          env: parseEnv(env),
          version,
          ...(flags['database-url'] !== undefined && { databaseUrl: checkUrl(flags['database-url']) }),
          ...(flags.keystore !== undefined && { keyStoreKind: flags.keystore as 'keychain' | 'passphrase' }),
        });
    const meta: CallMeta = command.procedure === 'tenants.setup' ? {} : { tenantName: flags.tenant ?? '' };
    const result = await kontor.router.call(command.procedure, input, { meta });
    if (!result.ok) {
      io.stderr(describeError(result.error));
      return 1;
    }
    io.stdout(`${JSON.stringify(command.print ? command.print(result.value) : result.value, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`kontor: ${error.message}\nRun 'kontor --help' for usage.\n`);
      return 2;
    }
    if (error instanceof AppError) {
      io.stderr(describeError(error.toShape()));
      return 1;
    }
    io.stderr(`kontor: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    await kontor?.close();
  }
}

function checkUrl(url: string): string {
  const parsed = z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')
    .safeParse(url);
  if (!parsed.success) throw validationError(parsed.error, '--database-url');
  return parsed.data;
}

// The admin CLI: the same router as the app, JSON on stdout, clear errors on stderr.
// It acts as a user (KONTOR_USER, KONTOR_PASSWORD, KONTOR_TOTP): a failed sign-in fails the
// command and counts towards the lockout, as in the app.
// Exit codes: 0 done, 1 the call was refused (validation, forbidden, locked, …), 2 the command line is wrong.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import {
  contract,
  gdprExportSchema,
  importResultSchema,
  saleImportResultSchema,
  fitResultSchema,
  analyticsRunSchema,
  customerScoreSchema,
  savedMappingSchema,
  savedViewSchema,
  defaultListColumns,
  type SavedView,
  keyStoreKinds,
  type AuthStatus,
  type ProcedureName,
  type Role,
} from '../shared/contract';
import { AppError, type AppErrorShape, validationError } from '../shared/errors';
import type { Kontor } from '../core/app';
import type { FileAccess } from '../core/files';
import { defaultDataDir, keyStoreFromEnvironment, openFromEnvironment, parseEnv } from '../core/config';
import { importKeyBackup } from '../core/keys/key-backup';
import { keyNames, type KeyStore } from '../core/keys/keystore';
import { restoreBackup, verifyBackup, type BackupProgress, type SealResolver } from '../core/backup/backup';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

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
  email: { type: 'string' },
  name: { type: 'string' },
  role: { type: 'string' },
  action: { type: 'string' },
  stream: { type: 'string' },
  customer: { type: 'string' },
  out: { type: 'string' },
  in: { type: 'string' },
  years: { type: 'string' },
  csv: { type: 'string' },
  mapping: { type: 'string' },
  format: { type: 'string' },
  language: { type: 'string' },
  mode: { type: 'string' },
  rejects: { type: 'string' },
  view: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'allow-duplicates': { type: 'boolean' },
  'create-customers': { type: 'boolean' },
  'calibration-end': { type: 'string' },
  'as-of': { type: 'string' },
  unit: { type: 'string' },
  horizon: { type: 'string' },
  margin: { type: 'string' },
  refresh: { type: 'boolean' },
  currency: { type: 'string' },
  'vat-rate': { type: 'string' },
  yes: { type: 'boolean' },
  replace: { type: 'boolean' },
  passphrase: { type: 'boolean' },
  'admin-email': { type: 'string' },
  'admin-name': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const satisfies ParseArgsConfig['options'];

type Flag = keyof typeof options;
type Flags = { [K in Flag]?: (typeof options)[K]['type'] extends 'string' ? string : boolean };

const CONNECTION = 'cli';

/** What a command can do: call the router as the signed-in user. */
interface Session {
  call(
    name: ProcedureName,
    input: unknown,
    onProgress?: (done: number, message: string | null) => void,
  ): Promise<unknown>;
  status(): Promise<AuthStatus>;
  /** Lets the command's procedures read or write a file named on the command line. */
  grant(path: string, access: FileAccess): string;
}

/** What every command says about itself: its flags and what it does (shown by --help). */
interface CommandSpec {
  readonly required: readonly Flag[];
  readonly optional?: readonly Flag[];
  /** The procedure the command calls: its summary in the contract is the command's description. */
  readonly procedure?: ProcedureName;
  /** For a command that is more than one procedure call. */
  readonly summary?: string;
  /** Anything else a user must know: environment variables it reads, what it writes. */
  readonly note?: string;
  /** A positional argument after the command's name (`kontor customers import FILE`). */
  readonly argument?: { readonly value: string; readonly meaning: string };
}

interface Command extends CommandSpec {
  /** Signs in before running, and switches to --tenant when given. Default true. */
  readonly signIn?: boolean;
  run(flags: Flags, session: Session, env: NodeJS.ProcessEnv, io: CliIo, argument: string): Promise<unknown>;
}

/** Commands that work on the key store alone, before any data can be opened. */
interface KeyStoreCommand extends CommandSpec {
  run(flags: Flags, keyStore: KeyStore, env: NodeJS.ProcessEnv, dataDir: string, local: LocalTools): Promise<unknown>;
}

/** What a command without sign-in may also use: the terminal, and Kontor opened on the data directory. */
interface LocalTools {
  readonly io: CliIo;
  readonly signal: AbortSignal;
  open(): Promise<Kontor>;
}

/** A backup's seal: the installation key of this key store, or KONTOR_BACKUP_PASSPHRASE. */
const backupSeal =
  (keyStore: KeyStore, env: NodeJS.ProcessEnv): SealResolver =>
  async (seal) => {
    if (seal.kind === 'passphrase') {
      return { kind: 'passphrase', passphrase: requiredEnv(env, 'KONTOR_BACKUP_PASSPHRASE', 'to open this backup') };
    }
    const key = await keyStore.getKey(keyNames.backupSeal);
    if (!key) {
      throw new AppError(
        'locked',
        "this backup is sealed with its installation's key, which this key store does not hold: import the installation's key backup first (kontor keys import)",
        { reason: 'backup_other_installation' },
      );
    }
    return { kind: 'installation', key };
  };

/** Progress of a long local command on stderr, on one line. */
const stepsOn = (io: CliIo, signal: AbortSignal): BackupProgress => ({
  signal,
  onProgress: (done, total, step) =>
    io.stderr(`\r${step}: ${total > 0 ? Math.floor((done / total) * 100) : 100} %          `),
});

function confirmed(flags: Flags, what: string): void {
  if (!flags.yes) throw new UsageError(`${what} cannot be undone: add --yes to go ahead`);
}

/** Writes beside the target and renames, so a crash never leaves half a file under its name. */
function writeFileAtomically(file: string, data: Buffer | string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, data, { mode: 0o600 });
  renameSync(tmp, file);
}

/** `analytics refresh` and `analytics customers --refresh`: the refresh, its stages on stderr. */
async function refreshAnalytics(f: Flags, s: Session, io: CliIo) {
  const horizon = f.horizon === undefined ? undefined : Number(f.horizon);
  if (horizon !== undefined && !Number.isInteger(horizon)) {
    throw new UsageError(`--horizon must be a whole number of months, got '${f.horizon}'`);
  }
  const margin = f.margin === undefined ? undefined : percentFlag(f.margin, '--margin') / 10_000;
  return s.call(
    'analytics.refresh',
    {
      ...(f['as-of'] !== undefined && { asOf: f['as-of'] }),
      ...(f.unit !== undefined && { unit: f.unit }),
      ...(f.currency !== undefined && { currency: f.currency }),
      ...(horizon !== undefined && { horizonMonths: horizon }),
      ...(margin !== undefined && { margin }),
    },
    (_done, stage) => io.stderr(`\ranalysing: ${stage ?? ''}          `),
  );
}

/** A percentage typed as `19` or `7.5`, in basis points. */
function percentFlag(raw: string, flag: string): number {
  if (!/^\d{1,3}(\.\d{1,2})?$/.test(raw.trim()))
    throw new UsageError(`${flag} must be a percentage like 19 or 7.5, got '${raw}'`);
  return Math.round(Number(raw) * 100);
}

function yearsFlag(flags: Flags): number | null {
  const raw = flags.years ?? '';
  if (raw === 'none') return null;
  if (!/^\d+$/.test(raw)) throw new UsageError(`--years must be a whole number or 'none', got '${raw}'`);
  return Number(raw);
}

const keyStoreCommands: Record<string, KeyStoreCommand> = {
  'keys import': {
    required: ['in'],
    optional: ['replace'],
    summary:
      "Put a key backup's keys into this machine's key store (no sign-in; before the first start on a new machine)",
    note: 'The passphrase comes from KONTOR_BACKUP_PASSPHRASE. --replace overwrites keys a start without the backup made; they are kept first in kontor-keys-replaced-TIME.json, sealed with the same passphrase.',
    async run(flags, keyStore, env, dataDir) {
      let text: string;
      try {
        text = readFileSync(flags.in ?? '', 'utf8');
      } catch (error) {
        throw new AppError('not_found', `cannot read ${flags.in}: ${(error as Error).message}`);
      }
      const passphrase = requiredEnv(env, 'KONTOR_BACKUP_PASSPHRASE', 'to open the key backup');
      return importKeyBackup(keyStore, text, passphrase, { replace: flags.replace === true, keepReplacedIn: dataDir });
    },
  },
  'backup verify': {
    required: ['in'],
    summary: 'Open a backup file and check it whole (checksums, integrity, row counts) without restoring it',
    note: "No sign-in. A backup sealed with a passphrase opens with KONTOR_BACKUP_PASSPHRASE; one sealed with the installation key needs that installation's key store (or its key backup imported).",
    async run(flags, keyStore, env, dataDir, local) {
      const file = resolve(flags.in ?? '');
      const report = await verifyBackup(file, backupSeal(keyStore, env), dataDir, stepsOn(local.io, local.signal));
      local.io.stderr('\n');
      if (!report.ok)
        throw new AppError('validation', `the backup is damaged: ${report.problems.join('; ')}`, {
          reason: 'backup_damaged',
        });
      return report;
    },
  },
  'backup restore': {
    required: ['in'],
    summary: 'Restore a backup file into a new, empty data directory (--data-dir), with the app closed',
    note: 'No sign-in. On a new machine import the key backup first (kontor keys import), or use a backup sealed with a passphrase (KONTOR_BACKUP_PASSPHRASE). Every erasure made since the backup (the erasure log beside the backups and in the data directory) is made again.',
    async run(flags, keyStore, env, dataDir, local) {
      const file = resolve(flags.in ?? '');
      const restored = await restoreBackup(
        file,
        backupSeal(keyStore, env),
        { dataDir, keyStore },
        stepsOn(local.io, local.signal),
      );
      local.io.stderr('\n');
      const kontor = await local.open();
      try {
        const erasures = await kontor.reapplyErasures(restored.erasures);
        await kontor.audit.append({
          action: 'backup.restored',
          details: { backup: basename(file), createdAt: restored.summary.createdAt, erasures },
        });
        return { ...restored.summary, erasuresReapplied: erasures };
      } finally {
        await kontor.close();
      }
    },
  },
};

/** --mapping: a JSON file of column header → field, or the name of a mapping saved in the company. */
async function mappingFrom(nameOrPath: string, session: Session): Promise<unknown> {
  if (existsSync(resolve(nameOrPath))) return mappingFile(nameOrPath);
  const saved = z
    .array(savedMappingSchema)
    .parse(await session.call('customers.importMappings', {}))
    .find((m) => m.name.toLocaleLowerCase() === nameOrPath.trim().toLocaleLowerCase());
  if (!saved) throw new UsageError(`--mapping: no file ${nameOrPath} and no saved mapping of that name`);
  return saved.mapping;
}

/** One of the signed-in user's saved views of the customer list, by name (any case). */
async function savedView(session: Session, name: string): Promise<SavedView> {
  const views = z.array(savedViewSchema).parse(await session.call('customers.views', {}));
  const view = views.find((v) => v.name.toLocaleLowerCase() === name.trim().toLocaleLowerCase());
  if (!view) {
    const known = views.map((v) => v.name).join(', ');
    throw new UsageError(`--view: you have no saved view named ${name}${known ? ` (yours: ${known})` : ''}`);
  }
  return view;
}

function mappingFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(resolve(path), 'utf8');
  } catch (error) {
    throw new UsageError(`--mapping: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new UsageError(`--mapping: ${path} is not JSON (expected an object of column header to field)`);
  }
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

function requiredEnv(env: NodeJS.ProcessEnv, name: string, why: string): string {
  const value = env[name];
  if (value === undefined || value === '') {
    throw new AppError('validation', `${name} is required ${why}`, {
      issues: [{ path: name, rule: 'required', message: 'required' }],
    });
  }
  return value;
}

const commands: Record<string, Command> = {
  setup: {
    required: ['tenant'],
    optional: ['admin-email', 'admin-name'],
    summary: 'First run: create the company and its administrator; later: create another company (again: no change)',
    note: "The first administrator's password comes from KONTOR_PASSWORD.",
    signIn: false,
    async run(flags, session, env) {
      const status = await session.status();
      if (status.state === 'setup_required') {
        const email = flags['admin-email'];
        if (email === undefined) throw new UsageError('the first setup needs --admin-email (and KONTOR_PASSWORD)');
        const password = requiredEnv(env, 'KONTOR_PASSWORD', "for the first administrator's password");
        await session.call('auth.setup', {
          company: flags.tenant,
          name: flags['admin-name'] ?? email.split('@')[0],
          email,
          password,
        });
        const tenants = (await session.call('tenants.list', {})) as { name: string }[];
        return tenants.find((t) => t.name === flags.tenant?.trim());
      }
      await signIn(session, env);
      // Setting up a company that exists already is a no-op here, so scripts can run it again.
      const existing = ((await session.call('tenants.list', {})) as { name: string }[]).find(
        (t) => t.name === flags.tenant?.trim(),
      );
      return existing ?? session.call('tenants.setup', { name: flags.tenant });
    },
  },
  'customers create': {
    required: ['tenant', 'input'],
    procedure: 'customers.create',
    run: (f, s) => s.call('customers.create', jsonFlag(f)),
  },
  'customers get': {
    required: ['tenant', 'id'],
    procedure: 'customers.get',
    run: (f, s) => s.call('customers.get', { id: f.id }),
  },
  'customers delete': {
    required: ['tenant', 'id'],
    procedure: 'customers.delete',
    note: 'Only a customer nobody but its creator worked on; any other is archived instead (status archived).',
    run: (f, s) => s.call('customers.delete', { id: f.id }),
  },
  'customers update': {
    required: ['tenant', 'id', 'input'],
    procedure: 'customers.update',
    run: (f, s) => s.call('customers.update', { id: f.id, changes: jsonFlag(f) }),
  },
  'customers import': {
    required: ['tenant'],
    optional: ['mapping', 'mode', 'dry-run', 'allow-duplicates', 'rejects'],
    argument: { value: 'FILE', meaning: 'the CSV or XLSX file to import' },
    procedure: 'customers.import',
    note: 'Without --mapping, columns whose header names a field (Name, E-Mail, Ort, IBAN, …) map by themselves. Prints { imported, rejected: [{ row, column, reason }] }; Ctrl+C cancels.',
    async run(f, s, _env, io, file) {
      const mapping = f.mapping === undefined ? undefined : await mappingFrom(f.mapping, s);
      const result = importResultSchema.parse(
        await s.call(
          'customers.import',
          {
            fileId: s.grant(file, 'read'),
            ...(mapping !== undefined && { mapping }),
            ...(f.mode !== undefined && { mode: f.mode }),
            dryRun: f['dry-run'] ?? false,
            allowDuplicates: f['allow-duplicates'] ?? false,
            ...(f.rejects !== undefined && { rejectsFileId: s.grant(f.rejects, 'write') }),
          },
          (done) => io.stderr(`\rimporting: ${done.toLocaleString('en')} rows read`),
        ),
      );
      return {
        imported: result.imported,
        rejected: result.rejected,
        rows: result.rows,
        dryRun: result.dryRun,
        ...(result.rejectedFile !== null && { rejectedFile: result.rejectedFile }),
      };
    },
  },
  'analytics fit': {
    required: ['tenant'],
    optional: ['calibration-end', 'unit', 'currency'],
    procedure: 'analytics.fit',
    note: 'Fits on the purchases up to --calibration-end (default today), in weeks or days (--unit, default week). Prints { bgnbd: { r, alpha, a, b, logLikelihood }, gammaGamma: { p, q, v } (null when spend cannot be modelled), customers, repeatCustomers } and beside them the standard errors and timings. Stores nothing.',
    async run(f, s, _env, io) {
      const fit = fitResultSchema.parse(
        await s.call(
          'analytics.fit',
          {
            ...(f['calibration-end'] !== undefined && { calibrationEnd: f['calibration-end'] }),
            ...(f.unit !== undefined && { unit: f.unit }),
            ...(f.currency !== undefined && { currency: f.currency }),
          },
          (_done, stage) => io.stderr(`\rfitting: ${stage ?? ''}          `),
        ),
      );
      const { standardErrors: bgnbdErrors, ...bgnbd } = fit.bgnbd;
      const gammaGamma = fit.gammaGamma && { p: fit.gammaGamma.p, q: fit.gammaGamma.q, v: fit.gammaGamma.v };
      return {
        bgnbd,
        gammaGamma,
        customers: fit.customers,
        repeatCustomers: fit.repeatCustomers,
        transactions: fit.transactions,
        calibrationEnd: fit.calibrationEnd,
        unit: fit.unit,
        currency: fit.currency,
        standardErrors: { bgnbd: bgnbdErrors, gammaGamma: fit.gammaGamma?.standardErrors ?? null },
        gammaGammaCheck: fit.gammaGamma && {
          logLikelihood: fit.gammaGamma.logLikelihood,
          spendCorrelation: fit.gammaGamma.spendCorrelation,
        },
        timings: fit.timings,
      };
    },
  },
  'analytics refresh': {
    required: ['tenant'],
    optional: ['as-of', 'unit', 'currency', 'horizon', 'margin'],
    procedure: 'analytics.refresh',
    note: 'Scores every customer as of --as-of (default today) and stores the result for the analytics screen and `analytics customers`. --horizon is in months (default 12), --margin in percent of revenue (default 100). Ctrl+C cancels, changing nothing.',
    run: (f, s, _env, io) => refreshAnalytics(f, s, io),
  },
  'analytics customers': {
    required: ['tenant'],
    optional: ['limit', 'sort', 'refresh', 'as-of', 'unit', 'currency', 'horizon', 'margin'],
    procedure: 'analytics.customers',
    note: 'Per customer of the last analysis: P(alive), expected purchases and spend, CLV and RFM segment; --sort clv (default) or churn (likeliest to leave first). Refreshes first when there is no analysis yet or --refresh is given (then --as-of, --unit, … as for `analytics refresh`).',
    async run(f, s, _env, io) {
      if (f.refresh || (await s.call('analytics.status', {})) === null) await refreshAnalytics(f, s, io);
      const limit = f.limit === undefined ? undefined : Number(f.limit);
      if (limit !== undefined && !Number.isInteger(limit))
        throw new UsageError(`--limit must be a whole number, got '${f.limit}'`);
      const { run, items } = z.object({ run: analyticsRunSchema, items: z.array(customerScoreSchema) }).parse(
        await s.call('analytics.customers', {
          ...(f.sort !== undefined && { sort: f.sort }),
          ...(limit !== undefined && { limit }),
        }),
      );
      return {
        asOf: run.asOf,
        computedAt: run.computedAt,
        currency: run.currency,
        customers: items.map((c) => ({
          number: c.number,
          name: c.name,
          pAlive: c.pAlive,
          expectedPurchases: c.expectedPurchases,
          expectedSpend: c.expectedSpend,
          clv: c.clv,
          segment: c.segment,
          purchases: c.x + 1,
          daysSinceLast: c.daysSinceLast,
        })),
      };
    },
  },
  'sales import': {
    required: ['tenant'],
    optional: ['format', 'mapping', 'create-customers', 'currency', 'vat-rate', 'mode', 'dry-run'],
    argument: { value: 'FILE', meaning: 'the CSV, XLSX or CDNOW file of transactions' },
    procedure: 'sales.import',
    note: 'Each row is one transaction: customer (by customer number), date, amount (net), optionally quantity, document number, description and customer name; it becomes a paid invoice (a credit note when negative). --format cdnow reads the CDNOW transaction format (amounts in USD unless --currency says otherwise). Without --mapping (a JSON file { "column": "customer" | "date" | "amount" | … }), columns named Kunde/Customer, Datum/Date, Betrag/Amount, … map by themselves. --create-customers makes a customer for each reference no customer number matches, with the reference as its number. --vat-rate is in percent (19). Prints { imported, customersCreated, rejected: [{ row, column, reason }] }; Ctrl+C cancels.',
    async run(f, s, _env, io, file) {
      const vatRate = f['vat-rate'] === undefined ? undefined : percentFlag(f['vat-rate'], '--vat-rate');
      const result = saleImportResultSchema.parse(
        await s.call(
          'sales.import',
          {
            fileId: s.grant(file, 'read'),
            ...(f.format !== undefined && { format: f.format }),
            ...(f.mapping !== undefined && { mapping: mappingFile(f.mapping) }),
            ...(f.currency !== undefined && { currency: f.currency }),
            ...(vatRate !== undefined && { vatRate }),
            ...(f.mode !== undefined && { mode: f.mode }),
            createCustomers: f['create-customers'] ?? false,
            dryRun: f['dry-run'] ?? false,
          },
          (done) => io.stderr(`\rimporting: ${done.toLocaleString('en')} rows read`),
        ),
      );
      return result;
    },
  },
  'customers export': {
    required: ['tenant', 'format', 'out'],
    optional: ['language', 'view', 'search', 'sort', 'direction'],
    procedure: 'customers.export',
    note: 'Writes the customers the search finds (all customers without one), in the given order, every column. With --view, one of your saved views of the list: its search, filters, order and columns (--search, --sort and --direction then override its own). German (--language de) writes headers in German, `;` between cells and decimal commas.',
    async run(f, s, _env, io) {
      const view = f.view === undefined ? undefined : await savedView(s, f.view);
      return s.call(
        'customers.export',
        {
          fileId: s.grant(f.out ?? '', 'write'),
          format: f.format,
          ...(f.language !== undefined && { language: f.language }),
          query: {
            ...view?.query,
            ...(f.search !== undefined && { search: f.search }),
            ...(f.sort !== undefined && { sort: f.sort }),
            ...(f.direction !== undefined && { direction: f.direction }),
          },
          ...(view && { columns: view.columns }),
        },
        (done) => io.stderr(`\rexporting: ${done.toLocaleString('en')} customers`),
      );
    },
  },
  'customers views': {
    required: ['tenant'],
    procedure: 'customers.views',
    run: (_f, s) => s.call('customers.views', {}),
  },
  'customers save-view': {
    required: ['tenant', 'view'],
    optional: ['search', 'sort', 'direction'],
    procedure: 'customers.saveView',
    note: 'Saves the search and order under the name, with the list’s usual columns (the list screen saves filters and columns too). A view of the same name is replaced.',
    run: (f, s) =>
      s.call('customers.saveView', {
        name: f.view,
        query: {
          ...(f.search !== undefined && { search: f.search }),
          ...(f.sort !== undefined && { sort: f.sort }),
          ...(f.direction !== undefined && { direction: f.direction }),
        },
        columns: [...defaultListColumns],
      }),
  },
  'customers list': {
    required: ['tenant'],
    optional: ['search', 'limit', 'offset', 'sort', 'direction'],
    procedure: 'customers.list',
    async run(f, s) {
      const page = (await s.call('customers.list', {
        ...(f.search !== undefined && { search: f.search }),
        ...(f.sort !== undefined && { sort: f.sort }),
        ...(f.direction !== undefined && { direction: f.direction }),
        limit: wholeNumber('limit', f),
        position: wholeNumber('offset', f),
      })) as { items: unknown[] };
      return page.items;
    },
  },
  'users create': {
    required: ['tenant', 'email', 'name', 'role'],
    procedure: 'users.create',
    note: 'The initial password comes from KONTOR_NEW_PASSWORD; the user changes it at the first sign-in.',
    async run(f, s, env) {
      const roles = (await s.call('roles.list', {})) as Role[];
      const wanted = (f.role ?? '').toLowerCase();
      const role = roles.find((r) => r.id === f.role || r.name.toLowerCase() === wanted);
      if (!role) throw new UsageError(`no role '${f.role}'; roles here: ${roles.map((r) => r.name).join(', ')}`);
      const password = requiredEnv(env, 'KONTOR_NEW_PASSWORD', "for the new user's initial password");
      return s.call('users.create', { email: f.email, name: f.name, roleId: role.id, password });
    },
  },
  'users list': { required: ['tenant'], procedure: 'users.list', run: (_f, s) => s.call('users.list', {}) },
  'users reset-2fa': {
    required: ['tenant', 'id'],
    procedure: 'users.resetTwoFactor',
    run: (f, s) => s.call('users.resetTwoFactor', { id: f.id }),
  },
  'installation-admin grant': {
    required: ['tenant', 'id'],
    summary: 'Make a user of the company an installation administrator',
    run: (f, s) => s.call('users.setInstallationAdmin', { id: f.id, installationAdmin: true }),
  },
  'installation-admin revoke': {
    required: ['tenant', 'id'],
    summary: "Take a user's installation administration away (never the last one's)",
    run: (f, s) => s.call('users.setInstallationAdmin', { id: f.id, installationAdmin: false }),
  },
  'account password': {
    required: [],
    procedure: 'auth.changePassword',
    note: 'The current password is KONTOR_PASSWORD, the new one KONTOR_NEW_PASSWORD.',
    async run(_f, s, env) {
      const next = requiredEnv(env, 'KONTOR_NEW_PASSWORD', 'as the new password');
      await s.call('auth.changePassword', { current: env['KONTOR_PASSWORD'] ?? '', next });
      return { changed: true };
    },
  },
  'audit verify': { required: [], procedure: 'audit.verify', run: (_f, s) => s.call('audit.verify', {}) },
  'events list': {
    required: ['tenant'],
    optional: ['stream', 'limit'],
    procedure: 'events.list',
    run: (f, s) =>
      s.call('events.list', { ...(f.stream !== undefined && { stream: f.stream }), limit: wholeNumber('limit', f) }),
  },
  'events replay': {
    required: ['tenant'],
    procedure: 'events.replay',
    note: 'Ctrl+C cancels, changing nothing.',
    async run(_f, s, _env, io) {
      return s.call('events.replay', {}, (done) => io.stderr(`\rreplaying: ${done} events`));
    },
  },
  'audit list': {
    required: [],
    optional: ['tenant', 'action', 'limit'],
    procedure: 'audit.list',
    run: (f, s) =>
      s.call('audit.list', { ...(f.action !== undefined && { action: f.action }), limit: wholeNumber('limit', f) }),
  },
  'gdpr export': {
    required: ['tenant', 'customer', 'out'],
    optional: ['csv'],
    procedure: 'gdpr.export',
    note: 'Writes a ZIP file (JSON and CSV) to --out.',
    async run(f, s, _env, io) {
      const exported = gdprExportSchema.parse(
        await s.call('gdpr.export', { customerId: f.customer, csv: f.csv ?? 'comma' }, (done) =>
          io.stderr(`\rexporting: step ${done} of 4`),
        ),
      );
      const file = resolve(f.out ?? '');
      writeFileAtomically(file, Buffer.from(exported.base64, 'base64'));
      return { file, bytes: exported.bytes, counts: exported.counts };
    },
  },
  'gdpr erase': {
    required: ['tenant', 'customer'],
    optional: ['yes'],
    procedure: 'gdpr.erase',
    note: 'Cannot be undone: needs --yes.',
    async run(f, s) {
      confirmed(f, 'erasing personal data');
      return s.call('gdpr.erase', { customerId: f.customer });
    },
  },
  'retention show': {
    required: ['tenant'],
    summary: 'The retention rule and the customers it would erase now (changes nothing)',
    run: (_f, s) => s.call('retention.run', { apply: false }),
  },
  'retention set': {
    required: ['tenant', 'years'],
    procedure: 'retention.set',
    run: (f, s) => s.call('retention.set', { inactiveYears: yearsFlag(f) }),
  },
  'retention apply': {
    required: ['tenant'],
    optional: ['yes'],
    summary: 'Erase the customers `retention show` lists',
    note: 'Cannot be undone: needs --yes.',
    async run(f, s, _env, io) {
      confirmed(f, 'erasing personal data');
      return s.call('retention.run', { apply: true }, (done) => io.stderr(`\rerased: ${done}`));
    },
  },
  'keys status': { required: ['tenant'], procedure: 'keys.status', run: (_f, s) => s.call('keys.status', {}) },
  'keys rotate': {
    required: ['tenant'],
    procedure: 'keys.rotate',
    run: (_f, s, _env, io) => s.call('keys.rotate', {}, (done) => io.stderr(`\rre-wrapped: ${done} keys`)),
  },
  'backup create': {
    required: [],
    optional: ['passphrase'],
    procedure: 'backups.create',
    note: 'Into the backup folder (backup list shows it). Sealed with the installation key, or with --passphrase with KONTOR_BACKUP_PASSPHRASE (then it opens anywhere with that alone).',
    run: (f, s, env, io) =>
      s.call(
        'backups.create',
        f.passphrase ? { passphrase: requiredEnv(env, 'KONTOR_BACKUP_PASSPHRASE', 'to seal the backup') } : {},
        (done) => io.stderr(`\rbacking up: ${done}`),
      ),
  },
  'backup list': { required: [], procedure: 'backups.list', run: (_f, s) => s.call('backups.list', {}) },
  'backup prune': { required: [], procedure: 'backups.prune', run: (_f, s) => s.call('backups.prune', {}) },
  'keys export': {
    required: ['out'],
    procedure: 'keys.exportBackup',
    note: 'Sealed with KONTOR_BACKUP_PASSPHRASE; asks for your password again (KONTOR_PASSWORD).',
    async run(f, s, env) {
      const passphrase = requiredEnv(env, 'KONTOR_BACKUP_PASSPHRASE', 'to seal the key backup');
      const backup = (await s.call('keys.exportBackup', { password: env['KONTOR_PASSWORD'] ?? '', passphrase })) as {
        content: string;
        names: string[];
      };
      const file = resolve(f.out ?? '');
      writeFileAtomically(file, backup.content);
      return { file, names: backup.names };
    },
  },
};

const globalFlags: readonly Flag[] = ['data-dir', 'database-url', 'keystore', 'help', 'version'];

function describeError(error: AppErrorShape): string {
  const lines = [`kontor: ${error.code}: ${error.message}`];
  for (const issue of error.details?.issues ?? []) {
    lines.push(`  ${issue.path || '(input)'}: ${issue.message} [${issue.rule}]`);
  }
  if (error.details?.['reason'] === 'password_change_required') {
    lines.push('  run `kontor account password` with KONTOR_PASSWORD and KONTOR_NEW_PASSWORD');
  }
  return `${lines.join('\n')}\n`;
}

async function signIn(session: Session, env: NodeJS.ProcessEnv): Promise<void> {
  const email = env['KONTOR_USER'];
  const password = env['KONTOR_PASSWORD'];
  if (!email || !password) {
    throw new AppError(
      'unauthenticated',
      'not signed in: set KONTOR_USER and KONTOR_PASSWORD (and KONTOR_TOTP when you use two-factor authentication)',
    );
  }
  const code = env['KONTOR_TOTP'];
  const result = (await session.call('auth.login', { email, password, ...(code ? { code } : {}) })) as {
    state: string;
  };
  if (result.state === 'second_factor_required') {
    throw new AppError(
      'unauthenticated',
      'two-factor authentication is on for this user: set KONTOR_TOTP to a current code',
    );
  }
}

async function switchTo(session: Session, tenantName: string): Promise<void> {
  const status = await session.status();
  if (status.state !== 'signed_in') throw new AppError('unauthenticated', 'not signed in');
  const membership = status.memberships.find((m) => m.tenantName === tenantName);
  if (!membership) {
    throw new AppError(
      'not_found',
      `no company named '${tenantName}' among yours (${status.memberships.map((m) => m.tenantName).join(', ') || 'none'})`,
    );
  }
  if (status.tenant?.id !== membership.tenantId)
    await session.call('auth.switchTenant', { tenantId: membership.tenantId });
}

export interface RunCliOptions {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly io: CliIo;
  readonly version: string;
  /**
   * Opens the data another way than the desk's environment does (`kontor-server` runs these
   * commands on the server's database and keys); the key store's own commands are then not offered.
   */
  readonly open?: () => Promise<Kontor>;
}

export async function runCli({ argv, env, io, version, open }: RunCliOptions): Promise<number> {
  let kontor: Kontor | undefined;
  // Ctrl+C cancels long work (a replay rolls back and changes nothing).
  const interrupted = new AbortController();
  const onInterrupt = () => interrupted.abort();
  process.once('SIGINT', onInterrupt);
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: [...argv], options, allowPositionals: true, strict: true });
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const flags = parsed.values;
    if (flags.help) {
      const named = parsed.positionals.join(' ');
      const spec = commands[named] ?? keyStoreCommands[named];
      io.stdout(spec ? commandHelp(named, spec) : usage());
      return 0;
    }
    if (flags.version) {
      io.stdout(`${version}\n`);
      return 0;
    }
    let name = parsed.positionals.join(' ');
    let argument = '';
    const withArgument = commands[parsed.positionals.slice(0, -1).join(' ')];
    if (!commands[name] && withArgument?.argument) {
      name = parsed.positionals.slice(0, -1).join(' ');
      argument = parsed.positionals.at(-1) ?? '';
    }
    const local = open ? undefined : keyStoreCommands[name];
    if (local) {
      checkFlags(name, local, flags);
      const localOptions = environmentOptions(flags, env);
      const keyStore = await keyStoreFromEnvironment(localOptions);
      const tools: LocalTools = {
        io,
        signal: interrupted.signal,
        open: () => openFromEnvironment({ ...localOptions, version }),
      };
      io.stdout(`${JSON.stringify(await local.run(flags, keyStore, env, localOptions.dataDir, tools), null, 2)}\n`);
      return 0;
    }
    const command = commands[name];
    if (!command) throw new UsageError(name ? `unknown command '${name}'` : 'no command given');
    checkFlags(name, command, flags);
    if (command.argument && !argument) throw new UsageError(`${name} needs ${command.argument.value}`);
    // Flags that need no database are checked before anything opens.
    if (flags.input !== undefined) jsonFlag(flags);
    wholeNumber('limit', flags);
    wholeNumber('offset', flags);

    kontor = open
      ? await open()
      : await openFromEnvironment({
          ...environmentOptions(flags, env),
          version,
          ...(flags['database-url'] !== undefined && { databaseUrl: checkUrl(flags['database-url']) }),
        });
    const { router, files } = kontor;
    const session: Session = {
      async call(procedure, input, onProgress) {
        let progressShown = false;
        const result = await router.call(procedure, input, {
          meta: { connection: CONNECTION },
          signal: interrupted.signal,
          ...(onProgress && {
            onProgress: (p) => {
              progressShown = true;
              onProgress(p.done, p.message ?? null);
            },
          }),
        });
        // Progress lines end in \r; the next output starts on a line of its own.
        if (progressShown) io.stderr('\n');
        if (!result.ok) throw AppError.fromShape(result.error);
        return result.value;
      },
      status: async () => (await session.call('auth.status', {})) as AuthStatus,
      grant: (path, access) => files.grant(CONNECTION, resolve(path), access),
    };
    if (command.signIn ?? true) {
      await signIn(session, env);
      if (flags.tenant !== undefined) await switchTo(session, flags.tenant);
    }
    const value = await command.run(flags, session, env, io, argument);
    // Mail the command queued (a new user's confirmation code) goes out now; what fails stays
    // in the outbox for the desktop app or the next command to retry.
    await kontor.mail.processDue();
    io.stdout(`${JSON.stringify(value, null, 2)}\n`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`kontor: ${error.message}\nRun 'kontor --help' for usage.\n`);
      return 2;
    }
    if (error instanceof AppError) {
      io.stderr(describeError(error.toShape()));
      // The CLI runs at the admin's own terminal: the detail the app keeps for its log helps here.
      if (error.internal) io.stderr(`  (${error.internal})\n`);
      return 1;
    }
    io.stderr(`kontor: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', onInterrupt);
    // The command's session ends with it (on the server it would otherwise stay in the database).
    await kontor?.sessions.close(CONNECTION).catch(() => undefined);
    await kontor?.close();
  }
}

/** Required flags present, no flag the command does not take, and a known key store kind. */
function checkFlags(name: string, spec: { required: readonly Flag[]; optional?: readonly Flag[] }, flags: Flags): void {
  for (const flag of spec.required) {
    if (flags[flag] === undefined) throw new UsageError(`${name} needs --${flag}`);
  }
  const allowed = new Set([...globalFlags, ...spec.required, ...(spec.optional ?? [])]);
  for (const flag of Object.keys(flags)) {
    if (!allowed.has(flag as Flag)) throw new UsageError(`${name} does not take --${flag}`);
  }
  if (flags.keystore !== undefined && !z.enum(keyStoreKinds).safeParse(flags.keystore).success) {
    throw new UsageError(`--keystore must be keychain or passphrase, got '${flags.keystore}'`);
  }
}

/** Where the data and its keys are: flags first, then the environment, then the defaults. */
function environmentOptions(flags: Flags, env: NodeJS.ProcessEnv) {
  const parsedEnv = parseEnv(env);
  return {
    dataDir: flags['data-dir'] ?? parsedEnv.KONTOR_DATA_DIR ?? defaultDataDir(),
    env: parsedEnv,
    ...(flags.keystore !== undefined && { keyStoreKind: flags.keystore as 'keychain' | 'passphrase' }),
  };
}

function checkUrl(url: string): string {
  const parsed = z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// or postgresql:// URL')
    .safeParse(url);
  if (!parsed.success) throw validationError(parsed.error, '--database-url');
  return parsed.data;
}

/** What each flag stands for in a usage line, and what it means. */
const flagHelp: Partial<Record<Flag, { value?: string; meaning: string }>> = {
  tenant: { value: 'NAME', meaning: 'the company, by name (one of yours)' },
  input: { value: 'JSON', meaning: "the customer's fields as a JSON object" },
  id: { value: 'ID', meaning: 'the id of the customer or user' },
  search: { value: 'TEXT', meaning: 'words to look for: name, number, email, phone, city, tags' },
  limit: { value: 'N', meaning: 'at most this many' },
  offset: { value: 'N', meaning: 'skip this many first' },
  sort: { value: 'name|number|email|city|status|createdAt|updatedAt', meaning: 'order by this field' },
  direction: { value: 'asc|desc', meaning: 'ascending or descending' },
  email: { value: 'EMAIL', meaning: "the user's email address" },
  name: { value: 'NAME', meaning: "the user's name" },
  role: { value: 'ROLE', meaning: 'a role of the company, by name or id' },
  action: { value: 'PREFIX', meaning: 'only entries whose action starts with this' },
  stream: { value: 'STREAM', meaning: 'only the events of this stream (customer-ID)' },
  customer: { value: 'ID', meaning: 'the id of the customer' },
  out: { value: 'FILE', meaning: 'the file to write' },
  in: { value: 'FILE', meaning: 'the file to read' },
  years: { value: 'N|none', meaning: 'erase customers quiet for this many years, or never' },
  csv: { value: 'comma|semicolon', meaning: 'CSV separator: semicolon for German spreadsheets (default comma)' },
  format: { value: 'csv|xlsx', meaning: 'the file format' },
  language: { value: 'de|en', meaning: 'headers and values in German (with ; and decimal commas) or English' },
  mapping: {
    value: 'FILE|NAME',
    meaning: 'a JSON file of column header to field ({"Firma": "name"}), or a saved mapping',
  },
  mode: { value: 'all|valid', meaning: 'all: nothing unless every row is valid (default); valid: the valid rows' },
  'dry-run': { meaning: 'check every row and report, import nothing' },
  'allow-duplicates': { meaning: 'also import rows that look like an existing customer' },
  rejects: { value: 'FILE', meaning: 'write the rejected rows, with the reasons, to this CSV file' },
  view: { value: 'NAME', meaning: 'one of your saved views of the customer list (search, filters, order, columns)' },
  yes: { meaning: 'confirm an action that cannot be undone' },
  replace: { meaning: 'overwrite keys that a start without the backup made' },
  passphrase: { meaning: 'seal with KONTOR_BACKUP_PASSPHRASE instead of the installation key' },
  'admin-email': { value: 'EMAIL', meaning: "the first administrator's email address (first run)" },
  'admin-name': { value: 'NAME', meaning: "the first administrator's name (first run)" },
};

const flagText = (flag: Flag) => `--${flag}${flagHelp[flag]?.value ? ` ${flagHelp[flag].value}` : ''}`;

function usageLine(name: string, spec: CommandSpec): string {
  const required = spec.required.map(flagText);
  const optional = (spec.optional ?? []).map((flag) => `[${flagText(flag)}]`);
  return [name, ...required, ...optional, ...(spec.argument ? [spec.argument.value] : [])].join(' ');
}

const summaryOf = (spec: CommandSpec): string =>
  spec.summary ?? (spec.procedure ? contract[spec.procedure].summary : '');

/** Wraps text at about 90 columns, every line indented. */
function wrap(text: string, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + word.length + 1 > 90 - indent.length) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => `${indent}${l}`).join('\n');
}

const GLOBAL_HELP = `Signing in (every command but the first setup and keys import):
  KONTOR_USER, KONTOR_PASSWORD, and KONTOR_TOTP when you use two-factor authentication

Global options:
  --data-dir DIR        data directory (env KONTOR_DATA_DIR, default ~/.kontor)
  --database-url URL    use a Postgres server instead of the local files (env KONTOR_DATABASE_URL)
  --keystore KIND       keychain or passphrase (env KONTOR_KEYSTORE); the passphrase comes
                        from KONTOR_MASTER_PASSPHRASE
  --help, --version     this text (kontor COMMAND --help: one command in detail), the version
`;

/** \`kontor --help\`: every command with its flags and what it does, from the contract's summaries. */
export function usage(): string {
  const all: [string, CommandSpec][] = [...Object.entries(commands), ...Object.entries(keyStoreCommands)];
  const entries = all.map(([name, spec]) => `  ${usageLine(name, spec)}\n${wrap(summaryOf(spec), '      ')}`);
  return `Usage: kontor [global options] <command> [options]\n\nCommands:\n${entries.join('\n')}\n\n${GLOBAL_HELP}`;
}

/** \`kontor COMMAND --help\`: the command, what it does, each flag, and the procedure it calls. */
export function commandHelp(name: string, spec: CommandSpec): string {
  const flags = [
    ...[...spec.required, ...(spec.optional ?? [])].map(
      (flag) => `  ${flagText(flag).padEnd(26)} ${flagHelp[flag]?.meaning ?? ''}`,
    ),
    ...(spec.argument ? [`  ${spec.argument.value.padEnd(26)} ${spec.argument.meaning}`] : []),
  ];
  const procedure = spec.procedure
    ? [`Calls ${spec.procedure} (permission: ${contract[spec.procedure].permission}).`]
    : [];
  return [
    `Usage: kontor ${usageLine(name, spec)}`,
    '',
    wrap(summaryOf(spec), ''),
    ...(spec.note ? ['', wrap(spec.note, '')] : []),
    ...(flags.length > 0 ? ['', 'Options:', ...flags] : []),
    ...(procedure.length > 0 ? ['', ...procedure] : []),
    '',
    GLOBAL_HELP,
  ].join('\n');
}

// Crash safety, proved by killing: the `kontor` CLI (the bundled build, a process of its own)
// runs a customer import, a sales import, a replay, a key rotation, an erasure or a backup, and
// is killed with SIGKILL after a seeded random time within that operation's usual duration. Then
// this process opens the same data and checks what a crash may never leave behind:
//
// - every store passes `PRAGMA integrity_check`;
// - the projections equal a replay of the event log (customers and sales, decrypted, compared
//   before and after `events.replay`);
// - an operation that reported success is there, and none is half-applied (an import of K rows
//   added 0 or K; a rotation moved the key version by 0 or 1; an erased customer is in the erasure
//   log; every backup file under a backup's name verifies);
// - the audit chain verifies.
//
// The CI runs KONTOR_CRASH_KILLS (100 by default) kills; `npm run soak` runs many more.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import type { Kontor } from '../app';
import { backupsIn, verifyBackup } from '../backup/backup';
import { ERASURE_LOG_FILE, readErasures } from '../backup/erasure-log';
import { openFromEnvironment, openKeyStore, parseEnv } from '../config';
import { keyNames } from '../keys/keystore';
import { prng } from '../../shared/prng';
import { openPassphraseKeyStore, passphraseKeyFile } from '../keys/passphrase-store';
import type { Customer, CustomerPage, CustomerSummary, KeyStatusView, SalePage } from '../../shared/contract';

const BIN = resolve(import.meta.dirname, '..', '..', '..', 'bin', 'kontor.mjs');
const TENANT = 'Absturz GmbH';
/** Rows of each import: enough that a kill can land in the middle of one. */
const IMPORT_ROWS = 200;
const ADMIN = { email: 'admin@absturz.example', password: 'crash admin password' };
const operations = ['customers-import', 'sales-import', 'replay', 'rotate', 'erase', 'backup'] as const;
type Operation = (typeof operations)[number];

export interface CrashReport {
  kills: number;
  /** Kills per operation, and how many of those had reported success before they died. */
  readonly byOperation: Record<Operation, { kills: number; reported: number }>;
}

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
  readonly killed: boolean;
}

/** Runs the CLI; with `killAfterMs`, kills it with SIGKILL then (if it still runs). */
function cli(args: readonly string[], env: NodeJS.ProcessEnv, killAfterMs?: number): Promise<Run> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer =
      killAfterMs === undefined
        ? undefined
        : setTimeout(() => {
            killed = child.kill('SIGKILL');
          }, killAfterMs);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr, ms: performance.now() - started, killed: killed && code !== 0 });
    });
  });
}

/** What a command printed when it finished: its JSON, or null when it died first. */
function reported(run: Run): Record<string, unknown> | null {
  if (run.code !== 0 && !run.killed) return null;
  try {
    return JSON.parse(run.stdout) as Record<string, unknown>;
  } catch {
    return null;
  }
}

export async function runCrashHarness(options: { kills: number; seed: number; log?: (line: string) => void }) {
  const random = prng(options.seed);
  const root = mkdtempSync(join(tmpdir(), 'kontor-crash-'));
  const report: CrashReport = {
    kills: 0,
    byOperation: Object.fromEntries(
      operations.map((op) => [op, { kills: 0, reported: 0 }]),
    ) as CrashReport['byOperation'],
  };
  /** How long each operation takes unkilled: the kills fall within that time. */
  const usual = new Map<Operation, number>();
  let round = 0;
  let dataDir = '';
  let env: NodeJS.ProcessEnv = {};
  const files = join(root, 'files');
  mkdirSync(files);

  async function newRound(): Promise<void> {
    round += 1;
    dataDir = join(root, `data-${round}`);
    env = {
      PATH: process.env['PATH'] ?? '',
      HOME: root,
      KONTOR_DATA_DIR: dataDir,
      KONTOR_KEYSTORE: 'passphrase',
      KONTOR_MASTER_PASSPHRASE: 'crash harness passphrase',
      KONTOR_USER: ADMIN.email,
      KONTOR_PASSWORD: ADMIN.password,
    };
    // The key file made first with argon2id at its smallest allowed cost: every one of the many
    // starts (the CLI's and the checks') derives its key again.
    await openPassphraseKeyStore({
      file: passphraseKeyFile(dataDir),
      passphrase: String(env['KONTOR_MASTER_PASSPHRASE']),
      kdf: { memoryKiB: 19_456, iterations: 2, parallelism: 1 },
    });
    const setup = await cli(['setup', '--tenant', TENANT, '--admin-email', ADMIN.email], env);
    if (setup.code !== 0) throw new Error(`setup failed: ${setup.stderr}`);
    // Customers to erase and keys to rotate from the start.
    const seeded = await cli(['customers', 'import', '--tenant', TENANT, customersFile(0, 150)], env);
    if (seeded.code !== 0) throw new Error(`seeding failed: ${seeded.stderr}`);
  }

  function customersFile(tag: number, rows: number): string {
    const file = join(files, `customers-${tag}.csv`);
    const lines = ['Name;E-Mail;Ort'];
    for (let i = 0; i < rows; i++) lines.push(`Absturz ${tag} Kunde ${i};k${tag}-${i}@absturz.example;Köln`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  function salesFile(tag: number, rows: number): string {
    const file = join(files, `sales-${tag}.txt`);
    const lines: string[] = [];
    for (let i = 0; i < rows; i++) {
      const customer = String(90_000 + tag * 50 + (i % 40)).padStart(5, '0');
      const day = String(1 + (i % 28)).padStart(2, '0');
      lines.push(` ${customer} 0001 199701${day}  ${1 + (i % 3)}   ${(10 + (i % 90)).toFixed(2)}`);
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
    return file;
  }

  async function withKontor<T>(
    fn: (kontor: Kontor, call: <R>(name: string, input: unknown) => Promise<R>) => Promise<T>,
  ): Promise<T> {
    const kontor = await openFromEnvironment({ dataDir, env: parseEnv(env), version: 'crash' });
    const connection = { meta: { connection: 'crash-check' } };
    const call = async <R>(name: string, input: unknown): Promise<R> => {
      const result = await kontor.router.call(name, input, connection);
      if (!result.ok) throw new Error(`${name}: ${result.error.code}: ${result.error.message}`);
      return result.value as R;
    };
    try {
      await call('auth.login', ADMIN);
      return await fn(kontor, call);
    } finally {
      await kontor.sessions.close('crash-check').catch(() => undefined);
      await kontor.close();
    }
  }

  type Call = <R>(name: string, input: unknown) => Promise<R>;

  /** Every customer and every sales document, decrypted, as one hash. */
  async function projection(call: Call): Promise<{ digest: string; customers: CustomerSummary[]; sales: number }> {
    const hash = createHash('sha256');
    const customers: CustomerSummary[] = [];
    for (let position = 0; ; position += 500) {
      const page = await call<CustomerPage>('customers.list', { sort: 'number', limit: 500, position });
      for (const item of page.items) hash.update(JSON.stringify(item));
      customers.push(...page.items);
      if (page.items.length < 500) break;
    }
    let sales = 0;
    let cursor: SalePage['next'] = null;
    do {
      const page: SalePage = await call<SalePage>('sales.list', { limit: 500, ...(cursor && { cursor }) });
      for (const item of page.items) hash.update(JSON.stringify(item));
      sales += page.items.length;
      cursor = page.next;
    } while (cursor);
    return { digest: hash.digest('hex'), customers, sales };
  }

  /** What every kill must leave: whole stores, projections as a replay makes them, an intact audit chain. */
  async function checkInvariants(
    kontor: Kontor,
    call: Call,
    what: string,
    before: Awaited<ReturnType<typeof projection>>,
  ): Promise<void> {
    const stores = [kontor.stores.system.sql];
    for (const tenant of await kontor.tenants.list()) stores.push((await kontor.stores.tenant(tenant.id)).sql);
    for (const store of stores) {
      const [row] = await store.rows(sql`PRAGMA integrity_check`);
      if (row?.['integrity_check'] !== 'ok') throw new Error(`${what}: integrity check: ${JSON.stringify(row)}`);
    }
    await call('events.replay', {});
    const after = await projection(call);
    if (before.digest !== after.digest) throw new Error(`${what}: the projections differ from a replay of the events`);
    const audit = await kontor.audit.verify();
    if (!audit.ok) throw new Error(`${what}: the audit chain does not verify: ${JSON.stringify(audit.firstBroken)}`);
  }

  /** What the next operation starts from (and is checked against). */
  async function stateOf(call: Call, seen: Awaited<ReturnType<typeof projection>>) {
    const keys = await call<KeyStatusView>('keys.status', {});
    const living = seen.customers.filter((c) => c.erasedAt === null);
    const victim = living[Math.floor(random() * living.length)]?.id ?? null;
    return { customers: seen.customers.length, sales: seen.sales, kek: keys.kekVersion, victim };
  }
  const fresh = async () => {
    await newRound();
    return withKontor(async (_kontor, call) => stateOf(call, await projection(call)));
  };

  let state = await fresh();
  for (let step = 0; report.kills < options.kills; step++) {
    const kill = report.kills;
    // A fresh installation every 25 steps keeps the data (and the replay) small.
    if (step > 0 && step % 25 === 0) state = await fresh();
    const op = operations[Math.floor(random() * operations.length)] as Operation;
    const tag = step + 1;
    const argv: Record<Operation, string[]> = {
      'customers-import': ['customers', 'import', '--tenant', TENANT, customersFile(tag, IMPORT_ROWS)],
      'sales-import': [
        'sales',
        'import',
        '--tenant',
        TENANT,
        '--format',
        'cdnow',
        '--create-customers',
        salesFile(tag, IMPORT_ROWS),
      ],
      replay: ['events', 'replay', '--tenant', TENANT],
      rotate: ['keys', 'rotate', '--tenant', TENANT],
      erase: ['gdpr', 'erase', '--tenant', TENANT, '--customer', state.victim ?? '', '--yes'],
      backup: ['backup', 'create'],
    };
    if (!usual.has(op)) {
      // Once per operation, unkilled: how long it takes.
      usual.set(op, (await cli(argv[op], env)).ms);
      state = await withKontor(async (_kontor, call) => stateOf(call, await projection(call)));
      continue;
    }
    // A sixth of the kills come after the usual end: the operation may have reported success by then.
    const delay = random() * 1.2 * (usual.get(op) ?? 1000);
    const run = await cli(argv[op], env, delay);
    const done = reported(run);
    report.kills += 1;
    report.byOperation[op].kills += 1;
    if (done) report.byOperation[op].reported += 1;
    const what = `kill ${kill} (seed ${options.seed}): ${op} after ${Math.round(delay)} ms${done ? ', reported done' : ''}`;
    options.log?.(what);

    const before = state;
    state = await withKontor(async (kontor, call) => {
      const now = await projection(call);
      if (op === 'customers-import') {
        const added = now.customers.length - before.customers;
        if (added !== 0 && added !== IMPORT_ROWS)
          throw new Error(`${what}: the import added ${added} of ${IMPORT_ROWS} customers`);
        if (done && added !== IMPORT_ROWS) throw new Error(`${what}: reported, but ${added} customers were added`);
      }
      if (op === 'sales-import') {
        const added = now.sales - before.sales;
        if (added !== 0 && added !== IMPORT_ROWS)
          throw new Error(`${what}: the import added ${added} of ${IMPORT_ROWS} documents`);
        if (done && added !== IMPORT_ROWS) throw new Error(`${what}: reported, but ${added} documents were added`);
      }
      if (op === 'rotate') {
        const { kekVersion } = await call<KeyStatusView>('keys.status', {});
        if (kekVersion !== before.kek && kekVersion !== before.kek + 1)
          throw new Error(`${what}: key version ${kekVersion}`);
        if (done && kekVersion !== before.kek + 1) throw new Error(`${what}: reported, but the key version stayed`);
      }
      if (op === 'erase' && before.victim) {
        const victim = await call<Customer>('customers.get', { id: before.victim });
        if (done && victim.erasedAt === null) throw new Error(`${what}: reported, but the customer is not erased`);
        const logged = readErasures(join(dataDir, ERASURE_LOG_FILE)).some(
          (e) => e.subject === `customer:${before.victim}`,
        );
        if (victim.erasedAt !== null && !logged) throw new Error(`${what}: erased, but not in the erasure log`);
      }
      if (op === 'backup') {
        const keyStore = await openKeyStore('passphrase', dataDir, env['KONTOR_MASTER_PASSPHRASE']);
        const seal = (await keyStore.getKey(keyNames.backupSeal)) as Buffer;
        const folder = join(dataDir, 'backups');
        const found = backupsIn(folder);
        if (done && !found.some((b) => b.file.endsWith(String(done['name'])))) {
          throw new Error(`${what}: reported ${String(done['name'])}, which is not there`);
        }
        for (const backup of found) {
          const checked = await verifyBackup(backup.file, async () => ({ kind: 'installation', key: seal }), root);
          if (!checked.ok) throw new Error(`${what}: ${backup.file} does not verify: ${checked.problems.join('; ')}`);
        }
        // Only the newest stays, to keep the next checks short.
        for (const old of found.slice(1)) rmSync(old.file);
      }
      await checkInvariants(kontor, call, what, now);
      return stateOf(call, now);
    });
  }
  rmSync(root, { recursive: true, force: true });
  return report;
}

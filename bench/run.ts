// `npm run bench`: speed targets, each measured beside a raw baseline in the same run.
// Results are printed as a table; nothing here is asserted (tests assert behaviour, not time).
import { spawnSync } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import argon2 from 'argon2';
import { sql } from 'drizzle-orm';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { openKontor, type Kontor } from '../src/core/app';
import { defaultMigrationsDir } from '../src/core/config';
import { DEFAULT_PLAIN, EMPTY_PERSONAL } from '../src/core/customers/customers.record';
import { foldForSearch } from '../src/core/customers/customers.search';
import { openEncryptedSqlite } from '../src/core/db/sqlite';
import { tenantDatabaseFile } from '../src/core/db/sqlite-stores';
import { memoryKeyStore, quietLogger } from '../src/core/db/testing';
import { systemClock, uuidv7, uuidv7Source } from '../src/core/deps';
import {
  createKeyring,
  openJson,
  openJsonMany,
  sealJson,
  sealJsonMany,
  type DataKey,
  type Keyring,
} from '../src/core/crypto/keyring';
import { created, customerStream, customerSubject, updated } from '../src/core/customers/customers.events';
import type { Executor } from '../src/core/db/executor';
import { keyNames, type KeyStore } from '../src/core/keys/keystore';
import { DEFAULT_KDF, deriveKek } from '../src/core/keys/passphrase-store';
import { runCli } from '../src/cli/cli';
import { customerBenchmarks, percentile, type BenchRow } from './customers';
import { analyticsBenchmark } from './analytics';
import { importBenchmark } from './import';
import { serverBenchmark } from './server';
import { backupBenchmark } from './backup';
import { customerGenerator, prng } from './customer-data';
import type { Tenant } from '../src/shared/contract';

type Row = BenchRow;

const rows: Row[] = [];
const ms = (ns: number) => `${(ns / 1e6).toFixed(3)} ms`;

async function timeEach(n: number, fn: (i: number) => unknown): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = process.hrtime.bigint();
    await fn(i);
    samples.push(Number(process.hrtime.bigint() - start));
  }
  return samples.sort((a, b) => a - b);
}

/** A billing address that is only a city. */
const place = (city: string) => ({ street: null, postalCode: null, city, country: null });
const cities = ['Berlin', 'München', 'Köln', 'Hamburg', 'Lübeck', 'Dresden', 'Leipzig', 'Bremen', 'Düsseldorf', 'Kiel'];

async function routerOverhead(kontor: Kontor): Promise<void> {
  const n = 20_000;
  const direct = async () => ({ pong: true as const });
  await timeEach(2_000, () => kontor.router.call('system.ping', {})); // warm up
  const viaRouter = await timeEach(n, () => kontor.router.call('system.ping', {}));
  const baseline = await timeEach(n, () => direct());
  const total = viaRouter.reduce((a, b) => a + b, 0);
  rows.push({
    benchmark: 'no-op procedure through the router',
    measure: 'p50 / p95 per call',
    kontor: `${ms(percentile(viaRouter, 50))} / ${ms(percentile(viaRouter, 95))}`,
    baseline: `${ms(percentile(baseline, 50))} / ${ms(percentile(baseline, 95))} (direct call)`,
    ratio: `${Math.round(n / (total / 1e9)).toLocaleString('en')} calls/s`,
    target: 'p50 ≤ 0.2 ms',
  });
}

const ADMIN = {
  company: 'Bench GmbH',
  name: 'Bench Admin',
  email: 'admin@bench.example',
  password: 'bench admin password',
};
const session = { meta: { connection: 'bench' } };

async function permissionCheck(kontor: Kontor): Promise<void> {
  const n = 20_000;
  await timeEach(2_000, () => kontor.router.call('system.check', {}, session));
  const checked = await timeEach(n, () => kontor.router.call('system.check', {}, session));
  const anonymous = await timeEach(n, () => kontor.router.call('system.ping', {}));
  const extra = percentile(checked, 50) - percentile(anonymous, 50);
  rows.push({
    benchmark: 'permission-checked no-op with a live session',
    measure: 'p50 / p95 per call',
    kontor: `${ms(percentile(checked, 50))} / ${ms(percentile(checked, 95))}`,
    baseline: `${ms(percentile(anonymous, 50))} / ${ms(percentile(anonymous, 95))} (no session)`,
    ratio: `+${ms(extra)} for session and permission`,
    target: '≤ +0.05 ms p50',
  });
}

async function login(kontor: Kontor): Promise<void> {
  const n = 30;
  const [row] = await kontor.stores.system.sql.rows(
    sql`SELECT password_hash FROM ${kontor.stores.system.sql.table('users')} WHERE email = ${ADMIN.email}`,
  );
  const hash = String(row?.['password_hash']);
  const viaRouter = await timeEach(n, (i) =>
    kontor.router.call(
      'auth.login',
      { email: ADMIN.email, password: ADMIN.password },
      { meta: { connection: `login-${i}` } },
    ),
  );
  const baseline = await timeEach(n, () => argon2.verify(hash, ADMIN.password));
  rows.push({
    benchmark: 'sign-in (argon2id m=19 MiB, t=2, p=1)',
    measure: 'p50 / p95 per sign-in',
    kontor: `${ms(percentile(viaRouter, 50))} / ${ms(percentile(viaRouter, 95))}`,
    baseline: `${ms(percentile(baseline, 50))} / ${ms(percentile(baseline, 95))} (argon2.verify)`,
    ratio: `${(percentile(viaRouter, 50) / percentile(baseline, 50)).toFixed(2)}× verify`,
    target: '—',
  });
}

/** 100,000 customers.create through the router (one event and one projection row per command, each in its own transaction). */
async function appendEvents(kontor: Kontor, file: string, key: Buffer): Promise<void> {
  const n = 100_000;
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    const result = await kontor.router.call(
      'customers.create',
      { name: `Kunde ${i}`, billingAddress: { city: cities[i % cities.length] } },
      session,
    );
    if (!result.ok) throw new Error(result.error.message);
  }
  const viaCommands = Number(process.hrtime.bigint() - started) / 1e9;

  // The baseline writes the same rows (event, data key, projection) in batches of 1,000 per
  // transaction, with payloads of the same size but no cryptography.
  const raw = openEncryptedSqlite(file, key);
  raw.exec(
    'CREATE TEMP TABLE bench_events AS SELECT * FROM events WHERE 0; CREATE TEMP TABLE bench_customers AS SELECT * FROM customers WHERE 0; CREATE TEMP TABLE bench_keys AS SELECT * FROM data_keys WHERE 0',
  );
  const dataKey = raw.prepare(
    'INSERT INTO bench_keys (subject, id, kek_version, wrapped, created_at) VALUES (?, ?, 1, ?, ?)',
  );
  const [sample] = raw
    .prepare("SELECT data FROM events WHERE type = 'customer.created' LIMIT 1")
    .pluck()
    .all() as string[];
  const wrappedSize = randomBytes(60).toString('base64');
  const event = raw.prepare(
    'INSERT INTO bench_events (position, id, stream, version, type, schema_version, data, meta) VALUES (?, ?, ?, 1, ?, 1, ?, ?)',
  );
  const customer = raw.prepare(
    `INSERT INTO bench_customers (id, number, kind, status, name, sort_name, city, tags, details, version, created_at, updated_at)
     VALUES (?, ?, 'company', 'active', ?, ?, ?, '[]', '{}', 1, ?, ?)`,
  );
  const batch = raw.transaction((from: number) => {
    for (let i = from; i < from + 1_000; i++) {
      const id = uuidv7();
      const at = new Date().toISOString();
      const name = `Kunde ${i}`;
      const city = cities[i % cities.length] ?? null;
      const data = sample ?? JSON.stringify({ name, email: null, phone: null, city, notes: null });
      dataKey.run(`customer:${id}`, uuidv7(), wrappedSize, at);
      event.run(
        i + 1,
        uuidv7(),
        `customer-${id}`,
        'customer.created',
        data,
        JSON.stringify({ userId: 'u', deviceId: 'd', hlc: 'h', correlationId: 'c', causationId: null, at }),
      );
      customer.run(id, `K-${i}`, name, foldForSearch(name), city, at, at);
    }
  });
  const rawStarted = process.hrtime.bigint();
  for (let from = 0; from < n; from += 1_000) batch(from);
  const viaRaw = Number(process.hrtime.bigint() - rawStarted) / 1e9;
  raw.close();
  rows.push({
    benchmark: `append ${n.toLocaleString('en')} customer events (customers.create)`,
    measure: 'events per second',
    kontor: `${Math.round(n / viaCommands).toLocaleString('en')} /s (${viaCommands.toFixed(1)} s)`,
    baseline: `${Math.round(n / viaRaw).toLocaleString('en')} /s (raw batched inserts)`,
    ratio: `${(viaCommands / viaRaw).toFixed(1)}× raw`,
    target: '—',
  });
}

/** Replays a log of about 1,100,000 events (the appended ones plus 1,000,000 generated) into the projection. */
async function replayEvents(
  kontor: Kontor,
  file: string,
  key: Buffer,
  keyring: Keyring,
  store: Executor,
): Promise<void> {
  const extraCustomers = 200_000;
  // Generated as the app writes them: sealed with a data key per customer (made through the keyring).
  const streams: { id: string; key: DataKey }[] = [];
  await store.transaction(async (tx) => {
    for (let i = 0; i < extraCustomers; i++) {
      const id = uuidv7();
      const dataKey = await keyring.dataKey(customerSubject(id), tx, true);
      if (!dataKey) throw new Error('no data key');
      streams.push({ id, key: dataKey });
    }
  });
  const raw = openEncryptedSqlite(file, key);
  const event = raw.prepare(
    'INSERT INTO events (id, stream, version, type, schema_version, data, meta) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const meta = JSON.stringify({
    userId: 'u',
    deviceId: 'd',
    hlc: 'h',
    correlationId: 'c',
    causationId: null,
    at: '2026-01-01T00:00:00.000Z',
  });
  raw.transaction(() => {
    for (const [i, { id, key: dataKey }] of streams.entries()) {
      const stream = customerStream(id);
      const first = created(dataKey, {
        number: `R-${i}`,
        status: 'active',
        plain: DEFAULT_PLAIN,
        personal: { ...EMPTY_PERSONAL, name: `Replay ${i}`, billingAddress: place('Kiel') },
      });
      event.run(uuidv7(), stream, 1, first.type, first.schemaVersion, JSON.stringify(first.data), meta);
      for (let v = 2; v <= 5; v++) {
        const next = updated(dataKey, {}, { billingAddress: place(cities[(i + v) % cities.length] ?? 'Kiel') });
        event.run(uuidv7(), stream, v, next.type, next.schemaVersion, JSON.stringify(next.data), meta);
      }
    }
  })();
  raw.close();
  await replayThroughRouter(kontor, file, key, 'mostly five events per customer');
}

/**
 * events.replay as the Data protection screen runs it: through the router, with progress and a
 * cancel signal. The baseline reads the same log with raw better-sqlite3 and writes one row per
 * stream, in one transaction, without cryptography or validation.
 */
async function replayThroughRouter(kontor: Kontor, file: string, key: Buffer, shape: string): Promise<void> {
  let progressEvents = 0;
  const cancel = new AbortController();
  const started = process.hrtime.bigint();
  const result = await kontor.router.call(
    'events.replay',
    {},
    {
      ...session,
      signal: cancel.signal,
      onProgress: () => progressEvents++,
    },
  );
  if (!result.ok) throw new Error(result.error.message);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { events } = result.value as { events: number };

  const raw = openEncryptedSqlite(file, key);
  raw.exec('CREATE TEMP TABLE bench_projection (stream TEXT PRIMARY KEY, data TEXT, version INTEGER)');
  const upsert = raw.prepare('INSERT OR REPLACE INTO bench_projection (stream, data, version) VALUES (?, ?, ?)');
  const rawStarted = process.hrtime.bigint();
  raw.transaction(() => {
    const read = raw.prepare(
      'SELECT position, stream, version, data FROM events WHERE position > ? ORDER BY position LIMIT 1000',
    );
    type EventRow = { position: number; stream: string; version: number; data: string };
    for (let after = 0, page = read.all(after) as EventRow[]; page.length > 0; page = read.all(after) as EventRow[]) {
      for (const row of page) upsert.run(row.stream, JSON.stringify(JSON.parse(row.data)), row.version);
      after = page.at(-1)?.position ?? after;
    }
  })();
  const rawSeconds = Number(process.hrtime.bigint() - rawStarted) / 1e9;
  raw.close();
  rows.push({
    benchmark: `events.replay of ${events.toLocaleString('en')} sealed events (${shape}), as the screen runs it`,
    measure: 'events per second',
    kontor: `${Math.round(events / seconds).toLocaleString('en')} /s (${seconds.toFixed(1)} s, ${progressEvents} progress events)`,
    baseline: `${Math.round(events / rawSeconds).toLocaleString('en')} /s (raw read + upsert, no crypto)`,
    ratio: `${(seconds / rawSeconds).toFixed(1)}× raw`,
    target: '≥ 50,000 /s',
  });
}

/**
 * `kontor customers list` as an admin runs it: a new process of the bundled CLI that opens the
 * passphrase store, signs in, switches company and prints a page. The passphrase KDF (argon2id,
 * made deliberately slow) is measured on its own and reported beside the rest.
 */
async function cliCall(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kontor-bench-cli-'));
  const env = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    KONTOR_DATA_DIR: dataDir,
    KONTOR_KEYSTORE: 'passphrase',
    KONTOR_MASTER_PASSPHRASE: 'bench cli passphrase',
    KONTOR_USER: 'admin@cli.example',
    KONTOR_PASSWORD: 'bench cli admin password',
  };
  const quiet = { stdout: () => undefined, stderr: (t: string) => void process.stderr.write(t) };
  try {
    const setup = ['setup', '--tenant', 'CLI GmbH', '--admin-email', env.KONTOR_USER];
    if ((await runCli({ argv: setup, env, io: quiet, version: 'bench' })) !== 0) throw new Error('cli setup failed');
    const bin = join(import.meta.dirname, '..', 'bin', 'kontor.mjs');
    const wall = (args: string[]) => {
      const started = process.hrtime.bigint();
      const result = spawnSync(process.execPath, args, { env, encoding: 'utf8' });
      if (result.status !== 0) throw new Error(`kontor ${args.join(' ')}: ${result.stderr}`);
      return Number(process.hrtime.bigint() - started) / 1e9;
    };
    const median = (fn: () => number) => [0, 1, 2, 3, 4].map(fn).sort((a, b) => a - b)[2] ?? 0;
    const list = median(() => wall([bin, 'customers', 'list', '--tenant', 'CLI GmbH']));
    const bare = median(() => wall(['-e', '']));
    const kdfStarted = process.hrtime.bigint();
    await deriveKek('bench cli passphrase', { salt: randomBytes(16).toString('base64'), ...DEFAULT_KDF });
    const kdfSeconds = Number(process.hrtime.bigint() - kdfStarted) / 1e9;
    rows.push({
      benchmark: '`kontor customers list` (new process, bundled CLI, passphrase store)',
      measure: 'wall time per call, median of 5',
      kontor: `${(list - kdfSeconds).toFixed(2)} s without the KDF (${list.toFixed(2)} s in all; KDF ${kdfSeconds.toFixed(2)} s)`,
      baseline: `${bare.toFixed(2)} s (node -e '')`,
      ratio: `${((list - kdfSeconds) / bare).toFixed(1)}× an empty Node start`,
      target: '≤ 0.5 s without the KDF',
    });
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Sealing the personal fields of 100,000 customers, each with its own data key, and opening them
 * again, in bulk as import and export do: sealJsonMany / openJsonMany on the crypto pool (worker
 * threads and this one). One record at a time on this thread (sealJson / openJson) is shown beside.
 */
async function fieldEncryption(): Promise<void> {
  const n = 100_000;
  const random = prng(7);
  const keys: DataKey[] = Array.from({ length: n }, (_, i) => ({
    tenantId: 'bench',
    subject: `customer:${i}`,
    id: `key-${i}`,
    key: randomBytes(32),
  }));
  const people = customerGenerator();
  const records = keys.map((_, i) => ({
    name: people(i).name,
    email: `kunde${i}@example.de`,
    phone: `+49 ${Math.floor(random() * 1e9)}`,
    city: cities[i % cities.length] ?? null,
    notes: null,
  }));
  /** The median of three runs, in seconds. */
  const time = async (fn: () => unknown): Promise<number> => {
    const runs: number[] = [];
    for (let run = 0; run < 3; run++) {
      const started = process.hrtime.bigint();
      await fn();
      runs.push(Number(process.hrtime.bigint() - started) / 1e9);
    }
    return runs.sort((a, b) => a - b)[1] ?? 0;
  };
  const toSeal = keys.map((key, i) => ({ key, aad: key.subject, value: records[i] }));
  await sealJsonMany(toSeal.slice(0, 5_000)); // warm up, workers started
  let sealed: string[] = [];
  const seal = await time(async () => {
    sealed = await sealJsonMany(toSeal);
  });
  const open = await time(() =>
    openJsonMany(keys.map((key, i) => ({ key, aad: key.subject, sealed: sealed[i] ?? '' }))),
  );
  const sealOne = await time(() => keys.map((k, i) => sealJson(k, k.subject, records[i])));
  const openOne = await time(() => keys.forEach((k, i) => openJson(k, k.subject, sealed[i] ?? '')));
  // The same work straight on node:crypto: one AES-256-GCM encryption per record, nothing around it.
  const iv = randomBytes(12);
  const baseline = await time(() =>
    keys.forEach((k, i) => {
      const cipher = createCipheriv('aes-256-gcm', k.key, iv);
      cipher.update(JSON.stringify(records[i]), 'utf8');
      cipher.final();
      cipher.getAuthTag();
    }),
  );
  rows.push({
    benchmark: `field encryption of ${n.toLocaleString('en')} records (own key each), in bulk`,
    measure: 'seal / open, total',
    kontor: `${seal.toFixed(3)} s / ${open.toFixed(3)} s on ${availableParallelism()} cores (one thread: ${sealOne.toFixed(3)} s / ${openOne.toFixed(3)} s)`,
    baseline: `${baseline.toFixed(3)} s (bare node:crypto AES-256-GCM calls, one thread)`,
    ratio: `${(seal / baseline).toFixed(2)}× bare`,
    target: '≤ 0.5 s each',
  });
}

/** The event benchmarks run in a company of their own, so they do not disturb the search data. */
async function eventBenchmarks(kontor: Kontor, dataDir: string, keyStore: KeyStore): Promise<void> {
  if (!['append', 'replay-one', 'replay-all'].some(selected)) return;
  const events = (await kontor.router.call('tenants.setup', { name: 'Bench Events GmbH' }, session)) as {
    ok: true;
    value: Tenant;
  };
  await kontor.router.call('auth.switchTenant', { tenantId: events.value.id }, session);
  const eventsFile = tenantDatabaseFile(dataDir, events.value.id);
  const eventsKey = await keyStore.getOrCreateKey(keyNames.tenantDatabase(events.value.id));
  console.error('bench: appending 100,000 customer events…');
  await appendEvents(kontor, eventsFile, eventsKey);
  if (selected('replay-one')) {
    console.error('bench: replaying them (one event per customer)…');
    await replayThroughRouter(kontor, eventsFile, eventsKey, 'one per customer');
  }
  if (!selected('replay-all')) return;
  console.error('bench: replaying about 1,100,000 events…');
  const master = await keyStore.getKey(keyNames.fieldMaster);
  if (!master) throw new Error('no master key');
  const eventsStore = (await kontor.stores.tenant(events.value.id)).sql;
  const keyring = createKeyring({
    db: eventsStore,
    tenantId: events.value.id,
    master,
    clock: systemClock,
    ids: uuidv7Source(systemClock),
  });
  await keyring.ready();
  await replayEvents(kontor, eventsFile, eventsKey, keyring, eventsStore);
}

/**
 * `npm run bench -- --only NAME` runs the benchmarks whose name starts with NAME: router,
 * permission, cli, encryption, sign-in, append, replay-one, replay-all, customers, import,
 * analytics, server (the replays include the append they replay; customers is the 1,000,000-customer
 * list and search; import reads 100,000 customers from CSV; analytics fits the models on CDNOW;
 * server puts 200 clients on one server instance with 100,000 customers on the Postgres server;
 * backup makes, verifies and restores a backup of 1,000,000 customers).
 */
function selected(name: string): boolean {
  const at = process.argv.indexOf('--only');
  const only = at >= 0 ? process.argv[at + 1] : undefined;
  return only === undefined || name.startsWith(only);
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kontor-bench-'));
  const keyStore = memoryKeyStore();
  const kontor = await openKontor({
    dataDir,
    migrationsDir: defaultMigrationsDir(),
    database: { kind: 'sqlite' },
    keyStore,
    settingsFile: join(dataDir, 'settings.json'),
    version: 'bench',
    logger: quietLogger,
  });
  try {
    const setup = await kontor.router.call('auth.setup', ADMIN, session);
    if (!setup.ok) throw new Error(setup.error.message);
    if (selected('router')) {
      console.error('bench: router overhead…');
      await routerOverhead(kontor);
    }
    if (selected('permission')) {
      console.error('bench: session and permission check…');
      await permissionCheck(kontor);
    }
    if (selected('cli')) {
      console.error('bench: the CLI…');
      await cliCall();
    }
    if (selected('encryption')) {
      console.error('bench: field encryption…');
      await fieldEncryption();
    }
    if (selected('sign-in')) {
      console.error('bench: sign-in…');
      await login(kontor);
    }
    await eventBenchmarks(kontor, dataDir, keyStore);
    if (selected('customers')) await customerBenchmarks(rows);
    if (selected('import')) await importBenchmark(rows);
    if (selected('analytics')) {
      console.error('bench: analytics…');
      await analyticsBenchmark(rows);
    }
    if (selected('server')) await serverBenchmark(rows);
    if (selected('backup')) {
      console.error('bench: backup and restore…');
      await backupBenchmark(rows);
    }
  } finally {
    await kontor.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const columns = Object.keys(rows[0] ?? {}) as (keyof Row)[];
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log(`\nKontor benchmarks (Node ${process.version}, ${new Date().toISOString()})\n`);
  console.log(line(columns));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows) console.log(line(columns.map((c) => row[c])));
}

await main();

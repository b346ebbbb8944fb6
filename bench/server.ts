// The Kontor server under load: a company with 100,000 customers on the Postgres server, one
// server instance (`src/server/main.ts`, its own process, as `npm run server` starts it) on
// 127.0.0.1, and 200 concurrent clients in this process with the mix desks send — list and search
// 60 %, get 25 %, update 10 %, create 5 % — over keep-alive HTTP, a bounded number of requests.
// Beside it, the same mix with the same concurrency through the router in-process (the same core,
// no HTTP): the server's overhead as a ratio; and the same mix as the least Postgres work each call
// needs, straight through `pg`: this machine's ceiling. And the session check a request makes
// (shared sessions, cached) beside a plain map lookup.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openKontor, type Kontor } from '../src/core/app';
import { defaultMigrationsDir } from '../src/core/config';
import { tenantSchemaName } from '../src/core/db/pg-stores';
import { connectPostgres } from '../src/core/db/postgres';
import { quietLogger } from '../src/core/db/testing';
import { openPassphraseKeyStore } from '../src/core/keys/passphrase-store';
import type { ImportResult, CustomerPage } from '../src/shared/contract';
import type { Result } from '../src/shared/errors';
import { percentile, type BenchRow } from './customers';
import { prng, SEARCH_MIX } from './customer-data';
import { writeCustomerCsv } from './import';
import { prefixEnd, queryWords } from '../src/core/customers/customers.search';

const CUSTOMERS = Number(process.env['KONTOR_BENCH_SERVER_CUSTOMERS'] ?? 100_000);
/** Concurrent clients (`KONTOR_BENCH_SERVER_CLIENTS` for a closer look at one part). */
const CLIENTS = Number(process.env['KONTOR_BENCH_SERVER_CLIENTS'] ?? 200);
/** Requests per run: bounded, whatever the speed. */
const REQUESTS = Number(process.env['KONTOR_BENCH_SERVER_REQUESTS'] ?? 20_000);
/** Sign-ins: the 200 clients share them, ten to a connection (a desk's windows share one too). */
const CONNECTIONS = 20;
const PASSPHRASE = 'bench server master passphrase';
const ADMIN = { company: 'Last GmbH', name: 'Bench', email: 'admin@last.example', password: 'bench admin password' };

type Call = (connection: string, name: string, input: unknown) => Promise<Result<unknown>>;

/** One request of the mix, for client `i`'s `n`-th request. */
function mixed(random: () => number, ids: readonly string[], n: number): { name: string; input: unknown } {
  const roll = random();
  const id = ids[Math.floor(random() * ids.length)] ?? '';
  if (roll < 0.3) return { name: 'customers.list', input: { limit: 50, sort: random() < 0.5 ? 'name' : 'number' } };
  if (roll < 0.6)
    return { name: 'customers.list', input: { limit: 50, search: SEARCH_MIX[n % SEARCH_MIX.length] ?? 'a' } };
  if (roll < 0.85) return { name: 'customers.get', input: { id } };
  if (roll < 0.95) return { name: 'customers.update', input: { id, changes: { website: `https://last${n}.example` } } };
  return { name: 'customers.create', input: { name: `Neukunde ${n}` } };
}

interface RunResult {
  readonly perSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly failed: number;
}

/** Per procedure: how many, the median, and the refusals by code (printed for a closer look). */
function perProcedure(samples: { name: string; ms: number; code: string | null }[]): string {
  const by = new Map<string, typeof samples>();
  for (const sample of samples) {
    const list = by.get(sample.name);
    if (list) list.push(sample);
    else by.set(sample.name, [sample]);
  }
  return [...by]
    .map(([name, list]) => {
      const sorted = list.map((s) => s.ms).sort((a, b) => a - b);
      const codes = list.flatMap((s) => (s.code ? [s.code] : []));
      const failures = codes.length ? ` failed: ${[...new Set(codes)].join(',')} ×${codes.length}` : '';
      return `${name} ×${list.length} p50 ${percentile(sorted, 50).toFixed(1)} ms p99 ${percentile(sorted, 99).toFixed(1)} ms${failures}`;
    })
    .join('\n  ');
}

/** 200 clients, each sending its next request when the last is answered, REQUESTS in all. */
async function drive(call: Call, connections: readonly string[], ids: readonly string[]): Promise<RunResult> {
  const latencies: number[] = [];
  const samples: { name: string; ms: number; code: string | null }[] = [];
  let sent = 0;
  let failed = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, client) => {
      const random = prng(1_000 + client);
      const connection = connections[client % connections.length] ?? '';
      while (sent < REQUESTS) {
        const n = sent++;
        const { name, input } = mixed(random, ids, n);
        const at = process.hrtime.bigint();
        const result = await call(connection, name, input);
        const ms = Number(process.hrtime.bigint() - at) / 1e6;
        latencies.push(ms);
        samples.push({ name, ms, code: result.ok ? null : result.error.code });
        if (!result.ok) failed++;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  console.error(`  ${perProcedure(samples)}`);
  return {
    perSecond: latencies.length / seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    failed,
  };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** POSTs JSON on a keep-alive agent with a socket per client (fetch's pool costs more in this process). */
function httpCaller(port: number) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const post = (path: string, body: unknown, token?: string) =>
    new Promise<unknown>((resolve, reject) => {
      const payload = JSON.stringify(body);
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(payload),
            ...(token && { authorization: `Bearer ${token}` }),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  return {
    connect: async () => ((await post('/v1/connections', {})) as { token: string }).token,
    call: ((token, name, input) => post(`/v1/rpc/${name}`, input, token)) as Call,
    close: () => agent.destroy(),
  };
}

async function waitReady(port: number, child: ReturnType<typeof spawn>): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server ended with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('the server did not become ready within 2 minutes');
}

/**
 * The machine's ceiling for this mix: the least Postgres work each kind of call needs, sent
 * straight through `pg` (a pool of 10, as the server has) by the same 200 clients — a page of an
 * index order, a page of the first query word's index entries with their customers, a row by id,
 * an update of one row, an insert of one — with nothing of Kontor: no validation, session,
 * permission, event, audit, search words or sealing.
 */
async function rawMix(url: string, schema: string): Promise<{ call: Call; close(): Promise<void> }> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // The database is dropped at the end, ending the connections it has: nothing to report then.
  pool.on('error', () => undefined);
  const s = `"${schema}"`;
  /** A list row's columns, of the customers table as `alias` names it. */
  const page = (alias: string) =>
    ['id', 'number', 'name', 'email', 'phone', 'city', 'status', 'tags', 'updated_at']
      .map((column) => `${alias}.${column}`)
      .join(', ');
  const call: Call = async (_connection, name, input) => {
    const given = input as { id?: string; sort?: string; search?: string; name?: string };
    if (name === 'customers.list' && given.search !== undefined) {
      const [word = ''] = queryWords(given.search).sort((a, b) => b.length - a.length);
      const { rows } = await pool.query(
        `SELECT ${page('c')} FROM (SELECT customer_id, word, sort_key FROM ${s}.customer_words
          WHERE rank = 0 AND word >= $1 AND word < $2 ORDER BY word, sort_key, customer_id LIMIT 50) w
          JOIN ${s}.customers c ON c.id = w.customer_id ORDER BY w.word, w.sort_key`,
        [word, prefixEnd(word)],
      );
      return { ok: true, value: rows };
    }
    if (name === 'customers.list') {
      const order = given.sort === 'number' ? 'number, id' : 'sort_name, number, id';
      const { rows } = await pool.query(`SELECT ${page('c')} FROM ${s}.customers c ORDER BY ${order} LIMIT 50`);
      return { ok: true, value: rows };
    }
    if (name === 'customers.get') {
      const { rows } = await pool.query(`SELECT * FROM ${s}.customers WHERE id = $1`, [given.id]);
      return { ok: true, value: rows[0] };
    }
    if (name === 'customers.update') {
      await pool.query(`UPDATE ${s}.customers SET version = version + 1, updated_at = $1 WHERE id = $2`, [
        new Date().toISOString(),
        given.id,
      ]);
      return { ok: true, value: null };
    }
    const now = new Date().toISOString();
    await pool.query(
      `INSERT INTO ${s}.customers (id, number, kind, status, name, sort_name, tags, details, version, created_at, updated_at)
        VALUES (gen_random_uuid(), $1, 'company', 'active', $2, $3, '[]', '{}', 1, $4, $4)`,
      [`R-${randomBytes(6).toString('hex')}`, given.name, String(given.name).toLowerCase(), now],
    );
    return { ok: true, value: null };
  };
  return { call, close: () => pool.end() };
}

export async function serverBenchmark(rows: BenchRow[]): Promise<void> {
  const adminUrl = process.env['KONTOR_BENCH_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
  const database = `kontor_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  const dir = mkdtempSync(join(tmpdir(), 'kontor-bench-server-'));
  const keyFile = join(dir, 'keys.json');
  let kontor: Kontor | null = null;
  try {
    // The company, its customers and the ids the clients ask for, through the core as the server runs it.
    kontor = await openKontor({
      dataDir: dir,
      migrationsDir: defaultMigrationsDir(),
      database: { kind: 'postgres', connection: await connectPostgres(url.toString()), ownsConnection: true },
      keyStore: await openPassphraseKeyStore({ file: keyFile, passphrase: PASSPHRASE }),
      settingsFile: join(dir, 'settings.json'),
      version: 'bench',
      logger: quietLogger,
      sharedSessions: true,
    });
    const inProcess = kontor;
    const local: Call = (connection, name, input) => inProcess.router.call(name, input, { meta: { connection } });
    const setup = await local('bench', 'auth.setup', ADMIN);
    if (!setup.ok) throw new Error(setup.error.message);
    console.error(`bench: server: importing ${CUSTOMERS} customers…`);
    const fileId = kontor.files.grant('bench', writeCustomerCsv(join(dir, 'kunden.csv'), CUSTOMERS, 0), 'read');
    const imported = await local('bench', 'customers.import', { fileId });
    if (!imported.ok) throw new Error(imported.error.message);
    console.error(`bench: server: ${(imported.value as ImportResult).imported} customers imported`);
    const page = await local('bench', 'customers.list', { limit: 500, sort: 'number' });
    if (!page.ok) throw new Error(page.error.message);
    const ids = (page.value as CustomerPage).items.map((c) => c.id);

    // The session check of every request: shared sessions, cached; beside a plain map lookup.
    const checks: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      const at = process.hrtime.bigint();
      await kontor.sessions.get('bench', true);
      checks.push(Number(process.hrtime.bigint() - at));
    }
    const map = new Map([['bench', { id: 'x' }]]);
    const lookups: number[] = [];
    for (let i = 0; i < 50_000; i++) {
      const at = process.hrtime.bigint();
      await Promise.resolve(map.get('bench'));
      lookups.push(Number(process.hrtime.bigint() - at));
    }
    checks.sort((a, b) => a - b);
    lookups.sort((a, b) => a - b);
    const check50 = percentile(checks, 50) / 1e6;
    const lookup50 = percentile(lookups, 50) / 1e6;
    rows.push({
      benchmark: 'server: session check per request (shared, cached)',
      measure: 'p50',
      kontor: `${check50.toFixed(4)} ms`,
      baseline: `${lookup50.toFixed(4)} ms (awaited map lookup)`,
      ratio: `${(check50 / lookup50).toFixed(1)}×`,
      target: '≤ 0.1 ms',
    });

    console.error(`bench: server: ${REQUESTS} requests in-process…`);
    const localConnections: string[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      const connection = `bench-${i}`;
      const signedIn = await local(connection, 'auth.login', { email: ADMIN.email, password: ADMIN.password });
      if (!signedIn.ok) throw new Error(signedIn.error.message);
      localConnections.push(connection);
    }
    const routed = await drive(local, localConnections, ids);
    const [company] = await kontor.stores.system.tenants.list();
    if (!company) throw new Error('no company');
    await kontor.close();
    kontor = null;

    console.error(`bench: server: ${REQUESTS} requests over HTTP…`);
    const port = await freePort();
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../src/server/main.ts')], {
      env: {
        ...process.env,
        KONTOR_SERVER_DATABASE_URL: url.toString(),
        KONTOR_SERVER_DATA_DIR: dir,
        KONTOR_SERVER_MASTER_KEY_FILE: keyFile,
        KONTOR_SERVER_MASTER_PASSPHRASE: PASSPHRASE,
        KONTOR_SERVER_PORT: String(port),
        KONTOR_SERVER_LOG_LEVEL: 'warn',
        // A load test from one address as one user: the limits would measure themselves.
        KONTOR_SERVER_RATE_LIMIT_PER_ADDRESS: '0',
        KONTOR_SERVER_RATE_LIMIT_PER_USER: '0',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const client = httpCaller(port);
    let served: RunResult;
    try {
      await waitReady(port, child);
      const tokens: string[] = [];
      for (let i = 0; i < CONNECTIONS; i++) {
        const token = await client.connect();
        const signedIn = await client.call(token, 'auth.login', { email: ADMIN.email, password: ADMIN.password });
        if (!signedIn.ok) throw new Error(signedIn.error.message);
        tokens.push(token);
      }
      served = await drive(client.call, tokens, ids);
    } finally {
      client.close();
      child.kill('SIGTERM');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    console.error(`bench: server: ${REQUESTS} requests straight to Postgres…`);
    const raw = await rawMix(url.toString(), tenantSchemaName('kontor_', company.id));
    let ceiling: RunResult;
    try {
      ceiling = await drive(raw.call, ['raw'], ids);
    } finally {
      await raw.close();
    }
    const describe = (r: RunResult) =>
      `${Math.round(r.perSecond)} req/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms${r.failed ? `, ${r.failed} failed` : ''}`;
    rows.push({
      benchmark: `server: ${CLIENTS} clients, mix 60/25/10/5, ${CUSTOMERS} customers`,
      measure: `${REQUESTS} requests`,
      kontor: describe(served),
      baseline: `${describe(routed)} (router in-process)`,
      ratio: `${(routed.perSecond / served.perSecond).toFixed(2)}×`,
      target: '≥ 2,000 req/s, p99 ≤ 50 ms',
    });
    rows.push({
      benchmark: `server: the same mix straight to Postgres (the least work per call, no Kontor)`,
      measure: `${REQUESTS} requests`,
      kontor: describe(served),
      baseline: `${describe(ceiling)} (raw pg)`,
      ratio: `${(ceiling.perSecond / served.perSecond).toFixed(2)}×`,
      target: 'the machine’s ceiling for the target above',
    });
  } finally {
    await kontor?.close();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
    rmSync(dir, { recursive: true, force: true });
  }
}

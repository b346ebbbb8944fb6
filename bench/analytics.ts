// Customer analytics through the router, as the analytics screen and `kontor analytics` call it,
// on a SQLite company:
// - `analytics.fit` on the CDNOW sample (2,357 customers, 6,919 purchases) imported as sales:
//   reading the ledger, the summaries and both fits on the analysis worker. Beside it, the summary
//   query alone on raw SQLite (a plain table of the same purchases, one GROUP BY).
// - `analytics.refresh` (median of three) on 100,000 customers with about 1,000,000 purchases (summaries, both fits,
//   every customer's scores and CLV, segments, cohorts, model quality, stored), while a loop calls
//   the no-op `system.ping` every 2 ms: its p95 is how responsive the main process stays. Beside
//   it, the summary query alone on raw SQLite over the same rows.
// The ledger of the second is written straight into the sales projection (making a million
// documents through the log would take the benchmark a quarter of an hour); the refresh reads it
// as it reads any ledger.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openKontor, type Kontor } from '../src/core/app';
import { CDNOW_SAMPLE_PATH } from '../src/core/analytics/cdnow.testing';
import { defaultMigrationsDir } from '../src/core/config';
import { memoryKeyStore, quietLogger } from '../src/core/db/testing';
import { parseCdnow } from '../src/core/sales/cdnow';
import { salesSqlite } from '../src/core/sales/sales.schema';
import type { AnalyticsRun, FitResult } from '../src/shared/contract';
import { prng } from './customer-data';
import type { BenchRow } from './customers';

/** Customers of the refresh (`KONTOR_BENCH_ANALYTICS_CUSTOMERS` makes a smaller run for a quick look). */
const CUSTOMERS = Number(process.env['KONTOR_BENCH_ANALYTICS_CUSTOMERS'] ?? 100_000);

/** Refreshes measured (after one to warm up): a shared 2-core machine varies by a few tenths of a second. */
const REFRESH_RUNS = 3;

interface Purchase {
  readonly customer: string;
  readonly date: string;
  /** Cents. */
  readonly net: number;
}

/**
 * `customers` customers with about ten purchases each over two years (2025–2026), drawn seeded:
 * each buys at her own rate and may stop after any purchase, as BG/NBD assumes, and spends around
 * her own typical amount, as Gamma-Gamma assumes.
 */
function generatedLedger(customers: number): Purchase[] {
  const random = prng(11);
  const start = Date.UTC(2025, 0, 1) / 86_400_000;
  const purchases: Purchase[] = [];
  const date = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
  for (let c = 0; c < customers; c++) {
    const customer = randomUUID();
    let day = start + Math.floor(random() * 300);
    const gap = 10 + random() * 100;
    const stop = random() * 0.08;
    const typical = 20 - Math.log(1 - random()) * 80;
    for (;;) {
      purchases.push({ customer, date: date(day), net: Math.round(typical * (50 + random() * 100)) });
      day += Math.ceil(-Math.log(1 - random()) * gap);
      if (day >= start + 730 || random() < stop) break;
    }
  }
  return purchases;
}

/** The raw baseline: the purchases in a plain SQLite table, and the time of the customers' summary query. */
function rawSummaryQuery(purchases: readonly Purchase[], dir: string, runs: number): number {
  const db = new Database(join(dir, `raw-${purchases.length}.db`));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE sales (customer_id TEXT NOT NULL, date TEXT NOT NULL, net INTEGER NOT NULL)');
  const insert = db.prepare('INSERT INTO sales VALUES (?, ?, ?)');
  db.transaction(() => {
    for (const p of purchases) insert.run(p.customer, p.date, p.net);
  })();
  const query = db.prepare(`SELECT customer_id, count(DISTINCT date) - 1 AS x, min(date) AS first,
    max(date) AS last, sum(net) AS revenue FROM sales GROUP BY customer_id`);
  query.all();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    query.all();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  db.close();
  return median(times);
}

const median = (times: readonly number[]) => [...times].sort((p, q) => p - q)[Math.floor(times.length / 2)] ?? 0;
const p95 = (times: readonly number[]) => [...times].sort((p, q) => p - q)[Math.floor(times.length * 0.95)] ?? 0;

async function company(dir: string, name: string) {
  const kontor = await openKontor({
    dataDir: dir,
    migrationsDir: defaultMigrationsDir(),
    database: { kind: 'sqlite' },
    keyStore: memoryKeyStore(),
    settingsFile: join(dir, 'settings.json'),
    version: 'bench',
    logger: quietLogger,
  });
  const session = { meta: { connection: 'bench-analytics' } };
  const call = async <T>(procedure: string, input: unknown): Promise<T> => {
    const result = await kontor.router.call(procedure, input, session);
    if (!result.ok) throw new Error(`${procedure}: ${result.error.message}`);
    return result.value as T;
  };
  await call('auth.setup', {
    company: name,
    name: 'Bench',
    email: 'admin@bench.example',
    password: 'bench password 1',
  });
  return { kontor, call };
}

export async function analyticsBenchmark(rows: BenchRow[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kontor-bench-analytics-'));
  try {
    await cdnowFit(rows, join(dir, 'cdnow'));
    await refresh(rows, join(dir, 'refresh'), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function cdnowFit(rows: BenchRow[], dir: string): Promise<void> {
  const { kontor, call } = await company(dir, 'CDNOW Bench Inc');
  try {
    const fileId = kontor.files.grant('bench-analytics', CDNOW_SAMPLE_PATH, 'read');
    await call('sales.import', { fileId, format: 'cdnow', createCustomers: true });
    const input = { calibrationEnd: '1997-09-30', unit: 'week' };
    // Warm-up: the worker started, its code compiled, as in a running app.
    await call('analytics.fit', input);
    const totals: number[] = [];
    const ledger: number[] = [];
    const models: number[] = [];
    for (let i = 0; i < 11; i++) {
      const started = process.hrtime.bigint();
      const fit = await call<FitResult>('analytics.fit', input);
      totals.push(Number(process.hrtime.bigint() - started) / 1e6);
      ledger.push(fit.timings.ledger);
      models.push(fit.timings.models);
    }
    const { purchases } = parseCdnow(readFileSync(CDNOW_SAMPLE_PATH, 'latin1'));
    const raw = rawSummaryQuery(
      purchases.map((p) => ({ customer: p.customer, date: p.date, net: p.amount })),
      dir,
      11,
    );
    const total = median(totals);
    rows.push({
      benchmark: `analytics.fit on CDNOW imported as sales (2,357 customers, 6,919 purchases, SQLite)`,
      measure: 'median of 11, through the router',
      kontor: `${total.toFixed(1)} ms (ledger + summaries ${median(ledger).toFixed(1)}, both fits ${median(models).toFixed(1)})`,
      baseline: `${raw.toFixed(1)} ms (the summary query alone, raw SQLite)`,
      ratio: `${(total / raw).toFixed(1)}× the summary query`,
      target: '≤ 100 ms',
    });
  } finally {
    await kontor.close();
  }
}

async function seed(kontor: Kontor, purchases: readonly Purchase[]): Promise<void> {
  const status = await kontor.router.call('auth.status', {}, { meta: { connection: 'bench-analytics' } });
  const tenantId = status.ok ? (status.value as { tenant?: { id: string } | null }).tenant?.id : undefined;
  if (!tenantId) throw new Error('the bench administrator works in no company');
  // Opened first: a company's first opening rebuilds its projections from the log.
  await kontor.router.call('sales.list', {}, { meta: { connection: 'bench-analytics' } });
  const store = await kontor.stores.tenant(tenantId);
  const at = new Date().toISOString();
  await store.sql.transaction(async (tx) => {
    for (let i = 0; i < purchases.length; i += 10_000) {
      await tx.insert(
        salesSqlite,
        purchases.slice(i, i + 10_000).map((p) => ({
          id: randomUUID(),
          customerId: p.customer,
          kind: 'invoice',
          number: null,
          date: p.date,
          currency: 'EUR',
          status: 'paid',
          net: p.net,
          vat: 0,
          gross: p.net,
          lines: JSON.stringify([{ description: 'x', quantity: '1', unit: null, unitPrice: p.net, vatRate: 0 }]),
          reverses: null,
          reversedBy: null,
          createdBy: null,
          version: 1,
          createdAt: at,
          updatedAt: at,
        })),
      );
    }
  });
  await store.afterBulkWrite();
}

async function refresh(rows: BenchRow[], dir: string, rawDir: string): Promise<void> {
  const purchases = generatedLedger(CUSTOMERS);
  const { kontor, call } = await company(dir, 'Refresh Bench GmbH');
  try {
    console.error(`bench: writing ${purchases.length.toLocaleString('en')} purchases into the ledger…`);
    await seed(kontor, purchases);
    const input = { asOf: '2026-12-31', unit: 'day' };
    console.error('bench: refreshing the analytics…');
    // Warm-up on the same data: the worker started, as in a running app.
    await call('analytics.refresh', input);
    const pings: number[] = [];
    let running = true;
    const loop = (async () => {
      while (running && pings.length < 100_000) {
        const started = process.hrtime.bigint();
        await call('system.ping', {});
        pings.push(Number(process.hrtime.bigint() - started) / 1e6);
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
    })();
    const times: number[] = [];
    let run: AnalyticsRun | null = null;
    for (let i = 0; i < REFRESH_RUNS; i++) {
      const started = process.hrtime.bigint();
      const stages: string[] = [];
      let last = started;
      const result = await kontor.router.call('analytics.refresh', input, {
        meta: { connection: 'bench-analytics' },
        onProgress: ({ message }) => {
          const now = process.hrtime.bigint();
          stages.push(`${message ?? ''} ${(Number(now - last) / 1e9).toFixed(2)} s`);
          last = now;
        },
      });
      times.push(Number(process.hrtime.bigint() - started) / 1e9);
      if (!result.ok) throw new Error(`analytics.refresh: ${result.error.message}`);
      run = result.value as AnalyticsRun;
      // Each entry is the time until a stage started, named by the stage before it.
      console.error(`bench: refresh ${i + 1}, stages (time before each): ${stages.join(', ')}`);
    }
    if (!run) throw new Error('no refresh ran');
    const seconds = median(times);
    running = false;
    await loop;
    const raw = rawSummaryQuery(purchases, rawDir, 3) / 1000;
    const label = `${run.customers.toLocaleString('en')} customers with ${run.transactions.toLocaleString('en')} purchases`;
    rows.push({
      benchmark: `analytics.refresh on ${label} (SQLite)`,
      measure: `median of ${REFRESH_RUNS}, through the router`,
      kontor: `${seconds.toFixed(2)} s (${Math.min(...times).toFixed(2)}–${Math.max(...times).toFixed(2)})`,
      baseline: `${raw.toFixed(2)} s (the summary query alone, raw SQLite)`,
      ratio: `${(seconds / raw).toFixed(1)}× the summary query`,
      target: '≤ 3 s',
    });
    rows.push({
      benchmark: `system.ping while those refreshes run (${pings.length.toLocaleString('en')} calls)`,
      measure: 'p95 round trip',
      kontor: `${p95(pings).toFixed(2)} ms`,
      baseline: `${median(pings).toFixed(2)} ms (the median)`,
      ratio: `${(p95(pings) / Math.max(0.001, median(pings))).toFixed(1)}× the median`,
      target: '≤ 5 ms',
    });
  } finally {
    await kontor.close();
  }
}

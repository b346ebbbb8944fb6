// The customer list and search over the generated data set of 1,000,000 customers, on SQLite and
// on Postgres, through the router as the customers screen calls it: the committed query mix
// (customer-data.ts) beside the naive raw query it replaces (FTS5 `ORDER BY rank` on SQLite,
// a tsvector/trigram match ordered by ts_rank on Postgres), list pages sorted by every column
// at random positions, and the main process's memory while doing it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Statement } from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import { openKontor, type Kontor } from '../src/core/app';
import { defaultMigrationsDir } from '../src/core/config';
import { foldForSearch } from '../src/core/customers/customers.search';
import { tenantSchemaName } from '../src/core/db/pg-stores';
import { connectPostgres, queryRows } from '../src/core/db/postgres';
import { memoryKeyStore, quietLogger } from '../src/core/db/testing';
import { keyNames } from '../src/core/keys/keystore';
import { openEncryptedSqlite } from '../src/core/db/sqlite';
import { tenantDatabaseFile } from '../src/core/db/sqlite-stores';
import { customerSortKeys, type CustomerPage, type Tenant } from '../src/shared/contract';
import { prng, SEARCH_MIX } from './customer-data';

export interface BenchRow {
  benchmark: string;
  measure: string;
  kontor: string;
  baseline: string;
  ratio: string;
  target: string;
}

const ms = (ns: number) => `${(ns / 1e6).toFixed(2)} ms`;
/** The value at percentile `p` of sorted samples (the bench files share it). */
export const percentile = (sorted: readonly number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function timed(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start);
}

const session = { meta: { connection: 'bench-customers' } };
const ADMIN = {
  company: 'Bench 1M GmbH',
  name: 'Bench',
  email: 'admin@bench.example',
  password: 'bench admin password',
};

/** `KONTOR_BENCH_PARTS` picks parts: `search`, `baseline` (the naive query beside it) and `list`. */
const PARTS = process.env['KONTOR_BENCH_PARTS'] ?? 'search,baseline,list';

/** The number of customers (`KONTOR_BENCH_CUSTOMERS` makes a smaller run for a quick look). */
export const CUSTOMER_COUNT = Number(process.env['KONTOR_BENCH_CUSTOMERS'] ?? 1_000_000);

/** Loads the data set in a child process (bench/load-customers.ts); not measured. */
export async function load(
  kontor: Kontor,
  tenantId: string,
  master: Buffer,
  store: object,
  count = CUSTOMER_COUNT,
): Promise<number> {
  const started = Date.now();
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'load-customers.ts')], {
    input: JSON.stringify({ count, tenantId, master: master.toString('hex'), store }),
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`loading the customers failed (exit ${child.status})`);
  const tenant = await kontor.stores.tenant(tenantId);
  // The numbering continues after the data set, as it would after an import.
  await tenant.sql.run(
    sql`INSERT INTO ${tenant.sql.table('sequences')} (name, next) VALUES ('customer', ${count + 1})`,
  );
  // As autovacuum leaves a table some time after a bulk load: statistics, and on Postgres the
  // visibility map that lets index-only scans skip the table's rows.
  if (tenant.sql.dialect === 'postgres') {
    const tables = ['customers', 'customer_words', 'customer_word_lists'].map((name) => tenant.sql.table(name));
    await tenant.sql.run(sql`VACUUM (ANALYZE) ${sql.join(tables, sql`, `)}`);
  } else await tenant.sql.run(sql.raw('ANALYZE'));
  const [loaded] = await tenant.sql.rows(sql`SELECT count(*) AS n FROM ${tenant.sql.table('customers')}`);
  if (Number(loaded?.['n']) !== count) throw new Error(`loaded ${String(loaded?.['n'])} customers, not ${count}`);
  return (Date.now() - started) / 1000;
}

/** The naive search: a full-text index ranked by relevance, as a first version would do it. */
interface Baseline {
  label: string;
  prepare(): Promise<void>;
  search(text: string): Promise<unknown>;
  close(): Promise<void>;
}

function fts5Baseline(file: string, key: Buffer): Baseline {
  const raw = openEncryptedSqlite(file, key);
  let query: Statement | undefined;
  let count: Statement | undefined;
  return {
    label: 'FTS5 MATCH, ORDER BY rank, count',
    async prepare() {
      raw.exec(`CREATE VIRTUAL TABLE customers_fts USING fts5(number, name, email, phone, city, tags,
        content='customers', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
        INSERT INTO customers_fts (customers_fts) VALUES ('rebuild');`);
      query = raw.prepare(
        `SELECT c.id, c.name FROM customers_fts f JOIN customers c ON c.rowid = f.rowid
         WHERE customers_fts MATCH ? ORDER BY rank LIMIT 50`,
      );
      count = raw.prepare('SELECT count(*) FROM customers_fts WHERE customers_fts MATCH ?');
    },
    async search(text) {
      // Each word a quoted prefix: user text is never query syntax here either.
      const words = foldForSearch(text)
        .split(/[^\p{L}\p{N}]+/u)
        .filter(Boolean)
        .map((w) => `"${w}"*`);
      if (words.length === 0 || !query || !count) return [];
      const match = words.join(' ');
      return [query.all(match), count.get(match)];
    },
    async close() {
      raw.exec('DROP TABLE IF EXISTS customers_fts');
      raw.close();
    },
  };
}

function tsvectorBaseline(url: string, schema: string): Baseline {
  let db: Awaited<ReturnType<typeof connectPostgres>> | undefined;
  const table = `"${schema}".customers`;
  return {
    label: 'tsvector @@ prefix query, ORDER BY ts_rank, count',
    async prepare() {
      db = await connectPostgres(url);
      await queryRows(
        db.db,
        sql.raw(`ALTER TABLE ${table} ADD COLUMN bench_tsv tsvector GENERATED ALWAYS AS
          (to_tsvector('simple', coalesce(number,'') || ' ' || name || ' ' || coalesce(email,'') || ' ' ||
           coalesce(phone,'') || ' ' || coalesce(city,'') || ' ' || tags)) STORED`),
      );
      await queryRows(db.db, sql.raw(`CREATE INDEX bench_tsv_idx ON ${table} USING gin (bench_tsv)`));
    },
    async search(text) {
      const words = foldForSearch(text)
        .split(/[^\p{L}\p{N}]+/u)
        .filter(Boolean)
        .map((w) => `${w}:*`);
      if (words.length === 0 || !db) return [];
      const q = words.join(' & ');
      return Promise.all([
        queryRows(
          db.db,
          sql`SELECT id, name FROM ${sql.raw(table)} WHERE bench_tsv @@ to_tsquery('simple', ${q})
            ORDER BY ts_rank(bench_tsv, to_tsquery('simple', ${q})) DESC LIMIT 50`,
        ),
        queryRows(db.db, sql`SELECT count(*) FROM ${sql.raw(table)} WHERE bench_tsv @@ to_tsquery('simple', ${q})`),
      ]);
    },
    async close() {
      await db?.close();
    },
  };
}

function rss(): number {
  return process.memoryUsage().rss;
}

async function run(
  dialect: 'sqlite' | 'postgres',
  pgUrl: string | undefined,
  rows: BenchRow[],
  /** Another run went before in this process: its memory shows in this one's RSS. */
  after?: string,
): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kontor-bench-1m-'));
  const keyStore = memoryKeyStore();
  const prefix = `bench${Date.now().toString(36)}_`;
  const connection = dialect === 'postgres' && pgUrl ? await connectPostgres(pgUrl) : null;
  const kontor = await openKontor({
    dataDir,
    migrationsDir: defaultMigrationsDir(),
    database: connection
      ? { kind: 'postgres', connection, schemaPrefix: prefix, ownsConnection: false }
      : { kind: 'sqlite' },
    keyStore,
    settingsFile: join(dataDir, 'settings.json'),
    version: 'bench',
    logger: quietLogger,
  });
  let baseline: Baseline | undefined;
  try {
    const setup = await kontor.router.call('auth.setup', ADMIN, session);
    if (!setup.ok) throw new Error(setup.error.message);
    const tenants = (await kontor.router.call('tenants.list', {}, session)) as { ok: true; value: Tenant[] };
    const tenant = tenants.value[0] as Tenant;
    const master = await keyStore.getKey(keyNames.fieldMaster);
    if (!master) throw new Error('no field master key');
    // Opens the company first (a new company's first open replays its empty log into the projection).
    // (customers.get, not list: a list would remember the empty table's count until the next event.)
    await kontor.router.call('customers.get', { id: '00000000-0000-7000-8000-000000000000' }, session);
    console.error(`bench: loading ${CUSTOMER_COUNT.toLocaleString('en')} customers into ${dialect}…`);
    const key = await keyStore.getOrCreateKey(keyNames.tenantDatabase(tenant.id));
    const seconds = await load(
      kontor,
      tenant.id,
      master,
      connection
        ? { kind: 'postgres', url: pgUrl, schema: tenantSchemaName(prefix, tenant.id) }
        : { kind: 'sqlite', file: tenantDatabaseFile(dataDir, tenant.id), key: key.toString('hex') },
    );
    console.error(`bench:   loaded in ${seconds.toFixed(0)} s`);
    // A long load outlasts the idle lock (Postgres takes about 20 minutes here): unlock as a user would.
    const unlocked = await kontor.router.call('auth.unlock', { password: ADMIN.password }, session);
    if (!unlocked.ok && unlocked.error.code !== 'validation') throw new Error(unlocked.error.message);
    global.gc?.();
    const n = CUSTOMER_COUNT.toLocaleString('en');
    let peak = rss();
    const call = async (input: object) => {
      const result = await kontor.router.call('customers.list', input, session);
      if (!result.ok) throw new Error(`customers.list ${JSON.stringify(input)}: ${result.error.message}`);
      peak = Math.max(peak, rss());
      return result.value as CustomerPage;
    };

    let searched: { times: number[]; slowest: readonly [string, number] | undefined } | undefined;
    if (PARTS.includes('search')) {
      // Search: the committed mix, each query as a new search (first page, its count).
      for (const search of SEARCH_MIX) await call({ search, limit: 50 }); // warm the page cache
      const searchTimes: number[] = [];
      const perQuery = new Map<string, number[]>();
      for (let rep = 0; rep < 5; rep++) {
        for (const search of SEARCH_MIX) {
          const t = await timed(() => call({ search, limit: 50 }));
          searchTimes.push(t);
          perQuery.set(search, [...(perQuery.get(search) ?? []), t]);
        }
      }
      searchTimes.sort((a, b) => a - b);
      if (process.env['KONTOR_BENCH_VERBOSE']) {
        for (const [q, t] of perQuery) console.error(`bench:   ${ms(Math.max(...t)).padStart(10)}  ${q}`);
      }
      const slowest = [...perQuery].map(([q, t]) => [q, Math.max(...t)] as const).sort((a, b) => b[1] - a[1])[0];
      searched = { times: searchTimes, slowest };
    }
    // The naive query runs after the list (below): its own connection and full-text index must not
    // count against the memory of the process being measured.
    const searchRowAt = rows.length;

    // List pages: every sort and direction, at random positions (jumps), and scrolling on by cursor.
    const random = prng(7);
    const total = (await call({ limit: 1 })).total;
    const jumps: number[] = [];
    const scrolls: number[] = [];
    const firstJumps: number[] = [];
    for (const sort of customerSortKeys) {
      for (const direction of ['asc', 'desc'] as const) {
        for (const status of [undefined, ['active']]) {
          for (let i = 0; i < 12; i++) {
            const position = i === 0 ? total - 40 : Math.floor(random() * (total - 40));
            const input = { sort, direction, limit: 40, position, ...(status && { status }) };
            let page: CustomerPage | undefined;
            const t = await timed(async () => (page = await call(input)));
            (i < 3 ? firstJumps : jumps).push(t);
            let cursor = page?.next;
            for (let s = 0; s < 3 && cursor; s++) {
              scrolls.push(await timed(async () => (cursor = (await call({ ...input, cursor })).next)));
            }
          }
        }
      }
    }
    jumps.sort((a, b) => a - b);
    scrolls.sort((a, b) => a - b);
    firstJumps.sort((a, b) => a - b);
    rows.push({
      benchmark: `list page of 40 at a random position (${dialect}, ${n}, 7 sorts × 2 directions × with/without a status filter)`,
      measure: 'p50 / p95, jump · scroll on',
      kontor: `${ms(percentile(jumps, 50))} / ${ms(percentile(jumps, 95))} · ${ms(percentile(scrolls, 50))} / ${ms(percentile(scrolls, 95))}`,
      baseline: `first jumps of an order (remembered keys built): p50 ${ms(percentile(firstJumps, 50))}, max ${ms(firstJumps.at(-1) ?? 0)}`,
      ratio: '—',
      target: 'p95 ≤ 15 ms',
    });
    rows.push({
      benchmark: `main-process memory while searching and scrolling (${dialect}, ${n})`,
      measure: 'peak RSS',
      kontor: `${Math.round(peak / 2 ** 20)} MB${after ? ` (after the ${after} run in this process: measure alone for this number)` : ''}`,
      baseline: '—',
      ratio: '—',
      target: '≤ 300 MB',
    });

    if (searched) {
      const { times: searchTimes, slowest } = searched;
      const naive: number[] = [];
      const broad: number[] = [];
      if (PARTS.includes('baseline')) {
        baseline =
          dialect === 'sqlite'
            ? fts5Baseline(
                tenantDatabaseFile(dataDir, tenant.id),
                await keyStore.getOrCreateKey(keyNames.tenantDatabase(tenant.id)),
              )
            : tsvectorBaseline(pgUrl ?? '', tenantSchemaName(prefix, tenant.id));
        console.error(`bench:   building the naive full-text index for the baseline…`);
        await baseline.prepare();
        for (const search of SEARCH_MIX) await baseline.search(search);
        for (let rep = 0; rep < 3; rep++) {
          for (const search of SEARCH_MIX) {
            const t = await timed(() => baseline?.search(search));
            naive.push(t);
            if (search === 'müll') broad.push(t);
          }
        }
      }
      naive.sort((a, b) => a - b);
      const target = dialect === 'sqlite' ? 10 : 20;
      rows.splice(searchRowAt, 0, {
        benchmark: `search over ${n} customers (${dialect}), ${SEARCH_MIX.length} queries × 5`,
        measure: 'p50 / p95 / max, first page of 50 + count',
        kontor: `${ms(percentile(searchTimes, 50))} / ${ms(percentile(searchTimes, 95))} / ${ms(searchTimes.at(-1) ?? 0)} (slowest: “${slowest?.[0]}”)`,
        baseline: baseline
          ? `${ms(percentile(naive, 50))} / ${ms(percentile(naive, 95))} (${baseline.label}; “müll” ${ms(Math.max(...broad))})`
          : 'not measured (KONTOR_BENCH_PARTS)',
        ratio: baseline ? `${(percentile(searchTimes, 95) / percentile(naive, 95)).toFixed(3)}× naive p95` : '—',
        target: `p95 ≤ ${target} ms`,
      });
    }
  } finally {
    await baseline?.close();
    await kontor.close();
    if (connection) {
      await queryRows(
        connection.db,
        sql.raw(`DO $$ DECLARE s text; BEGIN FOR s IN SELECT nspname FROM pg_namespace WHERE nspname LIKE '${prefix}%'
          LOOP EXECUTE format('DROP SCHEMA %I CASCADE', s); END LOOP; END $$`),
      );
      await connection.close();
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * SQLite (unless `KONTOR_BENCH_SQLITE=0`); Postgres when `KONTOR_BENCH_PG_URL` names a server
 * (`.ci` and this machine: 127.0.0.1).
 */
export async function customerBenchmarks(rows: BenchRow[]): Promise<void> {
  const sqlite = process.env['KONTOR_BENCH_SQLITE'] !== '0';
  if (sqlite) await run('sqlite', undefined, rows);
  const url = process.env['KONTOR_BENCH_PG_URL'];
  if (url) await run('postgres', url, rows, sqlite ? 'SQLite' : undefined);
  else console.error('bench: KONTOR_BENCH_PG_URL is not set, so the Postgres run is skipped');
}

// Customer import from CSV through the router, as `kontor customers import` and the import screen
// call it: 100,000 rows of the generated data set in a German spreadsheet's CSV (`;`, UTF-8 with
// BOM), each row read, checked (identifiers, phone numbers, duplicates in the file and in the
// store), and stored as an event, a projection row, search words and a data key; first into a
// company without customers (the indexes are built once, after the rows), then a tenth as many
// more into the filled company (each row compared with the stored customers, indexes updated row by
// row). Beside it, the raw baseline: csv-parse reading the same file into a plain SQLite table, one
// prepared INSERT per row in one transaction.
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse';
import { openKontor } from '../src/core/app';
import { defaultMigrationsDir } from '../src/core/config';
import { memoryKeyStore, quietLogger } from '../src/core/db/testing';
import type { ImportResult } from '../src/shared/contract';
import { toCsv } from '../src/shared/csv';
import { checkPhone } from '../src/shared/identifiers';
import type { BenchRow } from './customers';
import { customerGenerator } from './customer-data';

/** Rows in the file (`KONTOR_BENCH_IMPORT_ROWS` makes a smaller run for a quick look). */
const ROWS = Number(process.env['KONTOR_BENCH_IMPORT_ROWS'] ?? 100_000);
const HEADER = [
  'Art',
  'Firma',
  'Vorname',
  'Nachname',
  'E-Mail',
  'Telefon',
  'Straße',
  'PLZ',
  'Ort',
  'Land',
  'Schlagworte',
];

/** The generated customers as a spreadsheet would export them; names and emails made unique per row. */
export function writeCustomerCsv(path: string, count: number, from: number): string {
  const generate = customerGenerator(7);
  const rows = Array.from({ length: count }, (_, j) => {
    const i = from + j;
    const c = generate(i);
    const [local, domain] = (c.email ?? 'x@example.com').split('@');
    return {
      Art: c.kind === 'person' ? 'Person' : 'Firma',
      Firma: c.kind === 'company' ? `${c.name} ${i}` : '',
      Vorname: c.firstName ?? '',
      Nachname: c.kind === 'person' ? `${c.lastName ?? ''} ${i}` : '',
      'E-Mail': `${local}.${i}@${domain}`,
      // The generator's numbers are random digits; those that are no number of their country are left out.
      Telefon: c.phone && checkPhone(c.phone, 'DE').ok ? c.phone : '',
      Straße: c.billingAddress?.street ?? '',
      PLZ: c.billingAddress?.postalCode ?? '',
      Ort: c.billingAddress?.city ?? '',
      Land: c.billingAddress?.country ?? '',
      Schlagworte: c.tags.join(', '),
    };
  });
  writeFileSync(path, toCsv(rows, HEADER, ';'));
  return path;
}

/** The raw baseline: csv-parse into a plain table, one prepared INSERT per row, one transaction. */
async function rawLoad(path: string, dir: string): Promise<number> {
  const db = new Database(join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.exec(`CREATE TABLE rows (${HEADER.map((_, i) => `c${i} TEXT`).join(', ')})`);
  const insert = db.prepare(`INSERT INTO rows VALUES (${HEADER.map(() => '?').join(', ')})`);
  const started = process.hrtime.bigint();
  db.exec('BEGIN');
  let first = true;
  for await (const record of createReadStream(path).pipe(parse({ delimiter: ';', bom: true })) as AsyncIterable<
    string[]
  >) {
    if (first) {
      first = false;
      continue;
    }
    insert.run(record);
  }
  db.exec('COMMIT');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  return seconds;
}

export async function importBenchmark(rows: BenchRow[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'kontor-bench-import-'));
  const kontor = await openKontor({
    dataDir: dir,
    migrationsDir: defaultMigrationsDir(),
    database: { kind: 'sqlite' },
    keyStore: memoryKeyStore(),
    settingsFile: join(dir, 'settings.json'),
    version: 'bench',
    logger: quietLogger,
  });
  try {
    const session = { meta: { connection: 'bench-import' } };
    const call = async (name: string, input: unknown) => {
      const result = await kontor.router.call(name, input, session);
      if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
      return result.value;
    };
    await call('auth.setup', {
      company: 'Import Bench GmbH',
      name: 'Bench',
      email: 'admin@bench.example',
      password: 'bench admin password',
    });
    const importFile = async (file: string, count: number) => {
      const fileId = kontor.files.grant('bench-import', file, 'read');
      const started = process.hrtime.bigint();
      const result = (await call('customers.import', { fileId })) as ImportResult;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (result.imported !== count) {
        throw new Error(`imported ${result.imported} of ${count}: ${JSON.stringify(result.rejected.slice(0, 3))}`);
      }
      return seconds;
    };
    console.error(`bench: writing ${ROWS.toLocaleString('en')} rows of CSV…`);
    const file = writeCustomerCsv(join(dir, 'kunden.csv'), ROWS, 0);
    console.error('bench: importing them into a company without customers…');
    const seconds = await importFile(file, ROWS);
    // A later import: every row is also compared with the stored customers, indexes kept up to date.
    const more = Math.max(1, Math.round(ROWS / 10));
    console.error(`bench: importing ${more.toLocaleString('en')} more…`);
    const later = await importFile(writeCustomerCsv(join(dir, 'mehr.csv'), more, ROWS), more);
    const raw = await rawLoad(file, dir);
    const rate = (count: number, s: number) => `${Math.round(count / s).toLocaleString('en')} rows/s`;
    rows.push({
      benchmark: `import ${ROWS.toLocaleString('en')} customers from CSV into a company without any (SQLite)`,
      measure: 'rows per second, whole import',
      kontor: `${rate(ROWS, seconds)} (${seconds.toFixed(1)} s)`,
      baseline: `${rate(ROWS, raw)} (csv-parse into a plain table)`,
      ratio: `${(seconds / raw).toFixed(1)}× the raw load`,
      target: '≥ 10,000 rows/s',
    });
    rows.push({
      benchmark: `then ${more.toLocaleString('en')} more (compared with the stored customers)`,
      measure: 'rows per second, whole import',
      kontor: `${rate(more, later)} (${later.toFixed(1)} s)`,
      baseline: `${rate(ROWS, raw)} (as above)`,
      ratio: `${(later / more / (raw / ROWS)).toFixed(1)}× the raw load per row`,
      target: '≥ 10,000 rows/s',
    });
  } finally {
    await kontor.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

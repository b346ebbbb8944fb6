// Customer import through the router, on both dialects, from real files: every kind of bad row is
// rejected with its row, column and reason; mode `all` keeps nothing when a row is bad, mode
// `valid` keeps the good rows and writes the bad ones to a file; a cancel leaves nothing or whole
// pages; what is imported is a customer like any other (events, search, numbers, replay).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerPage, ImportInspection, ImportResult } from '../../../shared/contract';
import type { Result } from '../../../shared/errors';
import { openTestKontor, testDialects, type TestKontor, value } from '../../db/testing';

const HEADER = 'Firma;E-Mail;Ort;IBAN;Telefon;Kreditlimit;Schlagworte';
const GOOD = [
  'Alpha Handels GmbH;info@alpha.example;Köln;DE89370400440532013000;0221 1234567;"1.500,50";Messe, B2B',
  'Beta Bau KG;kontakt@beta.example;München;;+49 89 1234567;;',
];
/** One bad row of each kind, with the column and a word of the reason it must be rejected for. */
const BAD: [line: string, column: string | null, reason: RegExp][] = [
  [';ohne-name@example.com;Berlin;;;;', 'Firma', /needs a name/],
  ['Gamma GmbH;not-an-email;Berlin;;;;', 'E-Mail', /email/i],
  ['Delta GmbH;;Berlin;DE89370400440532013001;;;', 'IBAN', /iban/i],
  ['Epsilon GmbH;;Hamburg;;;;;überzählig', null, /cells/],
  ['Zeta GmbH;info@alpha.example;Bonn;;;;', 'E-Mail', /same email as row 2/],
  ['=HYPERLINK("http://evil.example");;Berlin;;;;', 'Firma', /formula/],
  ['Eta GmbH;;Berlin;;;zwölf;', 'Kreditlimit', /not a number/],
];

describe.each(testDialects)('customer import on %s', (dialect) => {
  let kontor: TestKontor;
  let dir: string;
  const call = <T>(name: string, input: unknown) => kontor.call(name, input) as Promise<Result<T>>;
  const file = (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return kontor.files.grant('test-admin', path, 'read');
  };
  const total = async () => value(await call<CustomerPage>('customers.list', {})).total;
  const importFile = (fileId: string, input: object = {}) =>
    call<ImportResult>('customers.import', { fileId, ...input });

  beforeAll(async () => {
    kontor = await openTestKontor(dialect);
    dir = mkdtempSync(join(tmpdir(), 'kontor-import-'));
    value(await call('tenants.setup', { name: 'Import GmbH' }));
    value(await call('customers.create', { name: 'Schon Da AG', email: 'bestand@example.com' }));
  });
  afterAll(async () => {
    await kontor.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A UTF-8 file with the good rows, each bad kind once, and one row saved in Windows-1252. */
  function mixedFile(): string {
    const latin = iconv.encode('Theta Bäckerei;;Würzburg;;;;', 'windows-1252');
    const text = [HEADER, ...GOOD, ...BAD.map(([line]) => line), 'Iota GmbH;bestand@example.com;Trier;;;;'];
    return file(
      'mixed.csv',
      Buffer.concat([Buffer.from(`\uFEFF${text.join('\r\n')}\r\n`), latin, Buffer.from('\r\n')]),
    );
  }

  it('inspects a file: encoding, separator, header, preview and the mapping its German headers suggest', async () => {
    const inspected = value(await call<ImportInspection>('customers.inspectImport', { fileId: mixedFile() }));
    expect(inspected).toMatchObject({ format: 'csv', encoding: 'utf-8', delimiter: ';' });
    expect(inspected.header).toEqual(HEADER.split(';'));
    expect(inspected.preview[0]?.[0]).toBe('Alpha Handels GmbH');
    expect(inspected.guess).toEqual({
      Firma: 'name',
      'E-Mail': 'email',
      Ort: 'city',
      IBAN: 'iban',
      Telefon: 'phone',
      Kreditlimit: 'creditLimit',
      Schlagworte: 'tags',
    });
  });

  it('rejects every kind of bad row with row, column and reason; mode all then keeps nothing', async () => {
    const before = await total();
    const result = value(await importFile(mixedFile()));
    expect(result).toMatchObject({ mode: 'all', dryRun: false, rows: 2 + BAD.length + 2, imported: 0 });
    BAD.forEach(([, column, reason], i) => {
      const row = 4 + i;
      const found = result.rejected.filter((r) => r.row === row);
      expect(found, `row ${row}`).toEqual([expect.objectContaining({ column, reason: expect.stringMatching(reason) })]);
    });
    const existing = result.rejected.find((r) => r.row === 4 + BAD.length);
    expect(existing).toMatchObject({
      column: 'E-Mail',
      reason: expect.stringMatching(/likely the same as customer K-\d+ Schon Da AG/),
    });
    const wrongEncoding = result.rejected.filter((r) => r.row === 5 + BAD.length);
    expect(wrongEncoding.map((r) => r.column)).toEqual(['Firma', 'Ort']);
    expect(wrongEncoding[0]?.reason).toMatch(/UTF-8/);
    expect(result.rejected).toHaveLength(BAD.length + 3);
    expect(await total()).toBe(before);
  });

  it('a dry run reports the same and writes nothing', async () => {
    const before = await total();
    const real = value(await importFile(mixedFile()));
    const dry = value(await importFile(mixedFile(), { dryRun: true, mode: 'valid' }));
    expect(dry).toMatchObject({ dryRun: true, imported: 0, rows: real.rows });
    expect(dry.rejected).toEqual(real.rejected);
    expect(await total()).toBe(before);
  });

  it('mode valid imports the good rows as whole customers and writes the rejected ones to a file', async () => {
    const rejectsPath = join(dir, 'rejected.csv');
    const rejectsFileId = kontor.files.grant('test-admin', rejectsPath, 'write');
    const result = value(await importFile(mixedFile(), { mode: 'valid', rejectsFileId }));
    expect(result.imported).toBe(GOOD.length);
    expect(result.rejectedFile).toBe(rejectsPath);

    const page = value(await call<CustomerPage>('customers.list', { search: 'Alpha Handels' }));
    expect(page.items).toHaveLength(1);
    const alpha = value(await call<Record<string, unknown>>('customers.get', { id: page.items[0]?.id }));
    expect(alpha).toMatchObject({
      kind: 'company',
      email: 'info@alpha.example',
      phone: '+492211234567',
      creditLimit: 150050,
      tags: ['Messe', 'B2B'],
      billingAddress: { city: 'Köln' },
      bankAccount: { iban: 'DE89370400440532013000' },
      version: 1,
    });
    const history = value(await call<{ type: string }[]>('customers.history', { id: alpha['id'] }));
    expect(history.map((h) => h.type)).toEqual(['customer.created']);
    // Numbers continue the company's sequence, without gaps.
    const numbers = value(await call<CustomerPage>('customers.list', { sort: 'number' })).items.map((c) => c.number);
    expect(numbers).toEqual(numbers.map((_, i) => `K-${String(i + 1).padStart(5, '0')}`));

    const rejects = readFileSync(rejectsPath, 'utf8');
    expect(rejects.startsWith('\uFEFF')).toBe(true);
    const lines = rejects.slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toBe(`${HEADER};Kontor: row;Kontor: rejected because`);
    expect(lines).toHaveLength(1 + BAD.length + 2);
    // The formula comes back neutralised, never as a formula.
    expect(lines.find((l) => l.includes('HYPERLINK'))).toMatch(/^"?'=HYPERLINK/);

    // A replay of the log gives the same customers.
    const listed = value(await call<CustomerPage>('customers.list', { limit: 100 })).items;
    value(await call('events.replay', {}));
    expect(value(await call<CustomerPage>('customers.list', { limit: 100 })).items).toEqual(listed);
  });

  it('reads Windows-1252 with commas, and XLSX with numbers, dates and formulas', async () => {
    const latin = iconv.encode(
      'Name,City,Country,Credit limit\r\nÖzdemir Möbel,Düsseldorf,Deutschland,2500.75\r\n',
      'windows-1252',
    );
    const csv = value(await importFile(file('latin.csv', latin), { mode: 'valid' }));
    expect(csv).toMatchObject({ imported: 1, rejected: [] });
    const [ozdemir] = value(await call<CustomerPage>('customers.list', { search: 'Ozdemir' })).items;
    expect(ozdemir).toMatchObject({ name: 'Özdemir Möbel', city: 'Düsseldorf', country: 'DE' });

    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Kunden');
    sheet.addRow(['Vorname', 'Nachname', 'Land', 'Kreditlimit', 'Notiz']);
    sheet.addRow(['Anna', 'Schmidt', 'AT', 1200.5, new Date('2024-05-01')]);
    sheet.addRow(['Bernd', 'Formel', 'DE', { formula: '1+1', result: 2 }, '']);
    const path = join(dir, 'people.xlsx');
    await workbook.xlsx.writeFile(path);
    const xlsx = value(await importFile(kontor.files.grant('test-admin', path, 'read'), { mode: 'valid' }));
    expect(xlsx.imported).toBe(1);
    expect(xlsx.rejected).toEqual([{ row: 3, column: 'Kreditlimit', reason: expect.stringMatching(/formula/) }]);
    const [anna] = value(await call<CustomerPage>('customers.list', { search: 'anna schmidt' })).items;
    expect(anna).toMatchObject({ kind: 'person', name: 'Anna Schmidt', country: 'AT' });
    expect(value(await call<Record<string, unknown>>('customers.get', { id: anna?.id }))).toMatchObject({
      creditLimit: 120050,
      notes: '2024-05-01',
    });
  });

  it('refuses a mapping that cannot work, and files not granted to the caller, before reading a row', async () => {
    const fileId = mixedFile();
    const missing = await importFile(fileId, { mapping: { Kundenname: 'name' } });
    expect(missing.ok ? null : missing.error).toMatchObject({
      code: 'validation',
      message: expect.stringMatching(/Kundenname/),
    });
    const noName = await importFile(fileId, { mapping: { 'E-Mail': 'email' } });
    expect(noName.ok ? null : noName.error.message).toMatch(/map a column to the name/);
    const twice = await importFile(fileId, { mapping: { Firma: 'name', Ort: 'name' } });
    expect(twice.ok ? null : twice.error.code).toBe('validation');
    // A colleague who may import cannot use a file granted to another connection.
    const clerk = await kontor.signInAs('clerk');
    const other = await clerk('customers.import', { fileId, dryRun: true });
    expect(other.ok ? null : other.error).toMatchObject({ code: 'not_found', details: { reason: 'no_file' } });
    const unknown = await importFile('not-granted');
    expect(unknown.ok ? null : unknown.error).toMatchObject({ code: 'not_found' });
  });

  it('keeps column mappings under names, per company, to use for the next file', async () => {
    const mapping = { Kundenname: 'name', Mail: 'email' };
    expect(value(await call('customers.importMappings', {}))).toEqual([]);
    value(await call('customers.saveImportMapping', { name: 'Altsystem', mapping }));
    const saved = value(
      await call('customers.saveImportMapping', { name: 'ALTSYSTEM', mapping: { ...mapping, Ort: 'city' } }),
    );
    expect(saved).toEqual([{ name: 'ALTSYSTEM', mapping: { ...mapping, Ort: 'city' } }]);
    const twice = await call('customers.saveImportMapping', { name: 'Doppelt', mapping: { A: 'name', B: 'name' } });
    expect(twice.ok ? null : twice.error.code).toBe('validation');
    expect(value(await call('customers.deleteImportMapping', { name: 'ALTSYSTEM' }))).toEqual([]);
  });

  it('a cancel leaves nothing in mode all and whole pages in mode valid; progress comes per page', async () => {
    const lines = ['Name;Ort'];
    for (let i = 0; i < 1_600; i++) lines.push(`Abbruch ${i} GmbH;Stadt ${i}`);
    const content = lines.join('\n');
    for (const mode of ['all', 'valid'] as const) {
      const before = await total();
      const controller = new AbortController();
      const progress: (number | null)[] = [];
      const result = await kontor.router.call(
        'customers.import',
        { fileId: file(`cancel-${mode}.csv`, content), mode },
        {
          meta: { connection: 'test-admin' },
          signal: controller.signal,
          onProgress: (event) => {
            progress.push(event.done);
            if (event.done >= 1_000) controller.abort();
          },
        },
      );
      expect(result.ok ? null : result.error.details).toMatchObject({ reason: 'cancelled' });
      expect(progress.slice(0, 2)).toEqual([500, 1_000]);
      const kept = (await total()) - before;
      expect(kept).toBe(mode === 'all' ? 0 : 1_000);
    }
  });

  it('leaves the store ready for searches after a large import: statistics, and on Postgres the visibility map', async () => {
    const lines = ['Name;Ort'];
    for (let i = 0; i < 1_200; i++) lines.push(`Statistik ${i} GmbH;Ort ${i}`);
    value(await importFile(file('statistics.csv', lines.join('\n'))));
    const store = await kontor.currentStore();
    if (dialect === 'postgres') {
      // VACUUM sets pages all-visible (relallvisible) and ANALYZE counts the rows (reltuples).
      const name = new PgDialect().sqlToQuery(sql`${store.sql.table('customers')}`).sql;
      const [row] = await store.sql.rows(
        sql`SELECT relallvisible AS visible, reltuples AS tuples FROM pg_class WHERE oid = to_regclass(${name})`,
      );
      expect(Number(row?.['visible'])).toBeGreaterThan(0);
      expect(Number(row?.['tuples'])).toBeGreaterThanOrEqual(1_200);
    } else {
      const rows = await store.sql.rows(sql`SELECT tbl FROM sqlite_stat1 WHERE tbl IN ('customers', 'customer_words')`);
      expect(new Set(rows.map((r) => r['tbl']))).toEqual(new Set(['customers', 'customer_words']));
    }
  });

  it.runIf(dialect === 'sqlite')(
    'keeps no statistics of a small table: once it has grown, a lookup in it still takes its index',
    async () => {
      // A new company: its first open replays its (empty) log and takes statistics, as after any
      // replay, while its tables hold a handful of rows. (The last test: the company stays current.)
      const { id } = value(await call<{ id: string }>('tenants.setup', { name: 'Neu GmbH' }));
      value(await call('auth.switchTenant', { tenantId: id }));
      expect(await total()).toBe(0);
      const store = await kontor.currentStore();
      expect(await store.sql.rows(sql`SELECT tbl FROM sqlite_stat1 WHERE tbl = 'data_keys'`)).toEqual([]);
      await store.sql.run(sql`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
        INSERT INTO data_keys (subject, id, kek_version, wrapped, created_at)
        SELECT 'grown:' || i, 'k' || i, 1, 'w', '' FROM n`);
      const plan = await store.sql.rows(sql`EXPLAIN QUERY PLAN SELECT * FROM data_keys
        WHERE ${store.sql.inList(sql`subject`, ['grown:7'])}`);
      expect(plan.map((row) => String(row['detail'])).join('\n')).toMatch(/SEARCH data_keys USING INDEX/);
      await store.sql.run(sql`DELETE FROM data_keys WHERE subject LIKE 'grown:%'`);
    },
  );
});

// Importing transactions through the router, on both dialects, from real files: a German CSV whose
// headers map by themselves, every kind of bad row reported with its row, column and reason,
// all-or-nothing and valid-rows-only, a dry run that writes nothing, customers made for unknown
// references, and the CDNOW sample read as it was published.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer, SaleImportInspection, SaleImportResult, SalePage } from '../../shared/contract';
import type { Result } from '../../shared/errors';
import { CDNOW_SAMPLE_PATH } from '../analytics/cdnow.testing';
import { openTestKontor, testDialects, type TestKontor, value } from '../db/testing';
import { parseCents, parseDay } from './sales-import';

describe('reading dates and amounts of a transactions file', () => {
  it('reads ISO, German and compact dates, and refuses days that do not exist', () => {
    expect(['2026-03-01', '1.3.2026', '01.03.2026', '20260301'].map(parseDay)).toEqual(Array(4).fill('2026-03-01'));
    expect(['2026-02-30', '31.04.2026', '03/01/2026', 'gestern', ''].map(parseDay)).toEqual(Array(5).fill(null));
  });
  it('reads amounts in either convention to the cent, and refuses fractions of a cent', () => {
    expect(parseCents('1.234,56', ';')).toBe(123456);
    expect(parseCents('1,234.56', ',')).toBe(123456);
    expect(parseCents('-5', ',')).toBe(-500);
    expect(parseCents('29,33 €', ';')).toBe(2933);
    expect(parseCents(0.1 + 0.2, null)).toBe(30);
    expect(parseCents('1,2345', ';')).toBeNull();
    expect(parseCents('zwölf', ';')).toBeNull();
  });
});

describe.each(testDialects)('sales import on %s', (dialect) => {
  let kontor: TestKontor;
  let dir: string;
  let known: Customer;
  const call = <T>(name: string, input: unknown) => kontor.call(name, input) as Promise<Result<T>>;
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return kontor.files.grant('test-admin', path, 'read');
  };
  const importFile = (fileId: string, input: object = {}) =>
    call<SaleImportResult>('sales.import', { fileId, ...input });
  const documents = async (customerId?: string) =>
    value(await call<SalePage>('sales.list', { limit: 500, ...(customerId && { customerId }) }));

  beforeAll(async () => {
    kontor = await openTestKontor(dialect);
    dir = mkdtempSync(join(tmpdir(), 'kontor-sales-import-'));
    known = value(await call<Customer>('customers.create', { name: 'Stamm GmbH' }));
  });
  afterAll(async () => {
    await kontor.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('maps German headers by themselves, rejects every bad row with its reason, and keeps nothing in mode all', async () => {
    const n = known.number;
    const fileId = file(
      'umsatz.csv',
      [
        'Kundennummer;Datum;Betrag;Menge;Belegnummer',
        `${n};02.01.2026;"1.190,00";2;R-1`,
        `${n};2026-01-15;-50;;R-2`,
        `${n};31.02.2026;10;;R-3`,
        `${n};2026-01-16;zehn;;R-4`,
        `${n};2026-01-17;10,005;;R-5`,
        `X-404;2026-01-18;10;;R-6`,
        `${n};2026-01-19;10;;R-1`,
        `;2026-01-20;10;;R-7`,
        `${n};2026-01-21;=SUMME(A1);;R-8`,
      ].join('\n'),
    );
    const result = value(await importFile(fileId));
    expect(result).toMatchObject({ rows: 9, imported: 0, customersCreated: 0, dryRun: false, mode: 'all' });
    expect(result.rejected.map((r) => [r.row, r.column, r.reason])).toEqual([
      [4, 'Datum', expect.stringMatching(/not a date/)],
      [5, 'Betrag', expect.stringMatching(/not an amount/)],
      [6, 'Betrag', expect.stringMatching(/two decimal places/)],
      [7, 'Kundennummer', expect.stringMatching(/no customer has the number X-404/)],
      [8, 'Belegnummer', 'same document number as row 2'],
      [9, 'Kundennummer', 'no customer reference'],
      [10, 'Betrag', expect.stringMatching(/formula/)],
    ]);
    expect((await documents()).items).toEqual([]);

    const valid = value(await importFile(fileId, { mode: 'valid', vatRate: 1900 }));
    expect(valid.imported).toBe(2);
    const [refund, invoice] = (await documents(known.id)).items;
    expect(invoice).toMatchObject({
      kind: 'invoice',
      status: 'paid',
      number: 'R-1',
      date: '2026-01-02',
      net: 119000,
      vat: 22610,
      lines: [{ quantity: '2', unitPrice: 59500, description: 'Imported transaction' }],
    });
    expect(refund).toMatchObject({ kind: 'credit_note', status: 'issued', number: 'R-2', net: -5000 });
    const again = value(await importFile(fileId, { mode: 'valid' }));
    expect(again.imported).toBe(0);
    expect(again.rejected.filter((r) => r.row <= 3).map((r) => r.reason)).toEqual([
      'a document numbered R-1 exists already',
      'a document numbered R-2 exists already',
    ]);
  });

  it('makes customers for unknown references when asked, on a dry run only counting them', async () => {
    const fileId = file(
      'neu.csv',
      [
        'Customer,Customer name,Date,Amount,Description',
        'ALT-1,Altkunde Eins,2026-02-01,100.00,Wartung',
        'ALT-1,Altkunde Eins,2026-02-03,50.50,Teile',
        'ALT-2,,2026-02-02,20.00,',
        'K-99999,Fremd,2026-02-02,20.00,',
      ].join('\n'),
    );
    const dry = value(await importFile(fileId, { createCustomers: true, dryRun: true, mode: 'valid' }));
    expect(dry).toMatchObject({ rows: 4, imported: 0, customersCreated: 2 });
    expect(dry.rejected).toEqual([
      {
        row: 5,
        column: 'Customer',
        reason: expect.stringMatching(/looks like one of this company's customer numbers/),
      },
    ]);
    const before = value(await call<{ total: number }>('customers.list', {})).total;
    expect(value(await call<{ total: number }>('customers.list', {})).total).toBe(before);

    const done = value(await importFile(fileId, { createCustomers: true, mode: 'valid', currency: 'chf' }));
    expect(done).toMatchObject({ imported: 3, customersCreated: 2 });
    const made = value(await call<{ items: Customer[] }>('customers.list', { search: 'Altkunde' })).items;
    expect(made.map((c) => [c.number, c.name, c.status])).toEqual([['ALT-1', 'Altkunde Eins', 'active']]);
    const sales = await documents(made[0]?.id);
    expect(sales.items.map((s) => [s.date, s.net, s.currency, s.lines[0]?.description])).toEqual([
      ['2026-02-03', 5050, 'CHF', 'Teile'],
      ['2026-02-01', 10000, 'CHF', 'Wartung'],
    ]);
    // The second file finds the customers the first one made, by their numbers.
    const next = file('weiter.csv', 'Customer,Date,Amount\nALT-2,2026-03-01,5\n');
    expect(value(await importFile(next))).toMatchObject({ imported: 1, customersCreated: 0 });
  });

  it('shows a file’s columns with a guess, and refuses a mapping without customer, date and amount before reading any row', async () => {
    const fileId = file('ohne.csv', 'Kunde;Wann;Betrag\nK-1;2026-01-01;5\n');
    // What the dialog shows: the columns, the first rows, and which field each header names.
    expect(value(await call<SaleImportInspection>('sales.inspectImport', { fileId }))).toEqual({
      format: 'csv',
      encoding: 'utf-8',
      delimiter: ';',
      header: ['Kunde', 'Wann', 'Betrag'],
      preview: [['K-1', '2026-01-01', '5']],
      guess: { Kunde: 'customer', Wann: null, Betrag: 'amount' },
    });
    const result = await importFile(fileId);
    expect(result).toMatchObject({
      ok: false,
      error: { code: 'validation', details: { reason: 'sales_mapping_required', fields: ['date'] } },
    });
    const mapped = await importFile(fileId, { mapping: { Kunde: 'customer', Wann: 'date', Betrag: 'amount' } });
    expect(value(mapped).rejected[0]?.reason).toMatch(/no customer has the number K-1/);
  });

  it('imports the CDNOW sample: one document per line, one customer per id', async () => {
    const fileId = kontor.files.grant('test-admin', CDNOW_SAMPLE_PATH, 'read');
    const progress: number[] = [];
    const result = await kontor.router.call(
      'sales.import',
      { fileId, format: 'cdnow', createCustomers: true },
      { meta: { connection: 'test-admin' }, onProgress: (p) => progress.push(p.done) },
    );
    expect(value(result)).toMatchObject({ rows: 6919, imported: 6919, customersCreated: 2357, rejected: [] });
    expect(progress.at(-1)).toBe(6919);
    const first = value(await call<{ items: Customer[] }>('customers.list', { search: '0001', limit: 5 })).items;
    const customer = first.find((c) => c.number === '0001');
    const sales = await documents(customer?.id);
    expect(sales.items.map((s) => [s.date, s.gross, s.currency])).toEqual([
      ['1997-12-12', 2648, 'USD'],
      ['1997-08-02', 1496, 'USD'],
      ['1997-01-18', 2973, 'USD'],
      ['1997-01-01', 2933, 'USD'],
    ]);
    expect(sales.items[1]?.lines[0]).toMatchObject({ quantity: '1', unitPrice: 1496 });
    expect(sales.items[0]?.lines[0]).toMatchObject({ quantity: '2', unitPrice: 1324 });
    expect(sales.items[3]?.lines[0]).toMatchObject({
      quantity: '1',
      unitPrice: 2933,
      description: 'Imported transaction (2)',
    });
  });
});

// Customer export through the router, on both dialects: the view's filters and order, CSV as
// English and German spreadsheets read it, XLSX with typed cells, formulas neutralised, a cancel
// that leaves no file, and an export that imports again into another company as it was.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer, CustomerPage, ExportResult, ImportResult } from '../../../shared/contract';
import type { Result } from '../../../shared/errors';
import { openTestKontor, testDialects, type TestKontor, value } from '../../db/testing';

describe.each(testDialects)('customer export on %s', (dialect) => {
  let kontor: TestKontor;
  let dir: string;
  const call = <T>(name: string, input: unknown) => kontor.call(name, input) as Promise<Result<T>>;
  const target = (name: string) => {
    const path = join(dir, name);
    return { path, fileId: kontor.files.grant('test-admin', path, 'write') };
  };
  const exportTo = async (name: string, input: object) => {
    const { path, fileId } = target(name);
    return { path, result: value(await call<ExportResult>('customers.export', { fileId, ...input })) };
  };

  beforeAll(async () => {
    kontor = await openTestKontor(dialect);
    dir = mkdtempSync(join(tmpdir(), 'kontor-export-'));
    value(await call('tenants.setup', { name: 'Export GmbH' }));
    value(
      await call('customers.create', {
        name: 'Nordlicht Handels GmbH',
        email: 'info@nordlicht.example',
        phone: '+49 40 1234567',
        billingAddress: { street: 'Hafenstraße 1', postalCode: '20457', city: 'Hamburg', country: 'DE' },
        bankAccount: { iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' },
        paymentTerms: { days: 30, discountPercent: 2.5, discountDays: 10 },
        creditLimit: 150050,
        tags: ['Messe', 'Nord'],
        notes: 'Zahlt pünktlich; "gern" per Mail',
      }),
    );
    value(await call('customers.create', { kind: 'person', firstName: 'Anna', lastName: 'Ähnlich', status: 'lead' }));
    value(await call('customers.create', { name: '=HYPERLINK("http://evil.example","klick")', status: 'prospect' }));
  });
  afterAll(async () => {
    await kontor.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes English CSV: BOM, commas, numbers as numbers, formulas neutralised, in the view’s order', async () => {
    const { path, result } = await exportTo('en.csv', {
      format: 'csv',
      columns: ['number', 'name', 'creditLimit', 'status'],
    });
    expect(result).toEqual({ rows: 3, file: path });
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith('\uFEFFNumber,Name,Credit limit,Status\r\n')).toBe(true);
    const lines = text.slice(1).trimEnd().split('\r\n').slice(1);
    // Sorted by name: the formula text sorts first, then Anna Ähnlich, then Nordlicht.
    expect(lines).toEqual([
      expect.stringMatching(/^K-00003,"'=HYPERLINK\(""http:\/\/evil.example"",""klick""\)",,Prospect$/),
      expect.stringMatching(/^K-00002,Anna Ähnlich,,Lead$/),
      expect.stringMatching(/^K-00001,Nordlicht Handels GmbH,1500.5,Active$/),
    ]);
  });

  it('writes German CSV with semicolons and decimal commas, and only the customers of the view', async () => {
    const { path, result } = await exportTo('de.csv', {
      format: 'csv',
      language: 'de',
      query: { status: ['active', 'lead'], sort: 'number', direction: 'desc' },
      columns: ['number', 'kind', 'name', 'creditLimit', 'discountPercent', 'status', 'tags'],
    });
    expect(result.rows).toBe(2);
    const lines = readFileSync(path, 'utf8').slice(1).trimEnd().split('\r\n');
    expect(lines).toEqual([
      'Nummer;Art;Name;Kreditlimit;Skonto;Status;Schlagworte',
      'K-00002;Person;Anna Ähnlich;;;Lead;',
      'K-00001;Firma;Nordlicht Handels GmbH;1500,5;2,5;Aktiv;Messe, Nord',
    ]);
  });

  it('writes XLSX with typed cells: numbers and dates as such, formula text as a string, never a formula', async () => {
    const { path } = await exportTo('all.xlsx', { format: 'xlsx', language: 'de' });
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(path);
    const sheet = workbook.getWorksheet('Kunden');
    const header = (sheet?.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 3)).toEqual(['Nummer', 'Art', 'Name']);
    const column = (name: string) => header.indexOf(name) + 1;
    const row = (n: number) => sheet?.getRow(n);
    expect(row(2)?.getCell(column('Name')).value).toBe('=HYPERLINK("http://evil.example","klick")');
    expect(row(2)?.getCell(column('Name')).type).toBe(ExcelJS.ValueType.String);
    expect(row(4)?.getCell(column('Kreditlimit')).value).toBe(1500.5);
    expect(row(4)?.getCell(column('Angelegt')).value).toBeInstanceOf(Date);
    expect(row(4)?.getCell(column('IBAN')).value).toBe('DE89370400440532013000');
  });

  it('imports again into another company as it was exported', async () => {
    const { path } = await exportTo('roundtrip.csv', { format: 'csv', language: 'de' });
    const whole = async (items: readonly { id: string }[]) =>
      Promise.all(items.map(async ({ id }) => value(await call<Customer>('customers.get', { id }))));
    const strip = ({ id: _i, number: _n, version: _v, createdAt: _c, updatedAt: _u, ...rest }: Customer) => rest;
    const original = await whole(value(await call<CustomerPage>('customers.list', {})).items);
    const before = original.filter((c) => !c.name.startsWith('=')).map(strip);
    const second = value(await call<{ id: string }>('tenants.setup', { name: 'Zweite GmbH' }));
    value(await call('auth.switchTenant', { tenantId: second.id }));
    const fileId = kontor.files.grant('test-admin', path, 'read');
    const imported = value(await call<ImportResult>('customers.import', { fileId }));
    expect(imported).toMatchObject({
      imported: 0,
      rejected: [{ column: 'Name', reason: expect.stringMatching(/formula/) }],
    });
    const valid = value(await call<ImportResult>('customers.import', { fileId, mode: 'valid' }));
    expect(valid.imported).toBe(2);
    const copies = value(await call<CustomerPage>('customers.list', {})).items;
    expect((await whole(copies)).map(strip)).toEqual(before);
  });

  it('a cancel writes no file, and every export is in the audit log', async () => {
    const { path, fileId } = target('cancelled.csv');
    const controller = new AbortController();
    controller.abort();
    const result = await kontor.router.call(
      'customers.export',
      { fileId, format: 'csv' },
      { meta: { connection: 'test-admin' }, signal: controller.signal },
    );
    expect(result.ok ? null : result.error.details).toMatchObject({ reason: 'cancelled' });
    expect(existsSync(path)).toBe(false);
    expect(existsSync(`${path}.part`)).toBe(false);
    const audit = value(await call<{ items: { details: unknown }[] }>('audit.list', { action: 'customers.exported' }));
    expect(audit.items.length).toBeGreaterThanOrEqual(4);
    expect(audit.items[0]?.details).toMatchObject({ rows: expect.any(Number), format: 'csv' });
  });
});

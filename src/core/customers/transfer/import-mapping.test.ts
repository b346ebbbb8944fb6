// The parts of an import that need no store: reading files (encodings, separators), guessing the
// mapping from English and German headers, and numbers as spreadsheets write them.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { guessMapping, parseDecimal, rowReader } from './import-mapping';
import { detectDelimiter, openTable, type SourceRow } from './table-source';

const dir = mkdtempSync(join(tmpdir(), 'kontor-table-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rowsOf(name: string, content: string | Buffer) {
  const path = join(dir, name);
  writeFileSync(path, content);
  const source = await openTable(path);
  const rows: SourceRow[] = [];
  for await (const row of source.rows()) rows.push(row);
  await source.close();
  return { source, rows };
}

describe('reading a table', () => {
  it.each([
    ['UTF-8 with BOM', Buffer.from('\uFEFFName;Ort\r\nMüller;Köln\r\n'), 'utf-8', ';'],
    ['UTF-8 without BOM', Buffer.from('Name,Ort\nMüller,Köln\n'), 'utf-8', ','],
    ['Windows-1252', iconv.encode('Name\tOrt\r\nMüller\tKöln\r\n', 'windows-1252'), 'windows-1252', '\t'],
  ])('%s', async (_, content, encoding, delimiter) => {
    const { source, rows } = await rowsOf(`t-${encoding}-${delimiter === '\t' ? 'tab' : delimiter}.csv`, content);
    expect(source).toMatchObject({ format: 'csv', encoding, delimiter, header: ['Name', 'Ort'] });
    expect(rows).toEqual([{ row: 2, cells: ['Müller', 'Köln'] }]);
  });

  it('keeps row numbers as a spreadsheet shows them, with quoted separators and line breaks in cells', async () => {
    const { rows } = await rowsOf('quoted.csv', 'Name;Notiz\n"A; B";"zwei\nZeilen"\n\n;\nC;"sagt ""hallo"""\n');
    expect(rows).toEqual([
      { row: 2, cells: ['A; B', 'zwei\nZeilen'] },
      { row: 5, cells: ['C', 'sagt "hallo"'] },
    ]);
  });

  it('takes the separator found most often outside quotes', () => {
    expect(detectDelimiter('"a;b",c,d')).toBe(',');
    expect(detectDelimiter('Name;E-Mail, privat;Ort')).toBe(';');
    expect(detectDelimiter('Name')).toBe(',');
  });

  it('refuses an empty file and names a missing one', async () => {
    await expect(rowsOf('empty.csv', '')).rejects.toMatchObject({
      code: 'validation',
      details: { reason: 'file_empty' },
    });
    await expect(openTable(join(dir, 'nope.csv'))).rejects.toMatchObject({ details: { reason: 'file_unreadable' } });
  });
});

describe('the mapping', () => {
  it('guesses fields from English and German headers, each field once', () => {
    expect(
      guessMapping([
        'Firma',
        'E-Mail',
        'Straße',
        'PLZ',
        'Ort',
        'Land',
        'USt-IdNr.',
        'Telefon',
        'Handy',
        'Notizen',
        'Spalte X',
        'Name',
      ]),
    ).toEqual({
      Firma: 'name',
      'E-Mail': 'email',
      Straße: 'street',
      PLZ: 'postalCode',
      Ort: 'city',
      Land: 'country',
      'USt-IdNr.': 'vatId',
      Telefon: 'phone',
      Handy: 'mobile',
      Notizen: 'notes',
      'Spalte X': null,
      Name: null,
    });
    expect(guessMapping(['First name', 'Last name', 'ZIP code', 'City', 'IBAN', 'Credit limit', 'Tags'])).toEqual({
      'First name': 'firstName',
      'Last name': 'lastName',
      'ZIP code': 'postalCode',
      City: 'city',
      IBAN: 'iban',
      'Credit limit': 'creditLimit',
      Tags: 'tags',
    });
  });

  it.each([
    ['1.234,56', ';', 1234.56],
    ['1,234.56', ',', 1234.56],
    ['12,5', ';', 12.5],
    ['12.5', ',', 12.5],
    ['1.500', ';', 1500],
    ['1.500', ',', 1.5],
    ['1,000,000', ',', 1_000_000],
    ['2 %', ';', 2],
    ['€ 99', ';', 99],
    ['-3', ',', -3],
    ['zwölf', ';', null],
    ['1.2.3', ',', null],
  ] as const)('reads %s (separator %s) as %s', (text, delimiter, expected) => {
    expect(parseDecimal(text, delimiter)).toBe(expected);
  });

  it('reads kinds, statuses, countries and terms as people write them', () => {
    const header = ['Art', 'Name', 'Status', 'Land', 'Zahlungsziel', 'Skonto', 'Skontotage'];
    const reader = rowReader(header, guessMapping(header), ';');
    expect(reader.read(['Firma', 'Nord GmbH', 'Interessent', 'Österreich', '30', '2,5', '10'])).toEqual({
      ok: true,
      fields: expect.objectContaining({
        kind: 'company',
        status: 'prospect',
        billingAddress: expect.objectContaining({ country: 'AT' }),
        paymentTerms: { days: 30, discountPercent: 2.5, discountDays: 10 },
      }),
    });
    const bad = reader.read(['Verein', 'Süd e.V.', 'archiviert', 'Atlantis', '', '2', '']);
    expect(bad.ok ? [] : bad.problems.map((p) => p.column)).toEqual(['Art', 'Status', 'Skonto']);
    // A phone number starts with + and is no formula; + followed by a word is one.
    const phones = rowReader(['Name', 'Telefon'], { Name: 'name', Telefon: 'phone' }, ';');
    expect(phones.read(['A', '+49 30 1234567']).ok).toBe(true);
    // An export's apostrophe before + is dropped; before a formula, the formula is still refused.
    expect(phones.read(['A', "'+49 30 1234567"])).toMatchObject({ ok: true, fields: { phone: '+49 30 1234567' } });
    expect(phones.read(["'=1+1", '']).ok).toBe(false);
    expect(phones.read(['A', '+cmd|calc']).ok).toBe(false);
    expect(phones.read(['-x', '']).ok).toBe(false);
  });
});

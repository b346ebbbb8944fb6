// Files no spreadsheet writes, given to the imports: cut off, damaged, binary, one endless line,
// a zip bomb posing as a workbook, empty. Each is refused with a clear message (or its rows are
// refused one by one) and nothing is imported.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import ExcelJS from 'exceljs';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CustomerPage } from '../../../shared/contract';
import { openTestKontor, type TestKontor, value } from '../../db/testing';

describe('hostile files given to the imports', () => {
  let kontor: TestKontor;
  const dir = mkdtempSync(join(tmpdir(), 'kontor-hostile-files-'));
  let workbook: Buffer;

  beforeAll(async () => {
    kontor = await openTestKontor('sqlite');
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Kunden');
    sheet.addRow(['Firma', 'E-Mail', 'Ort']);
    for (let i = 0; i < 200; i++) sheet.addRow([`Firma ${i} GmbH`, `info${i}@firma.example`, 'Köln']);
    workbook = Buffer.from(await book.xlsx.writeBuffer());
  });
  afterAll(async () => {
    await kontor.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const customers = async () => value<CustomerPage>(await kontor.call('customers.list', {})).total;

  /** A workbook whose one part inflates from a few kilobytes to 64 MB. */
  function zipBomb(): Buffer {
    const sheet = Buffer.alloc(64 << 20, 0x20);
    return Buffer.from(
      zipSync({
        '[Content_Types].xml': new TextEncoder().encode('<?xml version="1.0"?><Types/>'),
        'xl/worksheets/sheet1.xml': sheet,
      }),
    );
  }

  const cases: [string, () => Buffer, RegExp][] = [
    ['an empty file', () => Buffer.alloc(0), /empty/],
    ['a workbook cut in half', () => workbook.subarray(0, Math.floor(workbook.length / 2)), /workbook/],
    [
      'a workbook with damaged bytes',
      () => {
        const damaged = Buffer.from(workbook);
        damaged.fill(0x00, 2000, 4000);
        return damaged;
      },
      /workbook/,
    ],
    ['a zip bomb posing as a workbook', zipBomb, /zip bomb|unpacks/],
    [
      'one line of 4 MB without a line end',
      () => Buffer.from(`Firma;Ort\n${'x'.repeat(4 << 20)}`),
      /not readable as CSV/,
    ],
    ['random bytes', () => randomBytes(64 << 10), /./],
  ];

  for (const [what, make, message] of cases) {
    it(`refuses ${what}, importing nothing`, async () => {
      const before = await customers();
      const path = join(dir, `${what.replaceAll(' ', '-')}.bin`);
      writeFileSync(path, make());
      const fileId = kontor.files.grant('test-admin', path, 'read');
      const inspected = await kontor.call('customers.inspectImport', { fileId });
      const imported = await kontor.call('customers.import', { fileId, mapping: { Firma: 'name' } });
      // Either refused whole with a message naming the problem, or every row refused on its own.
      if (!imported.ok) {
        expect(imported.error.code, what).toBe('validation');
        expect(imported.error.message, what).toMatch(message);
      } else {
        expect((imported.value as { imported: number }).imported, what).toBe(0);
      }
      if (!inspected.ok) expect(inspected.error.code, what).toBe('validation');
      expect(await customers(), what).toBe(before);
    });
  }

  it('still imports the good workbook (the checks refuse only what they should)', async () => {
    const path = join(dir, 'good.xlsx');
    writeFileSync(path, workbook);
    const fileId = kontor.files.grant('test-admin', path, 'read');
    const imported = value<{ imported: number }>(
      await kontor.call('customers.import', { fileId, mapping: { Firma: 'name', 'E-Mail': 'email', Ort: 'city' } }),
    );
    expect(imported.imported).toBe(200);
    expect(readFileSync(path).length).toBe(workbook.length);
  });
});

// Exporting the customers of a view (its filters, search, order and columns) to CSV or XLSX, page
// by page: the list's keyset pages, the whole records of each page, one file row per customer. The
// file is written next to its destination and renamed into place when complete, so a crash or a
// cancel never leaves half an export under the name the user chose.
//
// Headers are the field names in the user's language, the same the import recognises, so an
// export opens in a spreadsheet and imports again as it is. CSV cells that would start a formula
// are prefixed with an apostrophe (src/shared/csv.ts); XLSX cells are typed (text is a string
// cell, never a formula), numbers are numbers in both.
import { createWriteStream, type WriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import ExcelJS from 'exceljs';
import type { Customer, CustomerListQuery, CustomerStatus, ExportColumn, ExportResult } from '../../../shared/contract';
import { columnLabels, exportColumns } from '../../../shared/contract';
import { CSV_BOM, csvLine } from '../../../shared/csv';
import { AppError } from '../../../shared/errors';
import { yieldToEventLoop } from '../../yield';
import type { CustomersService } from '../customers.service';

export type ExportLanguage = 'de' | 'en';

/** Customers per page of the list read for an export. */
const PAGE = 500;

const KIND_WORDS: Readonly<Record<ExportLanguage, Readonly<Record<Customer['kind'], string>>>> = {
  en: { company: 'Company', person: 'Person' },
  de: { company: 'Firma', person: 'Person' },
};
const STATUS_WORDS: Readonly<Record<ExportLanguage, Readonly<Record<CustomerStatus, string>>>> = {
  en: { lead: 'Lead', prospect: 'Prospect', active: 'Active', inactive: 'Inactive', archived: 'Archived' },
  de: { lead: 'Lead', prospect: 'Interessent', active: 'Aktiv', inactive: 'Inaktiv', archived: 'Archiviert' },
};

type CellValue = string | number | Date | null;

/** A customer's value for a column: text, a number (money in major units) or a date. */
function valueOf(customer: Customer, column: ExportColumn, language: ExportLanguage): CellValue {
  const billing = customer.billingAddress;
  const shipping = customer.shippingAddress;
  switch (column) {
    case 'kind':
      return KIND_WORDS[language][customer.kind];
    case 'status':
      return STATUS_WORDS[language][customer.status];
    case 'street':
    case 'postalCode':
    case 'city':
    case 'country':
      return billing?.[column] ?? null;
    case 'shippingStreet':
      return shipping?.street ?? null;
    case 'shippingPostalCode':
      return shipping?.postalCode ?? null;
    case 'shippingCity':
      return shipping?.city ?? null;
    case 'shippingCountry':
      return shipping?.country ?? null;
    case 'iban':
      return customer.bankAccount?.iban ?? null;
    case 'bic':
      return customer.bankAccount?.bic ?? null;
    case 'accountHolder':
      return customer.bankAccount?.holder ?? null;
    case 'paymentDays':
      return customer.paymentTerms?.days ?? null;
    case 'discountPercent':
      return customer.paymentTerms?.discountPercent ?? null;
    case 'discountDays':
      return customer.paymentTerms?.discountDays ?? null;
    case 'creditLimit':
      return customer.creditLimit === null ? null : customer.creditLimit / 100;
    case 'tags':
      return customer.tags.join(', ');
    case 'createdAt':
    case 'updatedAt':
      return new Date(customer[column]);
    default:
      return customer[column];
  }
}

/** Where rows go: a CSV stream or an XLSX workbook, both written next to the destination first. */
interface RowSink {
  add(values: readonly CellValue[]): Promise<void>;
  finish(): Promise<void>;
  abandon(): Promise<void>;
}

async function write(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
}

function csvSink(path: string, header: readonly string[], language: ExportLanguage): RowSink {
  const separator = language === 'de' ? ';' : ',';
  const stream = createWriteStream(path, { mode: 0o600 });
  let started = write(stream, `${CSV_BOM}${csvLine(header, separator)}`);
  const iso = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 19);
  return {
    async add(values) {
      await started;
      started = write(
        stream,
        csvLine(
          values.map((v) => (v instanceof Date ? iso(v) : v)),
          separator,
        ),
      );
    },
    async finish() {
      await started;
      stream.end();
      await once(stream, 'close');
    },
    async abandon() {
      // The file is opened asynchronously: wait until it is closed, or it appears after the rm.
      if (!stream.closed) {
        const closed = once(stream, 'close');
        stream.destroy();
        await closed;
      }
      await rm(path, { force: true });
    },
  };
}

function xlsxSink(path: string, header: readonly string[], sheetName: string): RowSink {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.addRow([...header]).commit();
  return {
    async add(values) {
      const row = sheet.addRow(values.map((v) => v ?? null));
      values.forEach((v, i) => {
        if (v instanceof Date) row.getCell(i + 1).numFmt = 'yyyy-mm-dd hh:mm';
      });
      row.commit();
    },
    async finish() {
      sheet.commit();
      await workbook.commit();
    },
    async abandon() {
      await workbook.commit().catch(() => undefined);
      await rm(path, { force: true });
    },
  };
}

export interface ExportOptions {
  readonly customers: CustomersService;
  readonly path: string;
  readonly format: 'csv' | 'xlsx';
  readonly language: ExportLanguage;
  readonly query: Omit<CustomerListQuery, 'limit' | 'position' | 'cursor'>;
  readonly columns?: readonly ExportColumn[] | undefined;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number) => void;
}

export async function exportCustomers(options: ExportOptions): Promise<ExportResult> {
  const { customers, path, format, language, signal, onProgress } = options;
  const columns = options.columns ?? exportColumns;
  const header = columns.map((c) => columnLabels[language][c]);
  const partial = `${path}.part`;
  const sink =
    format === 'csv'
      ? csvSink(partial, header, language)
      : xlsxSink(partial, header, language === 'de' ? 'Kunden' : 'Customers');
  let rows = 0;
  try {
    let cursor: string | undefined;
    for (;;) {
      if (signal?.aborted) {
        throw new AppError('conflict', 'export cancelled: no file was written', { reason: 'cancelled' });
      }
      const page = await customers.list({ ...options.query, limit: PAGE, position: 0, ...(cursor && { cursor }) });
      const records = await customers.getMany(page.items.map((item) => item.id));
      for (const item of page.items) {
        const customer = records.get(item.id);
        if (!customer) continue; // deleted since the page was read
        await sink.add(columns.map((column) => valueOf(customer, column, language)));
        rows += 1;
      }
      onProgress?.(rows, Math.max(rows, page.total));
      if (page.next === null) break;
      cursor = page.next;
      await yieldToEventLoop();
    }
    await sink.finish();
    await rename(partial, path);
  } catch (error) {
    await sink.abandon();
    throw error;
  }
  return { rows, file: path };
}

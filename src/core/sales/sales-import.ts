// Importing transactions (customer, date, amount) as sales documents, page by page: each row is
// read from a CSV/XLSX file through a column mapping, or from the CDNOW format; its customer is
// found by customer number (or, when asked, made, keeping the reference as its number); each
// transaction becomes a paid invoice of one line (a credit note when its amount is negative),
// stored through the event log with the page's other documents.
//
// Modes as in the customer import: `all` writes everything in one transaction and keeps it only
// when no row was rejected; `valid` commits page by page and reports the rejected rows. A dry run
// reads and checks everything and writes nothing.
import { readFile, stat } from 'node:fs/promises';
import {
  customerCreateSchema,
  saleImportFields,
  type SaleImportField,
  type SaleImportMapping,
  type SaleImportResult,
  type RejectedRow,
} from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { dayNumber } from '../analytics/summary';
import type { CustomersRepo } from '../customers/customers.repo';
import type { BulkCreate, CustomerDraft } from '../customers/customers.service';
import { cellValue, guessFromHeaders, headerKey, parseDecimal } from '../customers/transfer/import-mapping';
import type { TableSource } from '../customers/transfer/table-source';
import { importCancelled } from '../customers/transfer/customer-import';
import type { Executor } from '../db/executor';
import type { EventMeta, EventStore } from '../events/event-store';
import type { IdSource } from '../deps';
import { yieldToEventLoop } from '../yield';
import { parseCdnow } from './cdnow';
import type { SalesRepo } from './sales.repo';
import { createdSale, saleEvent, saleStream, type SaleDocument } from './sales.events';

/** Rows per page: looked up, checked and stored together. */
const PAGE = 1000;
/** The CDNOW format is read whole: a file larger than this is not one. */
const MAX_CDNOW_BYTES = 256 << 20;
const MAX_REFERENCE = 40;

/** One transaction as read from a row. */
export interface Transaction {
  readonly customer: string;
  readonly customerName: string | null;
  readonly date: string;
  /** Cents; negative for a refund. */
  readonly amount: number;
  readonly quantity: string | null;
  readonly number: string | null;
  readonly description: string | null;
}

interface Problem {
  readonly column: string | null;
  readonly reason: string;
}

export type TransactionRow =
  | { readonly row: number; readonly ok: true; readonly transaction: Transaction }
  | { readonly row: number; readonly ok: false; readonly problems: readonly Problem[] };

export interface TransactionSource {
  /** The column a field comes from, for the report (null: the file has no columns). */
  columnOf(field: SaleImportField): string | null;
  /** Bytes read of `size`, for progress. */
  readonly size: number;
  bytesRead(): number;
  rows(): AsyncIterable<TransactionRow>;
  close(): Promise<void>;
}

/** Headers that name a field, in English and German, as `headerKey` folds them. */
const SYNONYMS: Readonly<Record<SaleImportField, readonly string[]>> = {
  customer: [
    'customer',
    'customer number',
    'customer no',
    'customer id',
    'kunde',
    'kundennummer',
    'kunden nr',
    'kundennr',
    'debitor',
    'debitorennummer',
  ],
  customerName: ['customer name', 'name', 'kundenname', 'firma', 'company'],
  date: [
    'date',
    'datum',
    'belegdatum',
    'rechnungsdatum',
    'invoice date',
    'order date',
    'transaction date',
    'buchungsdatum',
  ],
  amount: ['amount', 'betrag', 'net', 'net amount', 'netto', 'nettobetrag', 'umsatz', 'revenue', 'sales', 'total'],
  quantity: ['quantity', 'qty', 'menge', 'anzahl', 'items', 'stück', 'stueck'],
  number: [
    'document number',
    'invoice number',
    'invoice no',
    'number',
    'belegnummer',
    'belegnr',
    'rechnungsnummer',
    'rechnungsnr',
  ],
  description: ['description', 'beschreibung', 'text', 'artikel', 'item', 'product', 'produkt', 'bezeichnung'],
};
const BY_HEADER = new Map<string, SaleImportField>(
  saleImportFields.flatMap((field) => SYNONYMS[field].map((synonym) => [headerKey(synonym), field] as const)),
);

/** The mapping the headers suggest: each field from the first column that names it. */
export const guessSaleMapping = (header: readonly string[]): SaleImportMapping => guessFromHeaders(header, BY_HEADER);

/** `YYYY-MM-DD`, `DD.MM.YYYY` or `YYYYMMDD` as `YYYY-MM-DD`; null when it is none of them or no real day. */
export function parseDay(text: string): string | null {
  const german = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(text);
  const compact = /^(\d{4})(\d{2})(\d{2})$/.exec(text);
  const day = german
    ? `${german[3]}-${german[2]?.padStart(2, '0')}-${german[1]?.padStart(2, '0')}`
    : compact
      ? `${compact[1]}-${compact[2]}-${compact[3]}`
      : text;
  return Number.isNaN(dayNumber(day)) ? null : day;
}

/** An amount in cents: `1.234,56`, `1,234.56`, `-5`, or an XLSX number; null when not a money amount. */
export function parseCents(value: string | number, delimiter: ';' | ',' | '\t' | null): number | null {
  const number = typeof value === 'number' ? value : parseDecimal(value, delimiter);
  if (number === null || !Number.isFinite(number)) return null;
  const cents = Math.round(number * 100);
  return Math.abs(number * 100 - cents) < 1e-6 && Number.isSafeInteger(cents) ? cents : null;
}

/** A CSV or XLSX file's rows through a mapping (or the headers' guess). */
export function tableTransactions(table: TableSource, given: SaleImportMapping | undefined): TransactionSource {
  const mapping = given ?? guessSaleMapping(table.header);
  const missing = Object.entries(mapping).filter(([column, field]) => field && !table.header.includes(column));
  if (missing.length > 0) {
    throw new AppError(
      'validation',
      `the mapping names columns the file does not have: ${missing.map(([c]) => c).join(', ')}`,
      { reason: 'mapping_columns', columns: missing.map(([c]) => c) },
    );
  }
  const columnOf = new Map<SaleImportField, { index: number; header: string }>();
  table.header.forEach((header, index) => {
    const field = mapping[header];
    if (field && !columnOf.has(field)) columnOf.set(field, { index, header });
  });
  const needed = (['customer', 'date', 'amount'] as const).filter((field) => !columnOf.has(field));
  if (needed.length > 0) {
    throw new AppError('validation', `map a column to each of: ${needed.join(', ')}`, {
      reason: 'sales_mapping_required',
      fields: needed,
    });
  }
  const header = (field: SaleImportField) => columnOf.get(field)?.header ?? null;

  function read(cells: readonly (string | number | { problem: 'encoding' | 'formula'; text: string })[]) {
    const problems: Problem[] = [];
    const values = new Map<SaleImportField, string | number>();
    const unreadable = new Set<SaleImportField>();
    for (const [field, { index, header: column }] of columnOf) {
      const value = cellValue(cells[index] ?? '');
      if (value === null) continue;
      if (typeof value === 'object') {
        problems.push({ column, reason: value.problem });
        unreadable.add(field);
      } else values.set(field, value);
    }
    /** A field whose cell is missing; one that could not be read was reported already. */
    const absent = (field: SaleImportField) => !values.has(field) && !unreadable.has(field);
    const text = (field: SaleImportField) => {
      const value = values.get(field);
      return value === undefined ? null : String(value);
    };
    const problem = (field: SaleImportField, reason: string) => problems.push({ column: header(field), reason });
    const customer = text('customer');
    if (customer !== null && customer.length > MAX_REFERENCE) {
      problem('customer', `a customer reference has at most ${MAX_REFERENCE} characters`);
    }
    const dateText = text('date');
    const date = dateText === null ? null : parseDay(dateText);
    if (dateText !== null && date === null) {
      problem('date', `not a date (YYYY-MM-DD or DD.MM.YYYY): ${dateText.slice(0, 40)}`);
    }
    const amountValue = values.get('amount');
    const amount = amountValue === undefined ? null : parseCents(amountValue, table.delimiter);
    if (amountValue !== undefined && amount === null) {
      problem('amount', `not an amount with at most two decimal places: ${String(amountValue).slice(0, 40)}`);
    }
    const required = { customer: 'no customer reference', date: 'no date', amount: 'no amount' } as const;
    for (const [field, reason] of Object.entries(required)) {
      if (absent(field as SaleImportField)) problem(field as SaleImportField, reason);
    }
    const quantityValue = text('quantity');
    const quantity = quantityValue === null ? null : String(parseDecimal(quantityValue, table.delimiter));
    if (quantityValue !== null && !/^\d{1,9}(\.\d{1,3})?$/.test(quantity ?? '')) {
      problem('quantity', `not a quantity: ${quantityValue.slice(0, 40)}`);
    }
    if (problems.length > 0 || customer === null || date === null || amount === null) {
      return { ok: false as const, problems };
    }
    return {
      ok: true as const,
      transaction: {
        customer,
        customerName: text('customerName'),
        date,
        amount,
        quantity,
        number: text('number')?.slice(0, 40) ?? null,
        description: text('description')?.slice(0, 500) ?? null,
      },
    };
  }

  return {
    columnOf: header,
    size: table.size,
    bytesRead: () => table.bytesRead(),
    async *rows() {
      for await (const { row, cells } of table.rows()) {
        const extra = cells.slice(table.header.length).some((cell) => typeof cell !== 'string' || cell.trim() !== '');
        if (extra) {
          yield {
            row,
            ok: false,
            problems: [{ column: null, reason: `the row has more cells than the header names columns` }],
          };
          continue;
        }
        yield { row, ...read(cells) };
      }
    },
    close: () => table.close(),
  };
}

/** A CDNOW file (`kontor sales import --format cdnow`): customer id, date, items and amount per line. */
export async function cdnowTransactions(path: string): Promise<TransactionSource> {
  const { size } = await stat(path).catch(() => {
    throw new AppError('validation', `no file at ${path}`, { reason: 'file_unreadable' });
  });
  if (size > MAX_CDNOW_BYTES) {
    throw new AppError('validation', 'this file is too large for the CDNOW format', { reason: 'file_unreadable' });
  }
  const { purchases, problems } = parseCdnow(await readFile(path, 'latin1'));
  const rows: TransactionRow[] = [
    ...purchases.map(({ row, customer, date, quantity, amount }): TransactionRow => ({
      row,
      ok: true,
      transaction: {
        customer,
        customerName: null,
        date,
        amount,
        quantity: String(quantity),
        number: null,
        description: null,
      },
    })),
    ...problems.map(({ row, reason }): TransactionRow => ({ row, ok: false, problems: [{ column: null, reason }] })),
  ].sort((a, b) => a.row - b.row);
  let read = 0;
  return {
    columnOf: () => null,
    size: Math.max(rows.length, 1),
    bytesRead: () => read,
    async *rows() {
      for (const row of rows) {
        read += 1;
        yield row;
      }
    },
    close: async () => {},
  };
}

/** Where an import of transactions writes (one company's). */
export interface SalesImportStores {
  readonly db: Executor;
  readonly repo: SalesRepo;
  readonly events: EventStore;
  readonly ids: IdSource;
  readonly customers: {
    readonly byNumbers: CustomersRepo['byNumbers'];
    readonly bulk: BulkCreate;
  };
}

export interface SalesImportOptions extends SalesImportStores {
  readonly source: TransactionSource;
  readonly mode: 'all' | 'valid';
  readonly dryRun: boolean;
  readonly createCustomers: boolean;
  readonly currency: string;
  readonly vatRate: number;
  readonly meta: () => Promise<EventMeta>;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number | null) => void;
}

/** Thrown inside the transaction of mode `all` to undo it when a row was rejected. */
class RolledBack extends Error {}

/** One line for the transaction: its quantity where the amount divides by it exactly, else 1 of the amount. */
function lineOf(t: Transaction, vatRate: number): SaleDocument['lines'][number] {
  const magnitude = Math.abs(t.amount);
  const quantity = t.quantity !== null && /^\d+$/.test(t.quantity) ? Number(t.quantity) : 0;
  const exact = quantity > 0 && magnitude % quantity === 0;
  const description = t.description ?? 'Imported transaction';
  return {
    description: exact || t.quantity === null ? description : `${description} (${t.quantity})`,
    quantity: exact ? String(t.amount < 0 ? -quantity : quantity) : t.amount < 0 ? '-1' : '1',
    unit: null,
    unitPrice: exact ? magnitude / quantity : magnitude,
    vatRate,
  };
}

export async function importSales(options: SalesImportOptions): Promise<SaleImportResult> {
  const { source, mode, dryRun, db, repo, events, ids, signal, onProgress } = options;
  const { bulk } = options.customers;
  const rejected: RejectedRow[] = [];
  /** Customers by reference: found, or made by this import (kept for the pages after). */
  const known = new Map<string, string>();
  /** Document numbers of this file, by kind, to refuse a second row with the same one. */
  const seenNumbers = new Map<string, number>();
  let rows = 0;
  let imported = 0;
  let customersCreated = 0;

  const reject = (row: number, problems: readonly Problem[]) => {
    for (const { column, reason } of problems) rejected.push({ row, column, reason });
  };

  /** Finds (or makes, when asked) the page's customers; returns the rows that have one. */
  async function customersOf(page: readonly { row: number; t: Transaction }[], tx: Executor | undefined) {
    const unknown = [...new Set(page.map(({ t }) => t.customer).filter((ref) => !known.has(ref)))];
    const found =
      unknown.length > 0
        ? await options.customers.byNumbers(unknown, tx)
        : new Map<string, { id: string; erased: boolean }>();
    const refused = new Map<string, string>();
    const toMake: { ref: string; draft: CustomerDraft }[] = [];
    for (const ref of unknown) {
      const hit = found.get(ref);
      if (hit?.erased) refused.set(ref, `customer ${ref} was erased (GDPR): no documents are added to it`);
      else if (hit) known.set(ref, hit.id);
      else if (!options.createCustomers) {
        refused.set(ref, `no customer has the number ${ref} (import with --create-customers to make one)`);
      } else if (bulk.isOwnNumber(ref)) {
        refused.set(ref, `${ref} looks like one of this company's customer numbers, but no customer has it`);
      } else {
        const name = page.find(({ t }) => t.customer === ref)?.t.customerName ?? ref;
        const checked = await bulk.check({ ...customerCreateSchema.parse({ name }), status: 'active' });
        if (checked.ok) toMake.push({ ref, draft: checked.draft });
        else refused.set(ref, checked.issues.map((i) => i.message).join('; '));
      }
    }
    if (toMake.length > 0) {
      customersCreated += toMake.length;
      if (tx) {
        const made = await bulk.create(
          toMake.map((m) => m.draft),
          await options.meta(),
          tx,
          toMake.map((m) => m.ref),
        );
        made.forEach((customer, i) => known.set(toMake[i]?.ref ?? '', customer.id));
      } else {
        // A dry run: they would be made; the rows are checked as if they were.
        for (const { ref } of toMake) known.set(ref, `dry-run:${ref}`);
      }
    }
    const customerColumn = source.columnOf('customer');
    return page.flatMap(({ row, t }) => {
      const reason = refused.get(t.customer);
      if (reason !== undefined) {
        reject(row, [{ column: customerColumn, reason }]);
        return [];
      }
      return [{ row, t, customerId: known.get(t.customer) ?? '' }];
    });
  }

  /** Rows whose document number another row of the file or a stored document has are refused. */
  async function numbered(
    list: readonly { row: number; t: Transaction; customerId: string }[],
    tx: Executor | undefined,
  ) {
    const kindOf = (t: Transaction) => (t.amount < 0 ? 'credit_note' : 'invoice');
    const stored = new Set<string>();
    for (const kind of ['invoice', 'credit_note'] as const) {
      const numbers = list.flatMap(({ t }) => (t.number !== null && kindOf(t) === kind ? [t.number] : []));
      if (numbers.length === 0) continue;
      for (const n of await repo.numbersTaken(kind, numbers, tx)) stored.add(`${kind}:${n}`);
    }
    return list.filter(({ row, t }) => {
      if (t.number === null) return true;
      const key = `${kindOf(t)}:${t.number}`;
      const earlier = seenNumbers.get(key);
      if (stored.has(key))
        reject(row, [{ column: source.columnOf('number'), reason: `a document numbered ${t.number} exists already` }]);
      else if (earlier !== undefined) {
        reject(row, [{ column: source.columnOf('number'), reason: `same document number as row ${earlier}` }]);
      } else {
        seenNumbers.set(key, row);
        return true;
      }
      return false;
    });
  }

  async function store(list: readonly { t: Transaction; customerId: string }[], tx: Executor): Promise<void> {
    if (list.length === 0) return;
    const meta = await options.meta();
    const made = list.map(({ t, customerId }) => ({
      id: ids.next(),
      document: {
        customerId,
        kind: t.amount < 0 ? 'credit_note' : 'invoice',
        date: t.date,
        currency: options.currency,
        lines: [lineOf(t, options.vatRate)],
        // Imported transactions are history: invoices count as paid, refunds as issued credit notes.
        status: t.amount < 0 ? 'issued' : 'paid',
        number: t.number,
        reverses: null,
      } satisfies SaleDocument,
    }));
    await events.startMany(
      made.map(({ id, document }) => ({ stream: saleStream(id), event: saleEvent({ kind: 'created', document }) })),
      meta,
      tx,
    );
    await repo.insert(
      made.map(({ id, document }) => createdSale(id, document, meta)),
      tx,
    );
    imported += made.length;
  }

  async function run(tx: Executor | undefined): Promise<void> {
    let page: { row: number; t: Transaction }[] = [];
    const flush = async () => {
      throwIfStopped();
      const write = async (inner: Executor | undefined) => {
        const withCustomers = await customersOf(page, dryRun ? undefined : inner);
        const passed = await numbered(withCustomers, inner);
        if (!dryRun && inner && (mode === 'valid' || rejected.length === 0)) await store(passed, inner);
      };
      if (tx || dryRun) await write(tx);
      else await db.transaction((inner) => write(inner));
      page = [];
      onProgress?.(
        rows,
        source.size > 0 ? Math.max(rows, Math.round((rows * source.size) / Math.max(1, source.bytesRead()))) : null,
      );
      await yieldToEventLoop();
    };
    for await (const read of source.rows()) {
      rows += 1;
      if (read.ok) page.push({ row: read.row, t: read.transaction });
      else reject(read.row, read.problems);
      if (page.length >= PAGE) await flush();
    }
    if (page.length > 0) await flush();
  }

  function throwIfStopped(): void {
    if (signal?.aborted) throw importCancelled(mode === 'valid' ? imported : 0, 'documents');
  }

  try {
    if (mode === 'all' && !dryRun) {
      await db
        .transaction(async (tx) => {
          await run(tx);
          if (rejected.length > 0) throw new RolledBack();
        })
        .catch((error: unknown) => {
          if (!(error instanceof RolledBack)) throw error;
          imported = 0;
          customersCreated = 0;
        });
    } else {
      await run(undefined);
    }
  } finally {
    await source.close();
  }
  rejected.sort((a, b) => a.row - b.row);
  return { dryRun, mode, rows, imported: dryRun ? 0 : imported, customersCreated, rejected };
}

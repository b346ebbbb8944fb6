// Sales documents of a company's customers: orders, invoices and the credit notes that reverse
// invoices. Every change is an event in the document's own stream; the sales_documents table is a
// projection written in the same transaction. A document gets its number when it is issued (a
// draft thrown away leaves no gap in the sequence), and an issued document's lines never change:
// an invoice is corrected by reversing it with a credit note, as the books require.
import type { ParsedSaleFields, Sale, SaleLine, SaleListInput, SalePage } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { CustomersRepo } from '../customers/customers.repo';
import { findCustomer, formatNumber, refuseErased, type CustomerDependents } from '../customers/customers.service';
import type { Executor } from '../db/executor';
import type { Clock, IdSource } from '../deps';
import type { EventMeta, EventStore } from '../events/event-store';
import { documentTotals, reversed } from './money';
import type { SalesRepo } from './sales.repo';
import {
  NUMBER_PREFIXES,
  nextSale,
  saleEvent,
  saleStream,
  type SaleDocument,
  type SaleFact,
  type SaleRecord,
  type StoredLine,
} from './sales.events';

/** Digits of a document number after its prefix: RE-00042. */
const NUMBER_WIDTH = 5;

export function toSale(record: SaleRecord): Sale {
  const { totals, ...rest } = record;
  return {
    ...rest,
    lines: record.lines.map((line, i) => ({ ...line, net: totals.lines[i] ?? 0 })),
    rates: [...totals.rates],
    net: totals.net,
    vat: totals.vat,
    gross: totals.gross,
  };
}

/** Lines as stored: the unit empty as null. */
export const storedLines = (lines: readonly SaleLine[]): StoredLine[] =>
  lines.map((line) => ({
    description: line.description,
    quantity: line.quantity,
    unit: line.unit?.trim() || null,
    unitPrice: line.unitPrice,
    vatRate: line.vatRate,
  }));

/** The next number of a kind's sequence, in `tx`. */
export const sequenceOf = (kind: SaleRecord['kind']) => `sale.${kind}`;
export const saleNumber = (kind: SaleRecord['kind'], n: number) =>
  formatNumber(n, { prefix: NUMBER_PREFIXES[kind], width: NUMBER_WIDTH });

export interface SalesServiceDeps {
  readonly db: Executor;
  readonly repo: SalesRepo;
  readonly customers: CustomersRepo;
  readonly events: EventStore;
  readonly ids: IdSource;
  readonly clock: Clock;
}

function refuse(reason: string, message: string): AppError {
  return new AppError('conflict', message, { reason });
}

export function createSalesService(deps: SalesServiceDeps) {
  const { db, repo, events, ids } = deps;

  async function get(id: string, tx?: Executor): Promise<SaleRecord> {
    const found = (await repo.load([id], tx)).get(id);
    if (!found) throw new AppError('not_found', `no sales document with id ${id}`, { reason: 'no_sale' });
    return found;
  }

  /** Appends the fact's event after `version` and writes the row it makes. */
  async function record(
    current: SaleRecord | null,
    id: string,
    version: number,
    fact: SaleFact,
    meta: EventMeta,
    tx: Executor,
  ): Promise<SaleRecord | null> {
    const [stored] = await events.append(saleStream(id), version, [saleEvent(fact)], meta, tx);
    if (!stored) throw new Error('no event appended');
    const next = nextSale(current, stored, fact);
    await repo.write([id], next ? [next] : [], tx);
    return next;
  }

  async function change(
    id: string,
    expectedVersion: number | undefined,
    meta: EventMeta,
    decide: (current: SaleRecord, tx: Executor) => Promise<SaleFact | null>,
  ): Promise<Sale> {
    return db.transaction(async (tx) => {
      const current = await get(id, tx);
      const fact = await decide(current, tx);
      if (!fact) return toSale(current);
      const next = await record(current, id, expectedVersion ?? current.version, fact, meta, tx);
      if (!next) throw new Error('sales document gone after a change');
      return toSale(next);
    });
  }

  const nextNumber = async (kind: SaleRecord['kind'], tx: Executor) =>
    saleNumber(kind, await deps.customers.nextInSequence(sequenceOf(kind), tx));

  const dependents: CustomerDependents = {
    // Invoices stay for the years the law keeps them (§ 147 AO, Art. 17 (3) b GDPR): nothing to erase.
    erase: async () => {},
    async remove(customerId, meta, tx) {
      const list = await repo.ofCustomer(customerId, tx);
      if (list.some((sale) => sale.status !== 'draft' && sale.status !== 'cancelled')) {
        throw refuse(
          'customer_has_sales',
          'This customer has issued sales documents, which the books must keep: archive the customer instead.',
        );
      }
      for (const sale of list) await record(sale, sale.id, sale.version, { kind: 'removed' }, meta, tx);
    },
    touchedByOthers: async (customerId, creator) =>
      (await repo.ofCustomer(customerId)).some((sale) => sale.createdBy !== null && sale.createdBy !== creator),
    async merge(from, into, meta, tx) {
      for (const sale of await repo.ofCustomer(from, tx)) {
        await record(sale, sale.id, sale.version, { kind: 'moved', customerId: into }, meta, tx);
      }
    },
  };

  return {
    dependents,
    get: async (id: string): Promise<Sale> => toSale(await get(id)),

    async list(input: SaleListInput & { limit: number }): Promise<SalePage> {
      const { limit, cursor, ...filter } = input;
      if (filter.customerId) await findCustomer(deps.customers, events, filter.customerId);
      const [items, totals] = await Promise.all([repo.page(filter, limit + 1, cursor), repo.totals(filter)]);
      const more = items.length > limit;
      const page = items.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toSale),
        totals,
        next: more && last ? { date: last.date, id: last.id } : null,
        customers: await repo.customerNames([...new Set(page.map((sale) => sale.customerId))]),
      };
    },

    async create(fields: ParsedSaleFields, meta: EventMeta): Promise<Sale> {
      const lines = storedLines(fields.lines);
      documentTotals(lines); // refuses amounts out of range before anything is written
      const id = ids.next();
      return db.transaction(async (tx) => {
        refuseErased(await findCustomer(deps.customers, events, fields.customerId, tx));
        const document: SaleDocument = {
          customerId: fields.customerId,
          kind: fields.kind,
          date: fields.date,
          currency: fields.currency,
          lines,
          status: fields.issue ? 'issued' : 'draft',
          number: fields.issue ? await nextNumber(fields.kind, tx) : null,
          reverses: null,
        };
        const made = await record(null, id, 0, { kind: 'created', document }, meta, tx);
        if (!made) throw new Error('no document made');
        return toSale(made);
      });
    },

    update(
      id: string,
      changes: { date?: string | undefined; currency?: string | undefined; lines?: readonly SaleLine[] | undefined },
      meta: EventMeta,
      expectedVersion?: number,
    ): Promise<Sale> {
      return change(id, expectedVersion, meta, async (current) => {
        if (current.status !== 'draft') {
          throw refuse('sale_not_draft', 'Only a draft can be changed: reverse an issued invoice with a credit note.');
        }
        const next: { date?: string; currency?: string; lines?: StoredLine[] } = {};
        if (changes.date !== undefined && changes.date !== current.date) next.date = changes.date;
        if (changes.currency !== undefined && changes.currency !== current.currency) next.currency = changes.currency;
        if (changes.lines !== undefined) {
          const lines = storedLines(changes.lines);
          documentTotals(lines);
          if (JSON.stringify(lines) !== JSON.stringify(current.lines)) next.lines = lines;
        }
        return Object.keys(next).length > 0 ? { kind: 'changed', changes: next } : null;
      });
    },

    issue(id: string, meta: EventMeta, expectedVersion?: number): Promise<Sale> {
      return change(id, expectedVersion, meta, async (current, tx) => {
        if (current.status !== 'draft') throw refuse('sale_not_draft', 'This document was issued already.');
        refuseErased(await findCustomer(deps.customers, events, current.customerId, tx));
        return { kind: 'issued', number: await nextNumber(current.kind, tx) };
      });
    },

    setPaid(id: string, paid: boolean, meta: EventMeta, expectedVersion?: number): Promise<Sale> {
      return change(id, expectedVersion, meta, async (current) => {
        if (current.kind !== 'invoice') throw refuse('sale_not_invoice', 'Only an invoice is paid.');
        if (current.status === (paid ? 'paid' : 'issued')) return null;
        if (current.status === 'draft') throw refuse('sale_not_issued', 'Issue the invoice first.');
        if (current.status === 'cancelled') throw refuse('sale_cancelled', 'This invoice was cancelled.');
        return { kind: paid ? 'paid' : 'unpaid' };
      });
    },

    cancel(id: string, meta: EventMeta, expectedVersion?: number): Promise<Sale> {
      return change(id, expectedVersion, meta, async (current) => {
        if (current.status === 'cancelled') return null;
        if (current.status !== 'draft' && current.kind !== 'order') {
          throw refuse(
            'sale_needs_credit_note',
            current.kind === 'invoice'
              ? 'An issued invoice cannot be cancelled: reverse it with a credit note.'
              : 'A credit note cannot be cancelled once issued.',
          );
        }
        return { kind: 'cancelled' };
      });
    },

    /** Reverses an issued invoice: a credit note of all its lines negated, issued and numbered. */
    async credit(
      id: string,
      date: string | undefined,
      meta: EventMeta,
      expectedVersion?: number,
    ): Promise<{ invoice: Sale; creditNote: Sale }> {
      const creditId = ids.next();
      return db.transaction(async (tx) => {
        const invoice = await get(id, tx);
        if (invoice.kind !== 'invoice') throw refuse('sale_not_invoice', 'Only an invoice is reversed.');
        if (invoice.reversedBy) throw refuse('sale_reversed', 'This invoice was reversed already.');
        if (invoice.status !== 'issued' && invoice.status !== 'paid') {
          throw refuse('sale_not_issued', 'Only an issued invoice is reversed; a draft is simply cancelled.');
        }
        const document: SaleDocument = {
          customerId: invoice.customerId,
          kind: 'credit_note',
          date: date ?? deps.clock.now().toISOString().slice(0, 10),
          currency: invoice.currency,
          lines: reversed(invoice.lines),
          status: 'issued',
          number: await nextNumber('credit_note', tx),
          reverses: invoice.id,
        };
        const note = await record(null, creditId, 0, { kind: 'created', document }, meta, tx);
        const after = await record(
          invoice,
          id,
          expectedVersion ?? invoice.version,
          { kind: 'reversed', by: creditId },
          meta,
          tx,
        );
        if (!note || !after) throw new Error('no credit note made');
        return { invoice: toSale(after), creditNote: toSale(note) };
      });
    },
  };
}
export type SalesService = ReturnType<typeof createSalesService>;

// The events of a sales document's stream (`sale-<id>`), and how the sales projection follows
// them. Nothing is sealed (see sales.schema.ts): the event's data is the fact. Totals are not in
// the events; they follow from the lines (money.ts), on the command and in replay alike.
import { z } from 'zod';
import { saleKinds, saleStatuses, type SaleKind, type SaleStatus } from '../../shared/contract';
import type { NewEvent, StoredEvent } from '../events/event-store';
import { defineEvent, upcast } from '../events/event-types';
import { documentTotals, type DocumentTotals } from './money';

/** A line as events and the projection keep it (its net follows from it, see money.ts). */
export const lineSchema = z.object({
  description: z.string(),
  quantity: z.string(),
  unit: z.string().nullable(),
  unitPrice: z.number().int(),
  vatRate: z.number().int(),
});
export type StoredLine = z.infer<typeof lineSchema>;

const documentSchema = z.object({
  customerId: z.string(),
  kind: z.enum(saleKinds),
  date: z.string(),
  currency: z.string(),
  lines: z.array(lineSchema),
  status: z.enum(saleStatuses),
  number: z.string().nullable(),
  /** A credit note: the invoice it reverses. */
  reverses: z.string().nullable(),
});
export type SaleDocument = z.infer<typeof documentSchema>;
const changesSchema = documentSchema.pick({ date: true, currency: true, lines: true }).partial();
export type SaleChanges = z.infer<typeof changesSchema>;

export const saleCreated = defineEvent('sale.created', 1, documentSchema);
/** A draft's date, currency or lines changed. */
export const saleChanged = defineEvent('sale.changed', 1, changesSchema);
export const saleIssued = defineEvent('sale.issued', 1, z.object({ number: z.string() }));
export const salePaid = defineEvent('sale.paid', 1, z.object({}));
export const saleUnpaid = defineEvent('sale.unpaid', 1, z.object({}));
export const saleCancelled = defineEvent('sale.cancelled', 1, z.object({}));
/** An invoice reversed by the credit note `by`: cancelled, and names it. */
export const saleReversed = defineEvent('sale.reversed', 1, z.object({ by: z.string() }));
/** Now a document of another customer (its customer was merged into that one). */
export const saleMoved = defineEvent('sale.moved', 1, z.object({ customerId: z.string() }));
/** A draft of a customer deleted as created by mistake. */
export const saleRemoved = defineEvent('sale.removed', 1, z.object({}));

export const saleStream = (id: string) => `sale-${id}`;
export const saleIdOf = (stream: string) => stream.slice('sale-'.length);

export interface SaleRecord extends Omit<SaleDocument, 'lines'> {
  readonly id: string;
  readonly lines: readonly StoredLine[];
  readonly totals: DocumentTotals;
  readonly reversedBy: string | null;
  readonly createdBy: string | null;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type SaleFact =
  | ({ readonly kind: 'created' } & { readonly document: SaleDocument })
  | { readonly kind: 'changed'; readonly changes: SaleChanges }
  | { readonly kind: 'issued'; readonly number: string }
  | { readonly kind: 'paid' | 'unpaid' | 'cancelled' | 'removed' }
  | { readonly kind: 'reversed'; readonly by: string }
  | { readonly kind: 'moved'; readonly customerId: string };

const event = (def: { type: string; version: number }, data: unknown): NewEvent => ({
  type: def.type,
  schemaVersion: def.version,
  data,
});

/** The event that says what the fact says. */
export function saleEvent(fact: SaleFact): NewEvent {
  switch (fact.kind) {
    case 'created':
      return event(saleCreated, fact.document);
    case 'changed':
      return event(saleChanged, fact.changes);
    case 'issued':
      return event(saleIssued, { number: fact.number });
    case 'paid':
      return event(salePaid, {});
    case 'unpaid':
      return event(saleUnpaid, {});
    case 'cancelled':
      return event(saleCancelled, {});
    case 'removed':
      return event(saleRemoved, {});
    case 'reversed':
      return event(saleReversed, { by: fact.by });
    case 'moved':
      return event(saleMoved, { customerId: fact.customerId });
  }
}

/** What a stored event says. */
export function saleFact(stored: StoredEvent): SaleFact {
  const { type, schemaVersion, data } = stored;
  switch (type) {
    case saleCreated.type:
      return { kind: 'created', document: upcast(saleCreated, schemaVersion, data) };
    case saleChanged.type:
      return { kind: 'changed', changes: upcast(saleChanged, schemaVersion, data) };
    case saleIssued.type:
      return { kind: 'issued', number: upcast(saleIssued, schemaVersion, data).number };
    case salePaid.type:
      return { kind: 'paid' };
    case saleUnpaid.type:
      return { kind: 'unpaid' };
    case saleCancelled.type:
      return { kind: 'cancelled' };
    case saleRemoved.type:
      return { kind: 'removed' };
    case saleReversed.type:
      return { kind: 'reversed', by: upcast(saleReversed, schemaVersion, data).by };
    case saleMoved.type:
      return { kind: 'moved', customerId: upcast(saleMoved, schemaVersion, data).customerId };
    default:
      throw new Error(`${stored.stream}: unknown event type ${type}`);
  }
}

const statusAfter: Readonly<Record<'paid' | 'unpaid' | 'cancelled', SaleStatus>> = {
  paid: 'paid',
  unpaid: 'issued',
  cancelled: 'cancelled',
};

/** The row a `sale.created` event makes. */
export function createdSale(
  id: string,
  document: SaleDocument,
  meta: { readonly at: string; readonly userId: string | null },
): SaleRecord {
  return {
    id,
    ...document,
    totals: documentTotals(document.lines),
    reversedBy: null,
    createdBy: meta.userId,
    version: 1,
    createdAt: meta.at,
    updatedAt: meta.at,
  };
}

/** What the event does to the document's row (null: no row). The same code serves commands and replay. */
export function nextSale(current: SaleRecord | null, stored: StoredEvent, fact: SaleFact): SaleRecord | null {
  const at = stored.meta.at;
  if (fact.kind === 'created') return createdSale(saleIdOf(stored.stream), fact.document, stored.meta);
  if (!current) throw new Error(`${stored.stream}: ${stored.type} before the document was created`);
  const moved = { version: stored.version, updatedAt: at };
  switch (fact.kind) {
    case 'removed':
      return null;
    case 'changed': {
      const lines = fact.changes.lines ?? current.lines;
      return { ...current, ...fact.changes, lines, totals: documentTotals(lines), ...moved };
    }
    case 'issued':
      return { ...current, number: fact.number, status: 'issued', ...moved };
    case 'paid':
    case 'unpaid':
    case 'cancelled':
      return { ...current, status: statusAfter[fact.kind], ...moved };
    case 'reversed':
      return { ...current, status: 'cancelled', reversedBy: fact.by, ...moved };
    case 'moved':
      return { ...current, customerId: fact.customerId, ...moved };
  }
}

/** The kinds a number sequence is kept for, with their default prefixes (Auftrag, Rechnung, Gutschrift). */
export const NUMBER_PREFIXES: Readonly<Record<SaleKind, string>> = {
  order: 'AB-',
  invoice: 'RE-',
  credit_note: 'GS-',
};

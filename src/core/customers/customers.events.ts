// The events of a customer's stream, and how the customers projection follows them. A customer's
// personal fields travel sealed with the customer's data key (see crypto/keyring.ts); once that
// key is shredded, their events still replay, into the erased state.
import { z } from 'zod';
import { ERASURE_MARKER } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { openJson, sealJson, type DataKey, type Keyring } from '../crypto/keyring';
import type { Executor } from '../db/executor';
import type { EventMeta, NewEvent, StoredEvent } from '../events/event-store';
import { defineEvent, upcast } from '../events/event-types';
import type { CustomerRecord, CustomersRepo } from './customers.repo';

const personalFields = z.object({
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  city: z.string().nullable(),
  notes: z.string().nullable(),
});
/** Made once: zod compiles a schema on first use, so a schema built per event costs more than the event. */
const personalChanges = personalFields.partial();
export type PersonalFields = z.infer<typeof personalFields>;
export type CustomerChanges = Partial<PersonalFields>;

/**
 * Version 1 kept the fields in plain JSON (read as `{ plain }`); version 2 sealed them bound to the
 * subject only; version 3 binds company, stream, event type and schema version as well, so a
 * sealed payload moved to another event, stream or company does not open.
 */
const sealedOr = <S extends z.ZodType>(plain: S) => z.union([z.string(), z.object({ plain })]);
const unchanged = (data: unknown) => data;

export const customerCreated = defineEvent('customer.created', 3, z.object({ personal: sealedOr(personalFields) }), {
  1: (data) => ({ personal: { plain: data } }),
  2: unchanged,
});
export const customerUpdated = defineEvent('customer.updated', 3, z.object({ personal: sealedOr(personalChanges) }), {
  1: (data) => ({ personal: { plain: (data as { changes?: unknown }).changes } }),
  2: unchanged,
});

/** What a sealed payload is bound to, by the schema version it was written in. */
function payloadAad(key: Pick<DataKey, 'tenantId' | 'subject'>, stream: string, type: string, schemaVersion: number) {
  return schemaVersion === 2
    ? key.subject
    : JSON.stringify(['kontor:event', key.tenantId, stream, type, schemaVersion]);
}
/** The customer's data key was shredded: from here on the projection holds the erasure marker. */
export const customerErased = defineEvent('customer.erased', 1, z.object({}));

export const customerStream = (id: string) => `customer-${id}`;
export const customerSubject = (id: string) => `customer:${id}`;
const idOf = (stream: string) => stream.slice('customer-'.length);
export const subjectOfStream = (stream: string) => customerSubject(idOf(stream));

/** What an event says, decrypted; `null` personal data means the subject's key is gone. */
export type CustomerFact =
  | { readonly kind: 'created'; readonly fields: PersonalFields | null }
  | { readonly kind: 'updated'; readonly changes: CustomerChanges | null }
  | { readonly kind: 'erased' };

function sealedEvent(key: DataKey, type: string, schemaVersion: number, personal: unknown): NewEvent {
  const stream = customerStream(key.subject.slice('customer:'.length));
  return {
    type,
    schemaVersion,
    data: { personal: sealJson(key, payloadAad(key, stream, type, schemaVersion), personal) },
  };
}

export function created(key: DataKey, fields: PersonalFields): NewEvent {
  return sealedEvent(key, customerCreated.type, customerCreated.version, fields);
}

export function updated(key: DataKey, changes: CustomerChanges): NewEvent {
  return sealedEvent(key, customerUpdated.type, customerUpdated.version, changes);
}

export function erased(): NewEvent {
  return { type: customerErased.type, schemaVersion: customerErased.version, data: {} };
}

function openPersonal<S extends z.ZodType>(
  event: StoredEvent,
  personal: string | { plain: unknown },
  schema: S,
  key: DataKey | null,
): z.output<S> | null {
  if (typeof personal !== 'string') {
    // Only version 1 was ever written in plain text; a plain payload in a later version was
    // put there by someone other than Kontor.
    if (event.schemaVersion !== 1) {
      throw new AppError(
        'internal',
        `${event.stream}: event ${event.version} holds plain personal data where it must be sealed`,
      );
    }
    return schema.parse(personal.plain);
  }
  return key
    ? schema.parse(openJson(key, payloadAad(key, event.stream, event.type, event.schemaVersion), personal))
    : null;
}

export function decode(event: StoredEvent, key: DataKey | null): CustomerFact {
  switch (event.type) {
    case customerCreated.type: {
      const { personal } = upcast(customerCreated, event.schemaVersion, event.data);
      return { kind: 'created', fields: openPersonal(event, personal, personalFields, key) };
    }
    case customerUpdated.type: {
      const { personal } = upcast(customerUpdated, event.schemaVersion, event.data);
      return { kind: 'updated', changes: openPersonal(event, personal, personalChanges, key) };
    }
    case customerErased.type:
      return { kind: 'erased' };
    default:
      throw new Error(`${event.stream}: unknown event type ${event.type}`);
  }
}

const erasedFields: PersonalFields = { name: ERASURE_MARKER, email: null, phone: null, city: null, notes: null };

/** What the event does to the projection row; the same code serves commands and replay. */
export function nextRecord(current: CustomerRecord | null, event: StoredEvent, fact: CustomerFact): CustomerRecord {
  const at = event.meta.at;
  if (fact.kind === 'created') {
    const fields = fact.fields ?? erasedFields;
    return { id: idOf(event.stream), ...fields, version: event.version, createdAt: at, updatedAt: at, erasedAt: null };
  }
  if (!current) throw new Error(`${event.stream}: ${event.type} before create at version ${event.version}`);
  if (fact.kind === 'erased')
    return { ...current, ...erasedFields, version: event.version, updatedAt: at, erasedAt: at };
  return { ...current, ...fact.changes, version: event.version, updatedAt: at };
}

/**
 * What a page of events says, decrypted in one batch on the crypto pool's threads (replay): the
 * calling thread is free meanwhile to write the previous page. Erased subjects' data reads as null.
 */
export async function decodeMany(
  events: readonly StoredEvent[],
  keyring: Keyring,
  tx: Executor,
): Promise<CustomerFact[]> {
  const sealed: { subject: string; aad: string; sealed: string; at: number }[] = [];
  const payloads = events.map((event, at) => {
    if (event.type === customerErased.type) return null;
    const upcasted =
      event.type === customerCreated.type
        ? upcast(customerCreated, event.schemaVersion, event.data)
        : event.type === customerUpdated.type
          ? upcast(customerUpdated, event.schemaVersion, event.data)
          : null;
    if (!upcasted) throw new Error(`${event.stream}: unknown event type ${event.type}`);
    if (typeof upcasted.personal === 'string') {
      const subject = subjectOfStream(event.stream);
      const aad = payloadAad({ tenantId: keyring.tenantId, subject }, event.stream, event.type, event.schemaVersion);
      sealed.push({ subject, aad, sealed: upcasted.personal, at });
    }
    return upcasted.personal;
  });
  const opened = await keyring.openMany(sealed, tx);
  const plain: unknown[] = new Array(events.length).fill(null);
  for (let i = 0; i < sealed.length; i++) plain[(sealed[i] as (typeof sealed)[number]).at] = opened[i] ?? null;
  // Plain payloads (version 1) are checked and read as decode() reads them.
  const read = <S extends z.ZodType>(event: StoredEvent, at: number, schema: S): z.output<S> | null => {
    const personal = payloads[at] ?? null;
    if (typeof personal !== 'string') return personal === null ? null : openPersonal(event, personal, schema, null);
    const value = plain[at] ?? null;
    return value === null ? null : schema.parse(value);
  };
  return events.map((event, at) => {
    if (event.type === customerErased.type) return { kind: 'erased' };
    return event.type === customerCreated.type
      ? { kind: 'created', fields: read(event, at, personalFields) }
      : { kind: 'updated', changes: read(event, at, personalChanges) };
  });
}

/** Replay: folds each stream's events of a page in memory and writes every customer once. */
export async function applyCustomerFacts(
  repo: CustomersRepo,
  events: readonly StoredEvent[],
  facts: readonly CustomerFact[],
  tx: Executor,
): Promise<void> {
  const byStream = new Map<string, { event: StoredEvent; fact: CustomerFact }[]>();
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as StoredEvent;
    const fact = facts[i];
    if (!fact) throw new Error(`${event.stream}: no fact for event ${event.version}`);
    const list = byStream.get(event.stream);
    if (list) list.push({ event, fact });
    else byStream.set(event.stream, [{ event, fact }]);
  }
  // Streams that began on an earlier page continue from their stored row: read them in one go.
  const continued = [...byStream].filter(([, list]) => list[0]?.event.type !== customerCreated.type);
  const stored = await repo.getMany(
    continued.map(([stream]) => idOf(stream)),
    tx,
  );
  const fresh: CustomerRecord[] = [];
  for (const [stream, list] of byStream) {
    const before = list[0]?.event.type === customerCreated.type ? null : (stored.get(idOf(stream)) ?? null);
    let record = before;
    for (const { event, fact } of list) record = nextRecord(record, event, fact);
    if (!record) continue;
    if (before === null) fresh.push(record);
    else if (!(await repo.replace(record, tx, before.version)))
      throw new Error(`${stream}: projection moved during replay`);
  }
  await repo.insertMany(fresh, tx);
}

/** A command's event: the command knows the plain fields, so nothing is decrypted here. */
export async function applyCustomerEvent(
  repo: CustomersRepo,
  event: StoredEvent,
  fact: CustomerFact,
  tx: Executor,
): Promise<CustomerRecord> {
  const current = fact.kind === 'created' ? null : await repo.get(idOf(event.stream), tx);
  const next = nextRecord(current, event, fact);
  if (current === null) await repo.insert(next, tx);
  else if (!(await repo.replace(next, tx)))
    throw new Error(`${event.stream}: projection is not at version ${event.version - 1}`);
  return next;
}

/** Events as a reader sees them: customers' personal fields decrypted, or the marker once erased. */
export async function readableEvents(events: readonly StoredEvent[], keyring: Keyring): Promise<StoredEvent[]> {
  const isCustomer = (e: StoredEvent) => e.type.startsWith('customer.');
  const keys = await keyring.dataKeys(events.filter(isCustomer).map((e) => subjectOfStream(e.stream)));
  return events.map((e) =>
    isCustomer(e) ? { ...e, data: readableChanges(e, keys.get(subjectOfStream(e.stream)) ?? null) } : e,
  );
}

/** The fields an event set, for the history screen and exports; erased data reads as the marker. */
export function readableChanges(event: StoredEvent, key: DataKey | null): Record<string, unknown> {
  const fact = decode(event, key);
  if (fact.kind === 'created') return fact.fields ?? { personal: ERASURE_MARKER };
  if (fact.kind === 'updated') return fact.changes ?? { personal: ERASURE_MARKER };
  return {};
}

export type { EventMeta };

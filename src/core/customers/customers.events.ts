// The events of a customer's stream, and how the customers projection follows them. A customer's
// personal fields travel sealed with the customer's data key (see crypto/keyring.ts); once that
// key is shredded, their events still replay, into the erased state.
import { z } from 'zod';
import { customerStatuses, ERASURE_MARKER, type CustomerStatus } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { openJson, sealJson, type DataKey, type Keyring } from '../crypto/keyring';
import type { Executor } from '../db/executor';
import type { EventMeta, NewEvent, StoredEvent } from '../events/event-store';
import { defineEvent, upcast } from '../events/event-types';
import { openAndRead } from '../events/stream-records';
import {
  DEFAULT_PLAIN,
  EMPTY_PERSONAL,
  ERASED_PERSONAL,
  fromLegacy,
  legacyChangesSchema,
  legacyPersonalSchema,
  personalChangesSchema,
  plainChangesSchema,
  plainFieldsSchema,
  type CustomerRecord,
  type PersonalChanges,
  type PersonalFields,
  type PlainChanges,
  type PlainFields,
  withPlace,
} from './customers.record';
import type { CustomersRepo } from './customers.repo';

const statusSchema = z.enum(customerStatuses);

/**
 * Version 1 kept the fields in plain JSON (read as `{ plain }`); version 2 sealed them bound to the
 * subject only; version 3 binds company, stream, event type and schema version as well, so a
 * sealed payload moved to another event, stream or company does not open. Version 4 is the full
 * record: a number, a lifecycle status and plain fields beside the sealed personal ones (whose
 * sealed content, up to version 3, has the legacy shape: name, email, phone, city, notes).
 */
const sealed = z.union([z.string(), z.object({ plain: z.unknown() })]);
const reasonSchema = z.string();
const unchanged = (data: unknown) => data;

export const customerCreated = defineEvent(
  'customer.created',
  4,
  z.object({ number: z.string(), status: statusSchema, plain: plainFieldsSchema, personal: sealed }),
  {
    1: (data) => ({ personal: { plain: data } }),
    2: unchanged,
    3: (data) => ({ ...(data as object), number: '', status: 'active', plain: DEFAULT_PLAIN }),
  },
);
export const customerUpdated = defineEvent(
  'customer.updated',
  4,
  z.object({ plain: plainChangesSchema.optional(), personal: sealed.optional() }),
  {
    1: (data) => ({ personal: { plain: (data as { changes?: unknown }).changes } }),
    2: unchanged,
    3: unchanged,
  },
);
/** A move in the lifecycle; the reason is the user's words, so it is sealed like personal data. */
export const customerStatusChanged = defineEvent(
  'customer.status_changed',
  1,
  z.object({ from: statusSchema, to: statusSchema, reason: z.string() }),
);
/** A number given to a customer created before numbers existed (once, at the upgrade). */
export const customerNumbered = defineEvent('customer.numbered', 1, z.object({ number: z.string() }));

/** What a sealed payload is bound to, by the schema version it was written in. */
function payloadAad(key: Pick<DataKey, 'tenantId' | 'subject'>, stream: string, type: string, schemaVersion: number) {
  return schemaVersion === 2
    ? key.subject
    : JSON.stringify(['kontor:event', key.tenantId, stream, type, schemaVersion]);
}
/** The customer's data key was shredded: from here on the projection holds the erasure marker. */
export const customerErased = defineEvent('customer.erased', 1, z.object({}));
/** A customer created by mistake, removed: gone from the projection (its data key is shredded too). */
export const customerDeleted = defineEvent('customer.deleted', 1, z.object({}));

/** Merged into another customer (`into`): gone from the projection; its log and key stay for the history. */
export const customerMerged = defineEvent('customer.merged', 1, z.object({ into: z.string() }));
/** Took in another customer (`from`, which had `number`): its history and contacts are this one's now. */
export const customerAbsorbed = defineEvent('customer.absorbed', 1, z.object({ from: z.string(), number: z.string() }));

export const customerStream = (id: string) => `customer-${id}`;
export const customerSubject = (id: string) => `customer:${id}`;
const idOf = (stream: string) => stream.slice('customer-'.length);
export const subjectOfStream = (stream: string) => customerSubject(idOf(stream));

/** What an event says, decrypted; `null` personal data means the subject's key is gone. */
export type CustomerFact =
  | {
      readonly kind: 'created';
      readonly number: string;
      readonly status: CustomerStatus;
      readonly plain: PlainFields;
      readonly personal: PersonalFields | null;
    }
  | { readonly kind: 'updated'; readonly plain: PlainChanges; readonly personal: PersonalChanges | null }
  | {
      readonly kind: 'status';
      readonly from: CustomerStatus;
      readonly to: CustomerStatus;
      readonly reason: string | null;
    }
  | { readonly kind: 'numbered'; readonly number: string }
  | { readonly kind: 'erased' }
  | { readonly kind: 'deleted' }
  | { readonly kind: 'merged'; readonly into: string }
  | { readonly kind: 'absorbed'; readonly from: string; readonly number: string };

const streamOfKey = (key: DataKey) => customerStream(key.subject.slice('customer:'.length));
const seal = (key: DataKey, type: string, schemaVersion: number, value: unknown) =>
  sealJson(key, payloadAad(key, streamOfKey(key), type, schemaVersion), value);

export function created(
  key: DataKey,
  fields: { number: string; status: CustomerStatus; plain: PlainFields; personal: PersonalFields },
): NewEvent {
  const { type, version } = customerCreated;
  return {
    type,
    schemaVersion: version,
    data: {
      number: fields.number,
      status: fields.status,
      plain: fields.plain,
      personal: seal(key, type, version, fields.personal),
    },
  };
}

/** Only the parts that change: an event without personal changes holds no sealed payload. */
export function updated(key: DataKey, plain: PlainChanges, personal: PersonalChanges): NewEvent {
  const { type, version } = customerUpdated;
  return {
    type,
    schemaVersion: version,
    data: {
      ...(Object.keys(plain).length > 0 && { plain }),
      ...(Object.keys(personal).length > 0 && { personal: seal(key, type, version, personal) }),
    },
  };
}

export function statusChanged(key: DataKey, from: CustomerStatus, to: CustomerStatus, reason: string): NewEvent {
  const { type, version } = customerStatusChanged;
  return { type, schemaVersion: version, data: { from, to, reason: seal(key, type, version, reason) } };
}

export function numbered(number: string): NewEvent {
  return { type: customerNumbered.type, schemaVersion: customerNumbered.version, data: { number } };
}

/** A legacy payload (name, email, phone, city, notes) sealed as version 3: the upgrade of version 1. */
export function sealedLegacy(key: DataKey, type: string, personal: unknown): NewEvent {
  return { type, schemaVersion: 3, data: { personal: seal(key, type, 3, personal) } };
}

export function erased(): NewEvent {
  return { type: customerErased.type, schemaVersion: customerErased.version, data: {} };
}

export function deleted(): NewEvent {
  return { type: customerDeleted.type, schemaVersion: customerDeleted.version, data: {} };
}

export function merged(into: string): NewEvent {
  return { type: customerMerged.type, schemaVersion: customerMerged.version, data: { into } };
}

export function absorbed(from: string, number: string): NewEvent {
  return { type: customerAbsorbed.type, schemaVersion: customerAbsorbed.version, data: { from, number } };
}

/** The plain payload of version 1, checked; a plain payload in a later version was not written by Kontor. */
function plainPayload(event: StoredEvent, personal: { plain: unknown }): unknown {
  if (event.schemaVersion !== 1) {
    throw new AppError(
      'internal',
      `${event.stream}: event ${event.version} holds plain personal data where it must be sealed`,
    );
  }
  return personal.plain;
}

/** Opened personal content in today's shape: legacy content (versions 1–3) is converted. */
function personalContent<S extends z.ZodType>(
  event: StoredEvent,
  opened: unknown,
  current: S,
  legacy: z.ZodType,
): z.output<S> {
  if (event.schemaVersion <= 3) return current.parse(fromLegacy(legacy.parse(opened) as object));
  return current.parse(opened);
}

/** The sealed payloads an event holds, to open in one batch. */
interface Sealed {
  readonly sealed: string;
  readonly aad: string;
}

/** An event, upcast, with what must be opened to read it; `read` turns the opened values into the fact. */
function parse(
  event: StoredEvent,
  tenantId: string,
): { toOpen: Sealed | null; read: (opened: unknown) => CustomerFact } {
  const subject = subjectOfStream(event.stream);
  const aad = payloadAad({ tenantId, subject }, event.stream, event.type, event.schemaVersion);
  const sealedOf = (personal: string | { plain: unknown } | undefined) =>
    typeof personal === 'string' ? { sealed: personal, aad } : null;
  // Version 1 payloads are plain: read as if opened.
  const plainOf = (personal: string | { plain: unknown } | undefined) =>
    personal !== undefined && typeof personal !== 'string' ? plainPayload(event, personal) : undefined;
  switch (event.type) {
    case customerCreated.type: {
      const data = upcast(customerCreated, event.schemaVersion, event.data);
      const given = plainOf(data.personal);
      return {
        toOpen: sealedOf(data.personal),
        read: (opened) => {
          const content = given ?? opened;
          const personal =
            content === null
              ? null
              : {
                  ...EMPTY_PERSONAL,
                  // Complete since version 4; what a legacy payload lacks keeps its empty value.
                  ...personalContent(event, content, personalChangesSchema, legacyPersonalSchema),
                };
          return { kind: 'created', number: data.number, status: data.status, plain: data.plain, personal };
        },
      };
    }
    case customerUpdated.type: {
      const data = upcast(customerUpdated, event.schemaVersion, event.data);
      const given = plainOf(data.personal);
      return {
        toOpen: sealedOf(data.personal),
        read: (opened) => {
          const content = data.personal === undefined ? {} : (given ?? opened);
          const personal =
            content === null ? null : personalContent(event, content, personalChangesSchema, legacyChangesSchema);
          return { kind: 'updated', plain: data.plain ?? {}, personal };
        },
      };
    }
    case customerStatusChanged.type: {
      const data = upcast(customerStatusChanged, event.schemaVersion, event.data);
      return {
        toOpen: { sealed: data.reason, aad },
        read: (opened) => ({
          kind: 'status',
          from: data.from,
          to: data.to,
          reason: opened === null ? null : reasonSchema.parse(opened),
        }),
      };
    }
    case customerNumbered.type: {
      const { number } = upcast(customerNumbered, event.schemaVersion, event.data);
      return { toOpen: null, read: () => ({ kind: 'numbered', number }) };
    }
    case customerErased.type:
      return { toOpen: null, read: () => ({ kind: 'erased' }) };
    case customerDeleted.type:
      return { toOpen: null, read: () => ({ kind: 'deleted' }) };
    case customerMerged.type: {
      const { into } = upcast(customerMerged, event.schemaVersion, event.data);
      return { toOpen: null, read: () => ({ kind: 'merged', into }) };
    }
    case customerAbsorbed.type: {
      const { from, number } = upcast(customerAbsorbed, event.schemaVersion, event.data);
      return { toOpen: null, read: () => ({ kind: 'absorbed', from, number }) };
    }
    default:
      throw new Error(`${event.stream}: unknown event type ${event.type}`);
  }
}

export function decode(event: StoredEvent, key: DataKey | null): CustomerFact {
  const { toOpen, read } = parse(event, key?.tenantId ?? '');
  if (!toOpen) return read(undefined);
  return read(key ? openJson(key, toOpen.aad, toOpen.sealed) : null);
}

/**
 * What the event does to the projection row (null: the customer is deleted, no row); the same code
 * serves commands and replay.
 */
export function nextRecord(
  current: CustomerRecord | null,
  event: StoredEvent,
  fact: CustomerFact,
): CustomerRecord | null {
  if (fact.kind === 'deleted' || fact.kind === 'merged') {
    if (!current) throw new Error(`${event.stream}: ${event.type} of no customer at version ${event.version}`);
    return null;
  }
  return withPlace(next(current, event, fact));
}

/** The record a `created` event makes (at `version`, normally 1). */
export function createdRecord(
  id: string,
  fact: Extract<CustomerFact, { kind: 'created' }>,
  version: number,
  at: string,
): CustomerRecord {
  return withPlace({
    id,
    number: fact.number,
    status: fact.status,
    ...fact.plain,
    ...(fact.personal ?? ERASED_PERSONAL),
    version,
    createdAt: at,
    updatedAt: at,
    erasedAt: null,
  });
}

function next(
  current: CustomerRecord | null,
  event: StoredEvent,
  fact: Exclude<CustomerFact, { kind: 'deleted' | 'merged' }>,
): Omit<CustomerRecord, 'city' | 'country'> {
  const at = event.meta.at;
  if (fact.kind === 'created') return createdRecord(idOf(event.stream), fact, event.version, at);
  if (!current) throw new Error(`${event.stream}: ${event.type} before create at version ${event.version}`);
  const moved = { version: event.version, updatedAt: at };
  switch (fact.kind) {
    case 'erased':
      return { ...current, ...ERASED_PERSONAL, ...moved, erasedAt: at };
    case 'status':
      return { ...current, status: fact.to, ...moved };
    case 'numbered':
      return { ...current, number: fact.number, ...moved };
    case 'absorbed':
      return { ...current, ...moved };
    case 'updated':
      return { ...current, ...fact.plain, ...(current.erasedAt ? {} : fact.personal), ...moved };
  }
}

/**
 * What a page of events says, decrypted in one batch on the crypto pool's threads (replay): the
 * calling thread is free meanwhile to write the previous page. Erased subjects' data reads as null.
 */
export function decodeMany(events: readonly StoredEvent[], keyring: Keyring, tx: Executor): Promise<CustomerFact[]> {
  return openAndRead(
    events.map((event) => {
      const { toOpen, read } = parse(event, keyring.tenantId);
      return { toOpen: toOpen && { subject: subjectOfStream(event.stream), ...toOpen }, read };
    }),
    keyring,
    tx,
  );
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
    if (!record) {
      if (before && !(await repo.remove(before.id, tx, before.version)))
        throw new Error(`${stream}: projection moved during replay`);
      continue;
    }
    if (before === null) fresh.push(record);
    else if (!(await repo.replace(record, tx, before.version)))
      throw new Error(`${stream}: projection moved during replay`);
  }
  await repo.insertMany(fresh, tx);
}

/**
 * A command's event: the command knows the plain fields, so nothing is decrypted here. Returns the
 * record after it (null once deleted).
 */
export async function applyCustomerEvent(
  repo: CustomersRepo,
  event: StoredEvent,
  fact: CustomerFact,
  tx: Executor,
): Promise<CustomerRecord | null> {
  const current = fact.kind === 'created' ? null : await repo.get(idOf(event.stream), tx);
  const next = nextRecord(current, event, fact);
  let moved = true;
  if (next === null) moved = current !== null && (await repo.remove(current.id, tx, event.version - 1));
  else if (current === null) await repo.insert(next, tx);
  else moved = await repo.replace(next, tx);
  if (!moved) throw new Error(`${event.stream}: projection is not at version ${event.version - 1}`);
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
  const erasedPart = { personal: ERASURE_MARKER };
  switch (fact.kind) {
    case 'created':
      return { number: fact.number, status: fact.status, ...fact.plain, ...(fact.personal ?? erasedPart) };
    case 'updated':
      return { ...fact.plain, ...(fact.personal ?? erasedPart) };
    case 'status':
      return { status: fact.to, reason: fact.reason ?? ERASURE_MARKER };
    case 'numbered':
      return { number: fact.number };
    case 'merged':
      return { mergedInto: fact.into };
    case 'absorbed':
      return { mergedFrom: fact.from, mergedNumber: fact.number };
    case 'erased':
    case 'deleted':
      return {};
  }
}

export type { EventMeta };

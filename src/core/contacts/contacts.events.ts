// The events of a contact person's stream (`contact-<id>`), and how the contacts projection follows
// them. The person's data travels sealed with their own data key (`contact:<id>`): once that key
// is shredded (removed or erased), their events still replay, into nothing or the erased state.
import { z } from 'zod';
import { ERASURE_MARKER } from '../../shared/contract';
import { sealJson, type DataKey, type Keyring } from '../crypto/keyring';
import type { Executor } from '../db/executor';
import type { NewEvent, StoredEvent } from '../events/event-store';
import { defineEvent, upcast } from '../events/event-types';
import { eventAad, openAndRead, type ParsedEvent } from '../events/stream-records';

export const personalSchema = z.object({
  name: z.string(),
  role: z.string().nullable(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
});
export type ContactPersonal = z.infer<typeof personalSchema>;
const changesSchema = personalSchema.partial();
export type ContactPersonalChanges = z.infer<typeof changesSchema>;

export const contactAdded = defineEvent(
  'contact.added',
  1,
  z.object({ customerId: z.string(), primary: z.boolean(), personal: z.string() }),
);
export const contactChanged = defineEvent(
  'contact.changed',
  1,
  z.object({ primary: z.boolean().optional(), personal: z.string().optional() }),
);
/** No longer a contact of the customer: gone from the projection, their key shredded. */
export const contactRemoved = defineEvent('contact.removed', 1, z.object({}));
/** Now a contact of another customer (its customer was merged into that one). */
export const contactMoved = defineEvent('contact.moved', 1, z.object({ customerId: z.string(), primary: z.boolean() }));
/** Their key was shredded on request: the record stays with the erasure marker. */
export const contactErased = defineEvent('contact.erased', 1, z.object({}));

export const contactStream = (id: string) => `contact-${id}`;
export const contactSubject = (id: string) => `contact:${id}`;
export const contactIdOf = (stream: string) => stream.slice('contact-'.length);

export interface ContactRecord extends ContactPersonal {
  readonly id: string;
  readonly customerId: string;
  readonly primary: boolean;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly erasedAt: string | null;
}

const ERASED: ContactPersonal = { name: ERASURE_MARKER, role: null, email: null, phone: null };

/** What an event says, decrypted; `null` personal data means the person's key is gone. */
export type ContactFact =
  | {
      readonly kind: 'added';
      readonly customerId: string;
      readonly primary: boolean;
      readonly personal: ContactPersonal | null;
    }
  | { readonly kind: 'changed'; readonly primary?: boolean; readonly personal: ContactPersonalChanges | null }
  | { readonly kind: 'moved'; readonly customerId: string; readonly primary: boolean }
  | { readonly kind: 'removed' }
  | { readonly kind: 'erased' };

const sealFor = (key: DataKey, type: string, version: number, value: unknown) =>
  sealJson(key, eventAad(key.tenantId, contactStream(key.subject.slice('contact:'.length)), type, version), value);

export function added(key: DataKey, customerId: string, primary: boolean, personal: ContactPersonal): NewEvent {
  const { type, version } = contactAdded;
  return {
    type,
    schemaVersion: version,
    data: { customerId, primary, personal: sealFor(key, type, version, personal) },
  };
}

/** Only what changes: an event without personal changes holds no sealed payload. */
export function changed(key: DataKey | null, primary: boolean | undefined, personal: ContactPersonalChanges): NewEvent {
  const { type, version } = contactChanged;
  const sealsSomething = Object.keys(personal).length > 0;
  if (sealsSomething && !key) throw new Error('a contact change without a data key');
  return {
    type,
    schemaVersion: version,
    data: {
      ...(primary !== undefined && { primary }),
      ...(sealsSomething && key && { personal: sealFor(key, type, version, personal) }),
    },
  };
}

export const moved = (customerId: string, primary: boolean): NewEvent => ({
  type: contactMoved.type,
  schemaVersion: contactMoved.version,
  data: { customerId, primary },
});
export const removed = (): NewEvent => ({ type: contactRemoved.type, schemaVersion: 1, data: {} });
export const erased = (): NewEvent => ({ type: contactErased.type, schemaVersion: 1, data: {} });

/** An event, upcast, with the sealed payload to open (if any) and how to read the opened value. */
function parse(event: StoredEvent, tenantId: string): ParsedEvent<ContactFact> {
  const aad = eventAad(tenantId, event.stream, event.type, event.schemaVersion);
  const subject = contactSubject(contactIdOf(event.stream));
  const sealed = (payload: string | undefined) => (payload === undefined ? null : { subject, aad, sealed: payload });
  switch (event.type) {
    case contactAdded.type: {
      const data = upcast(contactAdded, event.schemaVersion, event.data);
      return {
        toOpen: sealed(data.personal),
        read: (opened: unknown): ContactFact => ({
          kind: 'added',
          customerId: data.customerId,
          primary: data.primary,
          personal: opened === null ? null : personalSchema.parse(opened),
        }),
      };
    }
    case contactChanged.type: {
      const data = upcast(contactChanged, event.schemaVersion, event.data);
      return {
        toOpen: sealed(data.personal),
        read: (opened: unknown): ContactFact => ({
          kind: 'changed',
          ...(data.primary !== undefined && { primary: data.primary }),
          personal: data.personal === undefined ? {} : opened === null ? null : changesSchema.parse(opened),
        }),
      };
    }
    case contactMoved.type: {
      const data = upcast(contactMoved, event.schemaVersion, event.data);
      return { toOpen: null, read: (): ContactFact => ({ kind: 'moved', ...data }) };
    }
    case contactRemoved.type:
      return { toOpen: null, read: (): ContactFact => ({ kind: 'removed' }) };
    case contactErased.type:
      return { toOpen: null, read: (): ContactFact => ({ kind: 'erased' }) };
    default:
      throw new Error(`${event.stream}: unknown event type ${event.type}`);
  }
}

/** What a page of events says, opened in one batch on the crypto pool (replay, history). */
export function decodeContacts(
  events: readonly StoredEvent[],
  keyring: Keyring,
  tx?: Executor,
): Promise<ContactFact[]> {
  return openAndRead(
    events.map((event) => parse(event, keyring.tenantId)),
    keyring,
    tx,
  );
}

/** What the event does to the contact's row (null: no row). The same code serves commands and replay. */
export function nextContact(
  current: ContactRecord | null,
  event: StoredEvent,
  fact: ContactFact,
): ContactRecord | null {
  const at = event.meta.at;
  const moved = { version: event.version, updatedAt: at };
  if (fact.kind === 'added') {
    return {
      id: contactIdOf(event.stream),
      customerId: fact.customerId,
      primary: fact.primary,
      ...(fact.personal ?? ERASED),
      version: event.version,
      createdAt: at,
      updatedAt: at,
      erasedAt: null,
    };
  }
  if (!current) throw new Error(`${event.stream}: ${event.type} before the contact was added`);
  switch (fact.kind) {
    case 'removed':
      return null;
    case 'moved':
      return { ...current, customerId: fact.customerId, primary: fact.primary, ...moved };
    case 'erased':
      return { ...current, ...ERASED, ...moved, erasedAt: at };
    case 'changed':
      return {
        ...current,
        ...(fact.primary !== undefined && { primary: fact.primary }),
        ...(current.erasedAt === null && fact.personal),
        ...moved,
      };
  }
}

/** The fields an event set, for the history in an export; erased data reads as the marker. */
export function readableContactChanges(fact: ContactFact): Record<string, unknown> {
  switch (fact.kind) {
    case 'added':
      return { customerId: fact.customerId, primary: fact.primary, ...(fact.personal ?? { personal: ERASURE_MARKER }) };
    case 'changed':
      return {
        ...(fact.primary !== undefined && { primary: fact.primary }),
        ...(fact.personal ?? { personal: ERASURE_MARKER }),
      };
    case 'moved':
      return { customerId: fact.customerId, primary: fact.primary };
    case 'removed':
    case 'erased':
      return {};
  }
}

// The events of a customer's stream, and how the customers projection follows them.
import { z } from 'zod';
import type { Executor } from '../db/executor';
import type { EventMeta, NewEvent, StoredEvent } from '../events/event-store';
import { defineEvent, upcast } from '../events/event-types';
import type { CustomerRecord, CustomersRepo } from './customers.repo';

const fields = {
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  city: z.string().nullable(),
  notes: z.string().nullable(),
};

export const customerCreated = defineEvent('customer.created', 1, z.object(fields));
export const customerUpdated = defineEvent('customer.updated', 1, z.object({ changes: z.object(fields).partial() }));
export type CustomerChanges = z.infer<typeof customerUpdated.schema>['changes'];

export const customerStream = (id: string) => `customer-${id}`;
const idOf = (stream: string) => stream.slice('customer-'.length);

export function created(data: z.infer<typeof customerCreated.schema>): NewEvent {
  return { type: customerCreated.type, schemaVersion: customerCreated.version, data };
}

export function updated(changes: CustomerChanges): NewEvent {
  return { type: customerUpdated.type, schemaVersion: customerUpdated.version, data: { changes } };
}

/** What the event does to the projection row; the same code serves commands and replay. */
export function nextRecord(current: CustomerRecord | null, event: StoredEvent): CustomerRecord {
  const at = event.meta.at;
  switch (event.type) {
    case customerCreated.type: {
      const data = upcast(customerCreated, event.schemaVersion, event.data);
      return { id: idOf(event.stream), ...data, version: event.version, createdAt: at, updatedAt: at };
    }
    case customerUpdated.type: {
      if (!current) throw new Error(`${event.stream}: update before create at version ${event.version}`);
      const { changes } = upcast(customerUpdated, event.schemaVersion, event.data);
      return { ...current, ...changes, version: event.version, updatedAt: at };
    }
    default:
      throw new Error(`${event.stream}: unknown event type ${event.type}`);
  }
}

/** Replay: folds each stream's events of a page in memory and writes every customer once. */
export async function applyCustomerEvents(
  repo: CustomersRepo,
  events: readonly StoredEvent[],
  tx: Executor,
): Promise<void> {
  const byStream = new Map<string, StoredEvent[]>();
  for (const event of events) {
    const list = byStream.get(event.stream);
    if (list) list.push(event);
    else byStream.set(event.stream, [event]);
  }
  for (const [stream, streamEvents] of byStream) {
    const first = streamEvents[0];
    if (!first) continue;
    const stored = first.type === customerCreated.type ? null : await repo.get(idOf(stream), tx);
    let record = stored;
    for (const event of streamEvents) record = nextRecord(record, event);
    if (!record) continue;
    if (stored === null) await repo.insert(record, tx);
    else if (!(await repo.replace(record, tx, stored.version)))
      throw new Error(`${stream}: projection moved during replay`);
  }
}

export async function applyCustomerEvent(
  repo: CustomersRepo,
  event: StoredEvent,
  tx: Executor,
): Promise<CustomerRecord> {
  const current = event.type === customerCreated.type ? null : await repo.get(idOf(event.stream), tx);
  const next = nextRecord(current, event);
  if (current === null) await repo.insert(next, tx);
  else if (!(await repo.replace(next, tx)))
    throw new Error(`${event.stream}: projection is not at version ${event.version - 1}`);
  return next;
}

/** The fields an event set, for the history screen. */
export function historyChanges(event: StoredEvent): Record<string, unknown> {
  if (event.type === customerCreated.type) return upcast(customerCreated, event.schemaVersion, event.data);
  if (event.type === customerUpdated.type) return upcast(customerUpdated, event.schemaVersion, event.data).changes;
  return {};
}

export type { EventMeta };

// Customer use cases. Every change is an event in the customer's stream; the customers table is a
// projection updated in the same transaction, and can be rebuilt from the log at any time.
// Personal fields enter the log sealed with the customer's data key; `erase` shreds that key.
import type { Customer, CustomerFields, CustomerListQuery, CustomerPage } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { Keyring } from '../crypto/keyring';
import type { Executor } from '../db/executor';
import type { IdSource } from '../deps';
import type { EventMeta, EventStore } from '../events/event-store';
import type { CustomerRecord, CustomersRepo } from './customers.repo';
import {
  applyCustomerEvent,
  created,
  customerStream,
  customerSubject,
  erased,
  updated,
  type CustomerChanges,
} from './customers.events';

export interface CustomersService {
  create(fields: CustomerFields, meta: EventMeta): Promise<Customer>;
  get(id: string): Promise<Customer>;
  update(id: string, changes: Partial<CustomerFields>, meta: EventMeta, expectedVersion?: number): Promise<Customer>;
  list(query: CustomerListQuery): Promise<CustomerPage>;
  /** Crypto-shreds the customer's personal data; dates and version history stay. */
  erase(id: string, meta: EventMeta): Promise<Customer>;
}

export interface CustomersServiceDeps {
  readonly db: Executor;
  readonly repo: CustomersRepo;
  readonly events: EventStore;
  readonly keyring: Keyring;
  readonly ids: IdSource;
}

/** Empty optional text means "not given": stored as null, never as ''. */
function clean(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value;
}

function refuseErased(record: CustomerRecord): void {
  if (record.erasedAt !== null) {
    throw new AppError('conflict', "this customer's personal data was erased; the record can no longer be changed", {
      reason: 'customer_erased',
    });
  }
}

export function createCustomersService({ db, repo, events, keyring, ids }: CustomersServiceDeps): CustomersService {
  async function get(id: string): Promise<CustomerRecord> {
    const record = await repo.get(id);
    if (record === null) throw new AppError('not_found', `no customer with id ${id}`, { reason: 'no_customer' });
    return record;
  }

  return {
    async create(fields, meta) {
      const id = ids.next();
      const data = {
        name: fields.name,
        email: clean(fields.email),
        phone: clean(fields.phone),
        city: clean(fields.city),
        notes: clean(fields.notes),
      };
      return db.transaction(async (tx) => {
        const key = await keyring.dataKey(customerSubject(id), tx, true);
        if (!key) throw new Error('no data key made');
        const [event] = await events.append(customerStream(id), 0, [created(key, data)], meta, tx);
        if (!event) throw new Error('no event appended');
        return applyCustomerEvent(repo, event, { kind: 'created', fields: data }, tx);
      });
    },

    get,

    async update(id, changes, meta, expectedVersion) {
      const current = await get(id);
      refuseErased(current);
      const key = await keyring.dataKey(customerSubject(id));
      if (!key)
        throw new AppError('conflict', "this customer's personal data was erased", { reason: 'customer_erased' });
      const given: CustomerChanges = {
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.email !== undefined && { email: clean(changes.email) }),
        ...(changes.phone !== undefined && { phone: clean(changes.phone) }),
        ...(changes.city !== undefined && { city: clean(changes.city) }),
        ...(changes.notes !== undefined && { notes: clean(changes.notes) }),
      };
      // Only what really changes becomes part of the event: the history shows it, and sync merges
      // edits field by field. Nothing changed, nothing is written.
      const cleaned = Object.fromEntries(
        Object.entries(given).filter(([field, value]) => current[field as keyof CustomerChanges] !== value),
      ) as CustomerChanges;
      if (Object.keys(cleaned).length === 0) return current;
      return db.transaction(async (tx) => {
        // The stream's version is the row's version: a stale caller gets `conflict` from the append.
        const [event] = await events.append(
          customerStream(id),
          expectedVersion ?? current.version,
          [updated(key, cleaned)],
          meta,
          tx,
        );
        if (!event) throw new Error('no event appended');
        return applyCustomerEvent(repo, event, { kind: 'updated', changes: cleaned }, tx);
      });
    },

    async list(query) {
      const { items, total } = await repo.list(query);
      return { items, total, limit: query.limit, offset: query.offset };
    },

    async erase(id, meta) {
      const current = await get(id);
      if (current.erasedAt !== null)
        throw new AppError('conflict', 'this customer was erased already', { reason: 'customer_erased' });
      return db.transaction(async (tx) => {
        const [event] = await events.append(customerStream(id), current.version, [erased()], meta, tx);
        if (!event) throw new Error('no event appended');
        await keyring.shred(customerSubject(id), tx);
        return applyCustomerEvent(repo, event, { kind: 'erased' }, tx);
      });
    },
  };
}

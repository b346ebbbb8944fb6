// Customer use cases. Every change is an event in the customer's stream; the customers table is a
// projection updated in the same transaction, and can be rebuilt from the log at any time.
import type { Customer, CustomerFields, CustomerListQuery, CustomerPage } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { Executor } from '../db/executor';
import type { IdSource } from '../deps';
import type { EventMeta, EventStore } from '../events/event-store';
import type { CustomerRecord, CustomersRepo } from './customers.repo';
import { applyCustomerEvent, created, customerStream, updated, type CustomerChanges } from './customers.events';

export interface CustomersService {
  create(fields: CustomerFields, meta: EventMeta): Promise<Customer>;
  get(id: string): Promise<Customer>;
  update(id: string, changes: Partial<CustomerFields>, meta: EventMeta, expectedVersion?: number): Promise<Customer>;
  list(query: CustomerListQuery): Promise<CustomerPage>;
}

export interface CustomersServiceDeps {
  readonly db: Executor;
  readonly repo: CustomersRepo;
  readonly events: EventStore;
  readonly ids: IdSource;
}

/** Empty optional text means "not given": stored as null, never as ''. */
function clean(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value;
}

export function createCustomersService({ db, repo, events, ids }: CustomersServiceDeps): CustomersService {
  async function get(id: string): Promise<CustomerRecord> {
    const record = await repo.get(id);
    if (record === null) throw new AppError('not_found', `no customer with id ${id}`);
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
        const [event] = await events.append(customerStream(id), 0, [created(data)], meta, tx);
        if (!event) throw new Error('no event appended');
        return applyCustomerEvent(repo, event, tx);
      });
    },

    get,

    async update(id, changes, meta, expectedVersion) {
      const current = await get(id);
      const cleaned: CustomerChanges = {
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.email !== undefined && { email: clean(changes.email) }),
        ...(changes.phone !== undefined && { phone: clean(changes.phone) }),
        ...(changes.city !== undefined && { city: clean(changes.city) }),
        ...(changes.notes !== undefined && { notes: clean(changes.notes) }),
      };
      return db.transaction(async (tx) => {
        // The stream's version is the row's version: a stale caller gets `conflict` from the append.
        const [event] = await events.append(
          customerStream(id),
          expectedVersion ?? current.version,
          [updated(cleaned)],
          meta,
          tx,
        );
        if (!event) throw new Error('no event appended');
        return applyCustomerEvent(repo, event, tx);
      });
    },

    async list(query) {
      const { items, total } = await repo.list(query);
      return { items, total, limit: query.limit, offset: query.offset };
    },
  };
}

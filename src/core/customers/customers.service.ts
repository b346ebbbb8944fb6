// Customer use cases on top of a tenant's repo. Inputs arrive already parsed by the router.
import type { Customer, CustomerFields, CustomerListQuery, CustomerPage } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { Clock, IdSource } from '../deps';
import type { CustomerRecord, CustomersRepo } from './customers.repo';

export interface CustomersService {
  create(fields: CustomerFields): Promise<Customer>;
  get(id: string): Promise<Customer>;
  update(id: string, changes: Partial<CustomerFields>, expectedVersion?: number): Promise<Customer>;
  list(query: CustomerListQuery): Promise<CustomerPage>;
}

export interface CustomersServiceDeps {
  readonly repo: CustomersRepo;
  readonly clock: Clock;
  readonly ids: IdSource;
}

/** Empty optional text means "not given": stored as null, never as ''. */
function clean(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value;
}

export function createCustomersService({ repo, clock, ids }: CustomersServiceDeps): CustomersService {
  async function get(id: string): Promise<CustomerRecord> {
    const record = await repo.get(id);
    if (record === null) throw new AppError('not_found', `no customer with id ${id}`);
    return record;
  }

  return {
    async create(fields) {
      const now = clock.now().toISOString();
      const record: CustomerRecord = {
        id: ids.next(),
        name: fields.name,
        email: clean(fields.email),
        phone: clean(fields.phone),
        city: clean(fields.city),
        notes: clean(fields.notes),
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      await repo.insert(record);
      return record;
    },

    get,

    async update(id, changes, expectedVersion) {
      const current = await get(id);
      if (expectedVersion !== undefined && expectedVersion !== current.version) {
        throw new AppError(
          'conflict',
          `customer ${id} was changed by someone else (version ${current.version}, expected ${expectedVersion})`,
          {
            currentVersion: current.version,
          },
        );
      }
      const next: CustomerRecord = {
        ...current,
        ...(changes.name !== undefined && { name: changes.name }),
        ...(changes.email !== undefined && { email: clean(changes.email) }),
        ...(changes.phone !== undefined && { phone: clean(changes.phone) }),
        ...(changes.city !== undefined && { city: clean(changes.city) }),
        ...(changes.notes !== undefined && { notes: clean(changes.notes) }),
        version: current.version + 1,
        updatedAt: clock.now().toISOString(),
      };
      if (!(await repo.replace(next))) {
        throw new AppError('conflict', `customer ${id} was changed by someone else while saving; reload and try again`);
      }
      return next;
    },

    async list(query) {
      const { items, total } = await repo.list(query);
      return { items, total, limit: query.limit, offset: query.offset };
    },
  };
}

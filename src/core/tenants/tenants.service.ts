// Companies of an installation: each gets its own store when created.
import type { Tenant } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { Stores } from '../db/stores';
import type { Clock, IdSource } from '../deps';

export interface TenantsService {
  /** Creates the tenant and its store, or returns the existing one of that name (idempotent). */
  setup(name: string): Promise<Tenant>;
  list(): Promise<Tenant[]>;
  findByName(name: string): Promise<Tenant | null>;
  get(id: string): Promise<Tenant | null>;
  rename(id: string, name: string): Promise<Tenant>;
  setArchived(id: string, archived: boolean): Promise<Tenant>;
}

export function createTenantsService({
  stores,
  clock,
  ids,
}: {
  stores: Stores;
  clock: Clock;
  ids: IdSource;
}): TenantsService {
  const repo = stores.system.tenants;

  async function existing(id: string): Promise<Tenant> {
    const tenant = await repo.get(id);
    if (!tenant) throw new AppError('not_found', `no company with id ${id}`);
    return tenant;
  }

  return {
    async setup(name) {
      const found = await repo.findByName(name);
      // The store is (re)created even for an existing tenant: a crash between the two steps
      // below must not leave a tenant without its store.
      const tenant = found ?? { id: ids.next(), name, createdAt: clock.now().toISOString(), archivedAt: null };
      await stores.createTenantStore(tenant.id);
      if (!found) await repo.insert(tenant);
      return tenant;
    },
    list: () => repo.list(),
    findByName: (name) => repo.findByName(name),
    get: (id) => repo.get(id),
    async rename(id, name) {
      const tenant = await existing(id);
      const taken = await repo.findByName(name);
      if (taken && taken.id !== id) {
        throw new AppError('conflict', `a company named ${name} exists already`, {
          issues: [{ path: 'name', rule: 'unique', message: 'A company with this name exists' }],
        });
      }
      await repo.rename(id, name);
      return { ...tenant, name };
    },
    async setArchived(id, archived) {
      const tenant = await existing(id);
      const archivedAt = archived ? (tenant.archivedAt ?? clock.now().toISOString()) : null;
      await repo.setArchived(id, archivedAt);
      return { ...tenant, archivedAt };
    },
  };
}

// Companies of an installation: each gets its own store when created.
import type { Tenant } from '../../shared/contract';
import type { Stores } from '../db/stores';
import type { Clock, IdSource } from '../deps';

export interface TenantsService {
  /** Creates the tenant and its store, or returns the existing one of that name (idempotent). */
  setup(name: string): Promise<Tenant>;
  list(): Promise<Tenant[]>;
  findByName(name: string): Promise<Tenant | null>;
  get(id: string): Promise<Tenant | null>;
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
  return {
    async setup(name) {
      const existing = await repo.findByName(name);
      // The store is (re)created even for an existing tenant: a crash between the two steps
      // below must not leave a tenant without its store.
      const tenant = existing ?? { id: ids.next(), name, createdAt: clock.now().toISOString() };
      await stores.createTenantStore(tenant.id);
      if (!existing) await repo.insert(tenant);
      return tenant;
    },
    list: () => repo.list(),
    findByName: (name) => repo.findByName(name),
    get: (id) => repo.get(id),
  };
}

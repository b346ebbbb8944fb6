// Companies of an installation: each gets its own store when created.
import type { Tenant } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { Stores } from '../db/stores';
import type { Executor } from '../db/executor';
import type { Clock, IdSource } from '../deps';

export interface TenantsService {
  /** Creates the tenant and its store, or returns the existing one of that name (idempotent). */
  setup(name: string): Promise<Tenant>;
  /**
   * A new company's store, made before its row is written (store creation runs outside any
   * transaction); `insert` then writes the row, inside the caller's transaction.
   */
  prepare(name: string): Promise<Tenant>;
  insert(tenant: Tenant, tx?: Executor): Promise<void>;
  list(): Promise<Tenant[]>;
  findByName(name: string): Promise<Tenant | null>;
  get(id: string): Promise<Tenant | null>;
  /** Refuses a name another company has, also one that differs only in case. */
  rename(id: string, name: string, tx?: Executor): Promise<Tenant>;
  setArchived(id: string, archived: boolean, tx?: Executor): Promise<Tenant>;
  /** Throws `conflict` (a field error on `name`) when another company has this name, in any case. */
  requireFreeName(name: string, exceptId?: string, tx?: Executor): Promise<void>;
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

  async function existing(id: string, tx?: Executor): Promise<Tenant> {
    const tenant = await repo.get(id, tx);
    if (!tenant) throw new AppError('not_found', `no company with id ${id}`, { reason: 'no_company_found' });
    return tenant;
  }

  /** Names compare without case: "ACME GmbH" and "Acme GmbH" cannot both exist. */
  const sameName = (a: string, b: string) => a.localeCompare(b, 'de', { sensitivity: 'accent' }) === 0;

  async function requireFreeName(name: string, exceptId?: string, tx?: Executor): Promise<void> {
    const taken = (await repo.list(tx)).find((t) => t.id !== exceptId && sameName(t.name, name));
    if (taken) {
      throw new AppError('conflict', `a company named ${taken.name} exists already`, {
        reason: 'company_name_taken',
        name: taken.name,
        issues: [{ path: 'name', rule: 'unique', message: 'A company with this name exists' }],
      });
    }
  }

  return {
    requireFreeName,
    async prepare(name) {
      const tenant = { id: ids.next(), name, createdAt: clock.now().toISOString(), archivedAt: null };
      await stores.createTenantStore(tenant.id);
      return tenant;
    },
    insert: (tenant, tx) => repo.insert(tenant, tx),
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
    async rename(id, name, tx) {
      const tenant = await existing(id, tx);
      await requireFreeName(name, id, tx);
      await repo.rename(id, name, tx);
      return { ...tenant, name };
    },
    async setArchived(id, archived, tx) {
      const tenant = await existing(id, tx);
      const archivedAt = archived ? (tenant.archivedAt ?? clock.now().toISOString()) : null;
      await repo.setArchived(id, archivedAt, tx);
      return { ...tenant, archivedAt };
    },
  };
}

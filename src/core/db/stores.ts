// The stores of one installation: the system store and one store per tenant.
import type { createCustomersRepo } from '../customers/customers.repo.sql';
import type { TenantsRepo } from '../tenants/tenants.repo';
import type { Executor } from './executor';

export interface TenantStore {
  readonly customers: ReturnType<typeof createCustomersRepo>;
  /** Dialect-neutral SQL on this tenant's store (the event log). */
  readonly sql: Executor;
}

export interface SystemStore {
  readonly tenants: TenantsRepo;
  /** Dialect-neutral SQL for the services that share one implementation (identity, audit, mail). */
  readonly sql: Executor;
}

export interface Stores {
  readonly dialect: 'sqlite' | 'postgres';
  readonly system: SystemStore;
  /** Creates and migrates the store of a new tenant; safe to call again. */
  createTenantStore(tenantId: string): Promise<void>;
  /** Opens the store of an existing tenant (cached). */
  tenant(tenantId: string): Promise<TenantStore>;
  close(): Promise<void>;
}

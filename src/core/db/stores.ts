// The stores of one installation: the system store and one store per tenant.
import type { CustomersRepo } from '../customers/customers.repo';
import type { TenantsRepo } from '../tenants/tenants.repo';

export interface TenantStore {
  readonly customers: CustomersRepo;
}

export interface SystemStore {
  readonly tenants: TenantsRepo;
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

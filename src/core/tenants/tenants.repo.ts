// The tenants repo: both dialect adapters in one file, since each is a few lines.
import { asc, eq } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { Tenant } from '../../shared/contract';
import type { PgDb } from '../db/postgres';
import { tenantsPgIn, tenantsSqlite } from './tenants.schema';

export interface TenantsRepo {
  list(): Promise<Tenant[]>;
  get(id: string): Promise<Tenant | null>;
  findByName(name: string): Promise<Tenant | null>;
  insert(tenant: Tenant): Promise<void>;
}

export function createSqliteTenantsRepo(db: BetterSQLite3Database): TenantsRepo {
  const t = tenantsSqlite;
  return {
    list: async () => db.select().from(t).orderBy(asc(t.name)).all(),
    get: async (id) => db.select().from(t).where(eq(t.id, id)).get() ?? null,
    findByName: async (name) => db.select().from(t).where(eq(t.name, name)).get() ?? null,
    insert: async (tenant) => {
      db.insert(t).values(tenant).run();
    },
  };
}

export function createPgTenantsRepo(db: PgDb, schema: string): TenantsRepo {
  const t = tenantsPgIn(schema);
  const toTenant = (row: typeof t.$inferSelect): Tenant => ({ ...row, createdAt: row.createdAt.toISOString() });
  return {
    list: async () => (await db.select().from(t).orderBy(asc(t.name))).map(toTenant),
    get: async (id) => {
      const [row] = await db.select().from(t).where(eq(t.id, id));
      return row ? toTenant(row) : null;
    },
    findByName: async (name) => {
      const [row] = await db.select().from(t).where(eq(t.name, name));
      return row ? toTenant(row) : null;
    },
    insert: async (tenant) => {
      await db.insert(t).values({ ...tenant, createdAt: new Date(tenant.createdAt) });
    },
  };
}

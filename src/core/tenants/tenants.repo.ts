// The tenants repo, in SQL for both dialects (see db/executor.ts), built on the table definition.
import { getTableName, sql } from 'drizzle-orm';
import type { Tenant } from '../../shared/contract';
import { col, selectColumns, type Executor, type Row } from '../db/executor';
import { tenantsSqlite } from './tenants.schema';

export interface TenantsRepo {
  list(tx?: Executor): Promise<Tenant[]>;
  get(id: string, tx?: Executor): Promise<Tenant | null>;
  findByName(name: string): Promise<Tenant | null>;
  insert(tenant: Tenant, tx?: Executor): Promise<void>;
  rename(id: string, name: string, tx?: Executor): Promise<void>;
  setArchived(id: string, archivedAt: string | null, tx?: Executor): Promise<void>;
}

// Queries and rows come from the table definition (tenants.schema.ts): selectColumns returns rows
// keyed by property, col() names a column. created_at is timestamptz on Postgres (a Date from the
// driver) and ISO text on SQLite.
type TenantRow = typeof tenantsSqlite.$inferSelect;
const t = tenantsSqlite;

const toTenant = (row: Row): Tenant => {
  const r = row as TenantRow | (Omit<TenantRow, 'createdAt'> & { createdAt: Date });
  return {
    id: String(r.id),
    name: r.name,
    createdAt: new Date(r.createdAt).toISOString(),
    archivedAt: r.archivedAt ?? null,
  };
};

export function createTenantsRepo(db: Executor): TenantsRepo {
  const tenants = db.table(getTableName(t));
  const all = sql`SELECT ${selectColumns(t)} FROM ${tenants}`;
  return {
    list: async (tx = db) => (await tx.rows(sql`${all} ORDER BY ${col(t.name)}, ${col(t.id)}`)).map(toTenant),
    get: async (id, tx = db) => {
      const [row] = await tx.rows(sql`${all} WHERE ${col(t.id)} = ${id}`);
      return row ? toTenant(row) : null;
    },
    findByName: async (name) => {
      const [row] = await db.rows(sql`${all} WHERE ${col(t.name)} = ${name}`);
      return row ? toTenant(row) : null;
    },
    insert: async (tenant, tx = db) => {
      await tx.insert(t, [{ id: tenant.id, name: tenant.name, createdAt: tenant.createdAt }]);
    },
    rename: async (id, name, tx = db) => {
      await tx.run(sql`UPDATE ${tenants} SET ${col(t.name)} = ${name} WHERE ${col(t.id)} = ${id}`);
    },
    setArchived: async (id, archivedAt, tx = db) => {
      await tx.run(sql`UPDATE ${tenants} SET ${col(t.archivedAt)} = ${archivedAt} WHERE ${col(t.id)} = ${id}`);
    },
  };
}

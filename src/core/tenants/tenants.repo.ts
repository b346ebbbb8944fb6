// The tenants repo, in SQL for both dialects (see db/executor.ts).
import { sql } from 'drizzle-orm';
import type { Tenant } from '../../shared/contract';
import type { Executor, Row } from '../db/executor';

export interface TenantsRepo {
  list(tx?: Executor): Promise<Tenant[]>;
  get(id: string, tx?: Executor): Promise<Tenant | null>;
  findByName(name: string): Promise<Tenant | null>;
  insert(tenant: Tenant, tx?: Executor): Promise<void>;
  rename(id: string, name: string, tx?: Executor): Promise<void>;
  setArchived(id: string, archivedAt: string | null, tx?: Executor): Promise<void>;
}

// created_at is timestamptz on Postgres (a Date from the driver) and ISO text on SQLite.
const toTenant = (row: Row): Tenant => ({
  id: String(row['id']),
  name: String(row['name']),
  createdAt: new Date(row['created_at'] as string | Date).toISOString(),
  archivedAt: typeof row['archived_at'] === 'string' ? row['archived_at'] : null,
});

export function createTenantsRepo(db: Executor): TenantsRepo {
  const tenants = db.table('tenants');
  return {
    list: async (tx = db) => (await tx.rows(sql`SELECT * FROM ${tenants} ORDER BY name, id`)).map(toTenant),
    get: async (id, tx = db) => {
      const [row] = await tx.rows(sql`SELECT * FROM ${tenants} WHERE id = ${id}`);
      return row ? toTenant(row) : null;
    },
    findByName: async (name) => {
      const [row] = await db.rows(sql`SELECT * FROM ${tenants} WHERE name = ${name}`);
      return row ? toTenant(row) : null;
    },
    insert: async (tenant, tx = db) => {
      await tx.run(
        sql`INSERT INTO ${tenants} (id, name, created_at) VALUES (${tenant.id}, ${tenant.name}, ${tenant.createdAt})`,
      );
    },
    rename: async (id, name, tx = db) => {
      await tx.run(sql`UPDATE ${tenants} SET name = ${name} WHERE id = ${id}`);
    },
    setArchived: async (id, archivedAt, tx = db) => {
      await tx.run(sql`UPDATE ${tenants} SET archived_at = ${archivedAt} WHERE id = ${id}`);
    },
  };
}

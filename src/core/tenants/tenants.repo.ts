// The tenants repo, in SQL for both dialects (see db/executor.ts).
import { sql } from 'drizzle-orm';
import type { Tenant } from '../../shared/contract';
import type { Executor, Row } from '../db/executor';

export interface TenantsRepo {
  list(): Promise<Tenant[]>;
  get(id: string): Promise<Tenant | null>;
  findByName(name: string): Promise<Tenant | null>;
  insert(tenant: Tenant): Promise<void>;
  rename(id: string, name: string): Promise<void>;
  setArchived(id: string, archivedAt: string | null): Promise<void>;
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
    list: async () => (await db.rows(sql`SELECT * FROM ${tenants} ORDER BY name, id`)).map(toTenant),
    get: async (id) => {
      const [row] = await db.rows(sql`SELECT * FROM ${tenants} WHERE id = ${id}`);
      return row ? toTenant(row) : null;
    },
    findByName: async (name) => {
      const [row] = await db.rows(sql`SELECT * FROM ${tenants} WHERE name = ${name}`);
      return row ? toTenant(row) : null;
    },
    insert: async (tenant) => {
      await db.run(
        sql`INSERT INTO ${tenants} (id, name, created_at) VALUES (${tenant.id}, ${tenant.name}, ${tenant.createdAt})`,
      );
    },
    rename: async (id, name) => {
      await db.run(sql`UPDATE ${tenants} SET name = ${name} WHERE id = ${id}`);
    },
    setArchived: async (id, archivedAt) => {
      await db.run(sql`UPDATE ${tenants} SET archived_at = ${archivedAt} WHERE id = ${id}`);
    },
  };
}

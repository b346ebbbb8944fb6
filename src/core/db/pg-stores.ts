// Postgres stores: the system store in schema <prefix>system, each tenant in schema <prefix>t_<id>.
import { sql } from 'drizzle-orm';
import { createTenantsRepo } from '../tenants/tenants.repo';
import { pgExecutor } from './executor';
import { loadMigrations, MIGRATIONS_TABLE, type StoreKind } from './migrations';
import { queryRows, quoteIdent, schemaExists, type PgConnection, type PgDb } from './postgres';
import type { Stores, TenantStore } from './stores';
import { AppError } from '../../shared/errors';

/** The projection tables a replay rebuilds and an import fills (see TenantStore.afterBulkWrite). */
const BULK_WRITTEN = [
  'customers',
  'customer_words',
  'customer_word_lists',
  'customer_contacts',
  'customer_activities',
  'sales_documents',
];

export interface PgStoresOptions {
  readonly connection: PgConnection;
  readonly migrationsDir: string;
  /** Lets several installations (or tests) share one database; lower-case letters, digits, _. */
  readonly schemaPrefix?: string;
  /** Closes the connection with the stores (false when the caller shares it). */
  readonly ownsConnection?: boolean;
}

/** Applies the migrations not applied yet (only the first `upTo` of them, for upgrade tests). */
export async function migratePg(
  db: PgDb,
  schema: string,
  migrationsDir: string,
  store: StoreKind,
  upTo = Infinity,
): Promise<void> {
  const s = quoteIdent(schema);
  // Two installations starting at once must not migrate the same schema twice.
  await db.transaction(async (tx) => {
    await tx.execute(sql.raw(`SELECT pg_advisory_xact_lock(hashtext('kontor-migrate:${schema}'))`));
    await tx.execute(sql.raw(`CREATE SCHEMA IF NOT EXISTS ${s}`));
    await tx.execute(
      sql.raw(
        `CREATE TABLE IF NOT EXISTS ${s}.${MIGRATIONS_TABLE} (tag text PRIMARY KEY, applied_at timestamptz NOT NULL)`,
      ),
    );
    const rows = await queryRows(tx, sql.raw(`SELECT tag FROM ${s}.${MIGRATIONS_TABLE}`));
    const applied = new Set(rows.map((row) => String(row['tag'])));
    for (const migration of loadMigrations(migrationsDir, 'pg', store).slice(0, upTo)) {
      if (applied.has(migration.tag)) continue;
      await tx.execute(sql.raw(`SET LOCAL search_path TO ${s}`));
      for (const statement of migration.statements) await tx.execute(sql.raw(statement));
      await tx.execute(
        sql`INSERT INTO ${sql.raw(`${s}.${MIGRATIONS_TABLE}`)} (tag, applied_at) VALUES (${migration.tag}, now())`,
      );
    }
  });
}

export function tenantSchemaName(prefix: string, tenantId: string): string {
  return `${prefix}t_${tenantId.replaceAll('-', '')}`;
}

export async function openPgStores(options: PgStoresOptions): Promise<Stores> {
  const { connection, migrationsDir } = options;
  const prefix = options.schemaPrefix ?? 'kontor_';
  if (!/^[a-z][a-z0-9_]{0,19}$/.test(prefix)) throw new Error(`schema prefix must be 1-20 of a-z, 0-9, _: ${prefix}`);
  const { db } = connection;
  const systemSchema = `${prefix}system`;
  await migratePg(db, systemSchema, migrationsDir, 'system');
  const systemSql = pgExecutor(db, systemSchema);
  const open = new Map<string, TenantStore>();

  return {
    dialect: 'postgres',
    system: {
      tenants: createTenantsRepo(systemSql),
      sql: systemSql,
      notifications: {
        notify: async (topic, payload) => {
          await systemSql.rows(sql`SELECT pg_notify(${`${systemSchema}_${topic}`}, ${payload})`);
        },
        listen: (topic, handlers) => connection.listen(`${systemSchema}_${topic}`, handlers),
      },
    },
    async createTenantStore(tenantId) {
      await migratePg(db, tenantSchemaName(prefix, tenantId), migrationsDir, 'tenant');
    },
    async tenant(tenantId) {
      const cached = open.get(tenantId);
      if (cached) return cached;
      const schema = tenantSchemaName(prefix, tenantId);
      if (!(await schemaExists(db, schema)))
        throw new AppError('not_found', `the store of tenant ${tenantId} is missing (schema ${schema})`);
      await migratePg(db, schema, migrationsDir, 'tenant');
      const tenantSql = pgExecutor(db, schema);
      const store: TenantStore = {
        sql: tenantSql,
        compact: async () => {
          await tenantSql.run(
            sql`VACUUM ${tenantSql.table('data_keys')}, ${tenantSql.table('customers')}, ${tenantSql.table('customer_words')},
              ${tenantSql.table('customer_word_lists')}`,
          );
        },
        afterBulkWrite: async () => {
          const tables = BULK_WRITTEN.map((name) => tenantSql.table(name));
          await tenantSql.run(sql`VACUUM (ANALYZE) ${sql.join(tables, sql`, `)}`);
        },
      };
      open.set(tenantId, store);
      return store;
    },
    async close() {
      open.clear();
      if (options.ownsConnection ?? true) await connection.close();
    },
  };
}

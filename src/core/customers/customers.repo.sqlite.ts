import { and, eq, sql } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { CustomerListQuery } from '../../shared/contract';
import { derivedColumns, searchCondition, type CustomerRecord, type CustomersRepo } from './customers.repo';
import { customersSqlite as customers } from './customers.schema';

const sortColumns = {
  name: customers.sortName,
  email: customers.email,
  city: customers.city,
  createdAt: customers.createdAt,
  updatedAt: customers.updatedAt,
} as const;

function toRecord(row: typeof customers.$inferSelect): CustomerRecord {
  const { sortName: _s, searchText: _t, ...record } = row;
  return record;
}

export function createSqliteCustomersRepo(db: BetterSQLite3Database): CustomersRepo {
  return {
    async insert(record) {
      db.insert(customers)
        .values({ ...record, ...derivedColumns(record) })
        .run();
    },
    async get(id) {
      const row = db.select().from(customers).where(eq(customers.id, id)).get();
      return row ? toRecord(row) : null;
    },
    async replace(record) {
      const result = db
        .update(customers)
        .set({ ...record, ...derivedColumns(record) })
        .where(and(eq(customers.id, record.id), eq(customers.version, record.version - 1)))
        .run();
      return result.changes === 1;
    },
    async list(query: CustomerListQuery) {
      const where = searchCondition(customers.searchText, query.search);
      const dir = sql.raw(query.direction);
      const rows = db
        .select()
        .from(customers)
        .where(where)
        .orderBy(sql`${sortColumns[query.sort]} ${dir} NULLS LAST`, sql`${customers.id} ${dir}`)
        .limit(query.limit)
        .offset(query.offset)
        .all();
      const total =
        db
          .select({ n: sql<number>`count(*)` })
          .from(customers)
          .where(where)
          .get()?.n ?? 0;
      return { items: rows.map(toRecord), total };
    },
  };
}

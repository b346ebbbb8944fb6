import { and, eq, sql } from 'drizzle-orm';
import type { CustomerListQuery } from '../../shared/contract';
import type { PgDb } from '../db/postgres';
import { derivedColumns, searchCondition, type CustomerRecord, type CustomersRepo } from './customers.repo';
import { customersPgIn } from './customers.schema';

export function createPgCustomersRepo(db: PgDb, schema: string): CustomersRepo {
  const customers = customersPgIn(schema);
  // Text sorts by bytes (COLLATE "C"), as SQLite does, so both dialects list in the same order.
  const sortExpressions = {
    name: sql`${customers.sortName} COLLATE "C"`,
    email: sql`${customers.email} COLLATE "C"`,
    city: sql`${customers.city} COLLATE "C"`,
    createdAt: sql`${customers.createdAt}`,
    updatedAt: sql`${customers.updatedAt}`,
  } as const;

  const toRow = (record: CustomerRecord) => ({
    ...record,
    ...derivedColumns(record),
    createdAt: new Date(record.createdAt),
    updatedAt: new Date(record.updatedAt),
  });
  const toRecord = (row: typeof customers.$inferSelect): CustomerRecord => {
    const { sortName: _s, searchText: _t, ...rest } = row;
    return { ...rest, createdAt: rest.createdAt.toISOString(), updatedAt: rest.updatedAt.toISOString() };
  };

  return {
    async insert(record) {
      await db.insert(customers).values(toRow(record));
    },
    async get(id) {
      const [row] = await db.select().from(customers).where(eq(customers.id, id));
      return row ? toRecord(row) : null;
    },
    async replace(record) {
      const updated = await db
        .update(customers)
        .set(toRow(record))
        .where(and(eq(customers.id, record.id), eq(customers.version, record.version - 1)))
        .returning({ id: customers.id });
      return updated.length === 1;
    },
    async list(query: CustomerListQuery) {
      const where = searchCondition(customers.searchText, query.search);
      const dir = sql.raw(query.direction);
      const rows = await db
        .select()
        .from(customers)
        .where(where)
        .orderBy(sql`${sortExpressions[query.sort]} ${dir} NULLS LAST`, sql`${customers.id} ${dir}`)
        .limit(query.limit)
        .offset(query.offset);
      const [count] = await db
        .select({ n: sql<number>`count(*)::int` })
        .from(customers)
        .where(where);
      return { items: rows.map(toRecord), total: count?.n ?? 0 };
    },
  };
}

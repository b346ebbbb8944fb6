// The customers projection, in SQL for both dialects (see db/executor.ts). Every write takes the
// transaction of the event append it belongs to, so the table and the log never disagree.
import { sql, type SQL } from 'drizzle-orm';
import type { CustomerListQuery } from '../../shared/contract';
import { toNumber, type Executor, type Row } from '../db/executor';
import { containsPattern, derivedColumns, type CustomerRecord, type CustomersRepo } from './customers.repo';

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
/** timestamptz comes back as a Date from Postgres and as ISO text from SQLite. */
const iso = (v: unknown): string => new Date(v as string | Date).toISOString();

function toRecord(row: Row): CustomerRecord {
  return {
    id: String(row['id']),
    name: String(row['name']),
    email: text(row['email']),
    phone: text(row['phone']),
    city: text(row['city']),
    notes: text(row['notes']),
    version: toNumber(row['version']),
    createdAt: iso(row['created_at']),
    updatedAt: iso(row['updated_at']),
  };
}

const sortColumns = {
  name: 'sort_name',
  email: 'email',
  city: 'city',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const;

export function createCustomersRepo(db: Executor): CustomersRepo & { clear(tx?: Executor): Promise<void> } {
  const customers = db.table('customers');
  // Text sorts by bytes on both dialects (COLLATE "C" on Postgres), so both list in the same order.
  const bytes = db.dialect === 'postgres' ? sql.raw(' COLLATE "C"') : sql.raw('');

  function where(search: string | undefined): SQL {
    return search ? sql`WHERE search_text LIKE ${containsPattern(search)} ESCAPE '\\'` : sql``;
  }

  return {
    async insert(record, tx = db) {
      const d = derivedColumns(record);
      await tx.run(sql`INSERT INTO ${customers} (id, name, email, phone, city, notes, sort_name, search_text, version, created_at, updated_at)
        VALUES (${record.id}, ${record.name}, ${record.email}, ${record.phone}, ${record.city}, ${record.notes}, ${d.sortName},
                ${d.searchText}, ${record.version}, ${record.createdAt}, ${record.updatedAt})`);
    },
    async get(id, tx = db) {
      const [row] = await tx.rows(sql`SELECT * FROM ${customers} WHERE id = ${id}`);
      return row ? toRecord(row) : null;
    },
    async replace(record, tx = db, fromVersion = record.version - 1) {
      const d = derivedColumns(record);
      const changed =
        await tx.run(sql`UPDATE ${customers} SET name = ${record.name}, email = ${record.email}, phone = ${record.phone},
          city = ${record.city}, notes = ${record.notes}, sort_name = ${d.sortName}, search_text = ${d.searchText},
          version = ${record.version}, updated_at = ${record.updatedAt}
        WHERE id = ${record.id} AND version = ${fromVersion}`);
      return changed === 1;
    },
    async list(query: CustomerListQuery) {
      const filter = where(query.search);
      const column = sql.raw(sortColumns[query.sort]);
      const text = query.sort === 'createdAt' || query.sort === 'updatedAt' ? sql.raw('') : bytes;
      const dir = sql.raw(query.direction);
      const rows = await db.rows(sql`SELECT * FROM ${customers} ${filter}
        ORDER BY ${column}${text} ${dir} NULLS LAST, id ${dir} LIMIT ${query.limit} OFFSET ${query.offset}`);
      const [count] = await db.rows(sql`SELECT count(*) AS n FROM ${customers} ${filter}`);
      return { items: rows.map(toRecord), total: toNumber(count?.['n']) };
    },
    async clear(tx = db) {
      await tx.run(sql`DELETE FROM ${customers}`);
    },
  };
}

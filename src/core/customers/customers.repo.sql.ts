// The customers projection, in SQL for both dialects (see db/executor.ts). Every write takes the
// transaction of the event append it belongs to, so the table and the log never disagree.
//
// SQLite files are encrypted whole (SQLCipher), so the projection keeps plain text there and
// searches it with LIKE. Postgres has no such layer: there the personal columns hold values sealed
// with the customer's data key, search goes through a keyed blind index of word prefixes
// (customer_terms), and sorting by a personal column happens here after decrypting it.
import { getTableName, sql, type SQL } from 'drizzle-orm';
import type { CustomerListQuery } from '../../shared/contract';
import { ERASURE_MARKER } from '../../shared/contract';
import { prefixTerms, blindTerm, wordsOf } from '../crypto/blind-index';
import { isSealed, openJson, sealJson, type DataKey, type Keyring } from '../crypto/keyring';
import { col, rowsInChunks, selectColumns, toNumber, type Executor } from '../db/executor';
import {
  containsPattern,
  derivedColumns,
  foldForSearch,
  searchableText,
  type CustomerRecord,
  type CustomersRepo,
} from './customers.repo';
import { customerSubject } from './customers.events';
import { customersSqlite, customerTermsPg } from './customers.schema';

const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
/** timestamptz comes back as a Date from Postgres and as ISO text from SQLite. */
const iso = (v: unknown): string => new Date(v as string | Date).toISOString();
const isoOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : iso(v));

const c = customersSqlite;
const t = customerTermsPg;
/** A row read with `selectColumns(c)`: keyed by the definition's property names. */
type Row = Record<keyof typeof c.$inferSelect, unknown>;

type PersonalColumn = 'name' | 'email' | 'phone' | 'city' | 'notes';
const aadOf = (id: string, column: PersonalColumn) => `${customerSubject(id)}:${column}`;

function toRecord(row: Row, personal: (column: PersonalColumn) => string | null): CustomerRecord {
  return {
    id: String(row.id),
    name: personal('name') ?? ERASURE_MARKER,
    email: personal('email'),
    phone: personal('phone'),
    city: personal('city'),
    notes: personal('notes'),
    version: toNumber(row.version),
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
    erasedAt: isoOrNull(row.erasedAt),
  };
}

const sortColumns = {
  name: c.sortName,
  email: c.email,
  city: c.city,
  createdAt: c.createdAt,
  updatedAt: c.updatedAt,
} as const;

export type TenantCustomersRepo = CustomersRepo & {
  /** The tables this repository writes (replay rebuilds their indexes after the rows). */
  readonly tables: readonly string[];
  clear(tx?: Executor): Promise<void>;
};

export function createCustomersRepo(db: Executor, keyring: Keyring): TenantCustomersRepo {
  const customers = db.table(getTableName(c));
  const terms = db.table(getTableName(t));
  const all = selectColumns(c);
  const sealed = db.dialect === 'postgres';
  // Text sorts by bytes on both dialects (COLLATE "C" on Postgres), so both list in the same order.
  const bytes = db.dialect === 'postgres' ? sql.raw(' COLLATE "C"') : sql.raw('');

  /**
   * The stored form of a record's text columns: plain with search and sort keys on SQLite; sealed,
   * without those keys, on Postgres (the erasure marker stays plain).
   */
  async function storedColumns(
    record: CustomerRecord,
    tx: Executor,
  ): Promise<Pick<typeof c.$inferInsert, PersonalColumn | 'sortName' | 'searchText'>> {
    const { name, email, phone, city, notes } = record;
    if (!sealed) return { name, email, phone, city, notes, ...derivedColumns(record) };
    // Postgres searches the blind index, and sorts personal columns after decrypting them.
    const blank = { sortName: '', searchText: '' };
    if (record.erasedAt !== null) return { name, email, phone, city, notes, ...blank };
    const key = await keyring.dataKey(customerSubject(record.id), tx);
    if (!key) throw new Error(`customer ${record.id} has no data key`);
    const seal = (column: PersonalColumn, value: string | null) =>
      value === null ? null : sealJson(key, aadOf(record.id, column), value);
    return {
      name: sealJson(key, aadOf(record.id, 'name'), name),
      email: seal('email', email),
      phone: seal('phone', phone),
      city: seal('city', city),
      notes: seal('notes', notes),
      ...blank,
    };
  }

  function opener(row: Pick<Row, 'id' | PersonalColumn>, key: DataKey | undefined) {
    const id = String(row.id);
    return (column: PersonalColumn): string | null => {
      const value = text(row[column]);
      if (!isSealed(value)) return value;
      return key ? String(openJson(key, aadOf(id, column), value)) : column === 'name' ? ERASURE_MARKER : null;
    };
  }

  async function records(rows: readonly Row[], tx: Executor): Promise<CustomerRecord[]> {
    if (!sealed) return rows.map((row) => toRecord(row, (column) => text(row[column])));
    const keys = await keyring.dataKeys(
      rows.map((r) => customerSubject(String(r.id))),
      tx,
    );
    return rows.map((row) => toRecord(row, opener(row, keys.get(customerSubject(String(row.id))))));
  }

  async function writeTerms(record: CustomerRecord, tx: Executor): Promise<void> {
    if (!sealed) return;
    await tx.run(sql`DELETE FROM ${terms} WHERE ${col(t.customerId)} = ${record.id}`);
    if (record.erasedAt !== null) return;
    const key = await keyring.indexKey();
    await tx.insert(
      t,
      prefixTerms(key, searchableText(record)).map((term) => ({ term, customerId: record.id })),
    );
  }

  async function where(search: string | undefined): Promise<SQL> {
    if (!search) return sql``;
    if (!sealed) return sql`WHERE ${col(c.searchText)} LIKE ${containsPattern(search)} ESCAPE '\\'`;
    const key = await keyring.indexKey();
    const wanted = [...new Set(wordsOf(foldForSearch(search)).map((w) => blindTerm(key, w)))];
    if (wanted.length === 0) return sql``;
    return sql`WHERE ${col(c.id)} IN (SELECT ${col(t.customerId)} FROM ${terms} WHERE ${col(t.term)} IN (${sql.join(
      wanted.map((term) => sql`${term}`),
      sql`, `,
    )}) GROUP BY ${col(t.customerId)} HAVING count(*) = ${wanted.length})`;
  }

  /** Decrypted sort values by customer, kept while the row's version stays the same. */
  const sortMemo = new Map<string, { version: number; value: Buffer | null }>();

  /** Postgres, sorting by a sealed column: decrypt the column of every match, sort here, fetch one page. */
  async function sortedSealedPage(query: CustomerListQuery, filter: SQL): Promise<CustomerRecord[]> {
    const column = query.sort === 'name' ? 'name' : query.sort === 'email' ? 'email' : 'city';
    type SortRow = Pick<Row, 'id' | 'version' | PersonalColumn>;
    const rows = await db.rows<SortRow>(sql`SELECT ${col(c.id)} AS "id", ${col(c.version)} AS "version",
        ${col(c[column])} AS ${sql.identifier(column)} FROM ${customers} ${filter}`);
    const missing = rows.filter((r) => sortMemo.get(`${column}:${String(r.id)}`)?.version !== toNumber(r.version));
    const keys = await keyring.dataKeys(missing.map((r) => customerSubject(String(r.id))));
    for (const row of missing) {
      const id = String(row.id);
      const plain = opener(row, keys.get(customerSubject(id)))(column);
      const value = plain === null ? null : Buffer.from(column === 'name' ? foldForSearch(plain) : plain, 'utf8');
      sortMemo.set(`${column}:${id}`, { version: toNumber(row.version), value });
    }
    const sign = query.direction === 'asc' ? 1 : -1;
    const entries = rows.map((r) => ({
      id: String(r.id),
      value: sortMemo.get(`${column}:${String(r.id)}`)?.value ?? null,
    }));
    entries.sort((a, b) => {
      if (a.value === null || b.value === null) {
        if (a.value !== b.value) return a.value === null ? 1 : -1; // NULLS LAST in both directions
      } else {
        const byValue = Buffer.compare(a.value, b.value);
        if (byValue !== 0) return sign * byValue;
      }
      return sign * (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
    const ids = entries.slice(query.offset, query.offset + query.limit).map((e) => e.id);
    if (ids.length === 0) return [];
    const page = await db.rows<Row>(sql`SELECT ${all} FROM ${customers} WHERE ${db.inList(col(c.id), ids)}`);
    const byId = new Map(page.map((row) => [String(row.id), row]));
    return records(
      ids.map((id) => byId.get(id)).filter((row): row is Row => row !== undefined),
      db,
    );
  }

  /** Many rows at once (replay writes a page of customers in one call). */
  async function insertMany(list: readonly CustomerRecord[], tx: Executor = db): Promise<void> {
    const rows: (typeof c.$inferInsert)[] = [];
    for (const record of list) {
      const { id, version, createdAt, updatedAt, erasedAt } = record;
      rows.push({ id, ...(await storedColumns(record, tx)), version, createdAt, updatedAt, erasedAt });
    }
    await tx.insert(c, rows);
    for (const record of list) await writeTerms(record, tx);
  }

  async function getMany(ids: readonly string[], tx: Executor = db): Promise<Map<string, CustomerRecord>> {
    const rows = await rowsInChunks(ids, (chunk) =>
      tx.rows<Row>(sql`SELECT ${all} FROM ${customers} WHERE ${tx.inList(col(c.id), chunk)}`),
    );
    return new Map((await records(rows, tx)).map((record) => [record.id, record]));
  }

  return {
    async insert(record, tx = db) {
      await insertMany([record], tx);
    },
    insertMany,
    async get(id, tx = db) {
      return (await getMany([id], tx)).get(id) ?? null;
    },
    getMany,
    async replace(record, tx = db, fromVersion = record.version - 1) {
      const stored = await storedColumns(record, tx);
      const { version, updatedAt, erasedAt } = record;
      const changes = { ...stored, version, updatedAt, erasedAt };
      const sets = (Object.keys(changes) as (keyof typeof changes)[]).map(
        (key) => sql`${col(c[key])} = ${changes[key]}`,
      );
      const changed = await tx.run(sql`UPDATE ${customers} SET ${sql.join(sets, sql`, `)}
        WHERE ${col(c.id)} = ${record.id} AND ${col(c.version)} = ${fromVersion}`);
      if (changed === 1) await writeTerms(record, tx);
      return changed === 1;
    },
    async list(query: CustomerListQuery) {
      const filter = await where(query.search);
      const [count] = await db.rows(sql`SELECT count(*) AS n FROM ${customers} ${filter}`);
      const total = toNumber(count?.['n']);
      const byTime = query.sort === 'createdAt' || query.sort === 'updatedAt';
      if (sealed && !byTime) return { items: await sortedSealedPage(query, filter), total };
      const column = col(sortColumns[query.sort]);
      const collate = byTime ? sql.raw('') : bytes;
      const dir = sql.raw(query.direction);
      const rows = await db.rows<Row>(sql`SELECT ${all} FROM ${customers} ${filter}
        ORDER BY ${column}${collate} ${dir} NULLS LAST, ${col(c.id)} ${dir} LIMIT ${query.limit} OFFSET ${query.offset}`);
      return { items: await records(rows, db), total };
    },
    async inactiveSince(cutoff) {
      const rows = await db.rows<Row>(sql`SELECT ${all} FROM ${customers}
        WHERE ${col(c.erasedAt)} IS NULL AND ${col(c.updatedAt)} < ${cutoff} ORDER BY ${col(c.updatedAt)}, ${col(c.id)}`);
      return records(rows, db);
    },
    tables: sealed ? [getTableName(c), getTableName(t)] : [getTableName(c)],
    async clear(tx = db) {
      await tx.run(sql`DELETE FROM ${customers}`);
      if (sealed) await tx.run(sql`DELETE FROM ${terms}`);
    },
  };
}

// The sales_documents projection: one row per document, read and written through the table's
// drizzle definition. Totals are stored (lists sum them in the database) and the lines kept as JSON.
import { getTableName, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { saleKinds, saleStatuses, type SaleKind, type SaleTotals } from '../../shared/contract';
import { col, rowsInChunks, selectColumns, toIso, toNumber, toText, type Executor } from '../db/executor';
import type { StreamRows } from '../events/stream-records';
import { documentTotals } from './money';
import {
  lineSchema,
  nextSale,
  saleCreated,
  saleIdOf,
  type SaleFact,
  type SaleRecord,
  type StoredLine,
} from './sales.events';
import { salesSqlite } from './sales.schema';
import { customersSqlite } from '../customers/customers.schema';

const t = salesSqlite;
const c = customersSqlite;
type Row = Record<keyof typeof t.$inferSelect, unknown>;
const linesSchema = z.array(lineSchema);
const kindSchema = z.enum(saleKinds);
const statusSchema = z.enum(saleStatuses);

export interface SaleFilter {
  readonly customerId?: string | undefined;
  readonly kind?: SaleKind | undefined;
  readonly status?: SaleRecord['status'] | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly number?: string | undefined;
}

/** A `LIKE` pattern for text that starts with `prefix`, its own wildcards escaped with `\`. */
const startsWith = (prefix: string) => `${prefix.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

function toRecord(row: Row): SaleRecord {
  const lines: StoredLine[] = linesSchema.parse(JSON.parse(String(row.lines)));
  return {
    id: String(row.id),
    customerId: String(row.customerId),
    kind: kindSchema.parse(row.kind),
    number: toText(row.number),
    date: String(row.date),
    currency: String(row.currency),
    status: statusSchema.parse(row.status),
    lines,
    totals: documentTotals(lines),
    reverses: toText(row.reverses),
    reversedBy: toText(row.reversedBy),
    createdBy: toText(row.createdBy),
    version: toNumber(row.version),
    createdAt: toIso(row.createdAt),
    updatedAt: toIso(row.updatedAt),
  };
}

function toRow(r: SaleRecord): typeof t.$inferInsert {
  return {
    id: r.id,
    customerId: r.customerId,
    kind: r.kind,
    number: r.number,
    date: r.date,
    currency: r.currency,
    status: r.status,
    net: r.totals.net,
    vat: r.totals.vat,
    gross: r.totals.gross,
    lines: JSON.stringify(r.lines),
    reverses: r.reverses,
    reversedBy: r.reversedBy,
    createdBy: r.createdBy,
    version: r.version,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

export function createSalesRepo(db: Executor) {
  const sales = db.table(getTableName(t));
  const customers = db.table(getTableName(c));

  function where(filter: SaleFilter): SQL {
    const conditions: SQL[] = [sql`1 = 1`];
    if (filter.customerId) conditions.push(sql`${col(t.customerId)} = ${filter.customerId}`);
    if (filter.kind) conditions.push(sql`${col(t.kind)} = ${filter.kind}`);
    if (filter.status) conditions.push(sql`${col(t.status)} = ${filter.status}`);
    if (filter.from) conditions.push(sql`${col(t.date)} >= ${filter.from}`);
    if (filter.to) conditions.push(sql`${col(t.date)} <= ${filter.to}`);
    if (filter.number) conditions.push(sql`${col(t.number)} LIKE ${startsWith(filter.number)} ESCAPE '\\'`);
    return sql.join(conditions, sql` AND `);
  }

  async function load(ids: readonly string[], tx: Executor = db): Promise<Map<string, SaleRecord>> {
    const rows = await rowsInChunks(ids, (chunk) =>
      tx.rows<Row>(sql`SELECT ${selectColumns(t)} FROM ${sales} WHERE ${tx.inList(col(t.id), chunk)}`),
    );
    return new Map(rows.map((row) => [String(row.id), toRecord(row)]));
  }

  async function write(ids: readonly string[], records: readonly SaleRecord[], tx: Executor): Promise<void> {
    await rowsInChunks(ids, async (chunk) => {
      await tx.run(sql`DELETE FROM ${sales} WHERE ${tx.inList(col(t.id), chunk)}`);
      return [];
    });
    await tx.insert(t, records.map(toRow));
  }

  return {
    tables: [getTableName(t)],
    load,
    write,
    /** New documents only (an import): no row to delete first. */
    insert: (records: readonly SaleRecord[], tx: Executor) => tx.insert(t, records.map(toRow)),
    async page(filter: SaleFilter, limit: number, after?: { date: string; id: string }): Promise<SaleRecord[]> {
      const keyset = after
        ? sql` AND (${col(t.date)} < ${after.date} OR (${col(t.date)} = ${after.date} AND ${col(t.id)} < ${after.id}))`
        : sql``;
      const rows = await db.rows<Row>(sql`SELECT ${selectColumns(t)} FROM ${sales}
        WHERE ${where(filter)}${keyset} ORDER BY ${col(t.date)} DESC, ${col(t.id)} DESC LIMIT ${limit}`);
      return rows.map(toRecord);
    },
    /** The number and name of customers, by id (the list shows them beside their documents). */
    async customerNames(ids: readonly string[]): Promise<Record<string, { number: string; name: string }>> {
      const rows = await rowsInChunks(ids, (chunk) =>
        db.rows(sql`SELECT ${col(c.id)} AS id, ${col(c.number)} AS number, ${col(c.name)} AS name
          FROM ${customers} WHERE ${db.inList(col(c.id), chunk)}`),
      );
      return Object.fromEntries(
        rows.map((row) => [
          String(row['id']),
          { number: toText(row['number']) ?? '', name: toText(row['name']) ?? '' },
        ]),
      );
    },
    /** Sums per kind and currency of what the books hold (see salePageSchema's totals). */
    async totals(filter: SaleFilter): Promise<SaleTotals[]> {
      const rows = await db.rows(sql`SELECT ${col(t.kind)} AS kind, ${col(t.currency)} AS currency,
        count(*) AS count, sum(${col(t.net)}) AS net, sum(${col(t.vat)}) AS vat, sum(${col(t.gross)}) AS gross
        FROM ${sales} WHERE ${where(filter)}
        AND (${col(t.status)} IN ('issued', 'paid') OR ${col(t.reversedBy)} IS NOT NULL)
        GROUP BY ${col(t.kind)}, ${col(t.currency)} ORDER BY ${col(t.kind)}, ${col(t.currency)}`);
      return rows.map((row) => ({
        kind: kindSchema.parse(row['kind']),
        currency: String(row['currency']),
        count: toNumber(row['count']),
        net: toNumber(row['net']),
        vat: toNumber(row['vat']),
        gross: toNumber(row['gross']),
      }));
    },
    async ofCustomer(customerId: string, tx: Executor = db): Promise<SaleRecord[]> {
      const rows = await tx.rows<Row>(sql`SELECT ${selectColumns(t)} FROM ${sales}
        WHERE ${col(t.customerId)} = ${customerId} ORDER BY ${col(t.date)}, ${col(t.id)}`);
      return rows.map(toRecord);
    },
    /** Which of these numbers a document of the kind has already. */
    async numbersTaken(kind: SaleKind, numbers: readonly string[], tx: Executor = db): Promise<Set<string>> {
      const found = await rowsInChunks(numbers, (chunk) =>
        tx.rows(sql`SELECT ${col(t.number)} AS number FROM ${sales}
          WHERE ${col(t.kind)} = ${kind} AND ${tx.inList(col(t.number), chunk)}`),
      );
      return new Set(found.map((row) => String(row['number'])));
    },
    async clear(tx: Executor) {
      await tx.run(sql`DELETE FROM ${sales}`);
    },
  };
}
export type SalesRepo = ReturnType<typeof createSalesRepo>;

/** How replay folds sale events onto the projection. */
export function saleRows(repo: SalesRepo): StreamRows<SaleRecord, SaleFact> {
  return {
    idOf: saleIdOf,
    starts: (event) => event.type === saleCreated.type,
    load: repo.load,
    next: nextSale,
    write: repo.write,
  };
}

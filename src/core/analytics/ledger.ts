// The purchases analytics reads from the sales ledger, in columns: per purchase the customer (an
// index into `customers`), the day and the amount, in typed arrays that travel to the analysis
// worker without being copied. What counts as a purchase: an issued or paid invoice, and a credit
// note that stands alone (a refund); an invoice reversed by a credit note counts as neither (the
// purchase did not happen), nor does its credit note. Orders are not purchases yet.
import { getTableName, sql } from 'drizzle-orm';
import { throwIfCancelled } from '../../shared/errors';
import { col, toNumber, type Executor } from '../db/executor';
import { salesSqlite } from '../sales/sales.schema';
import { yieldToEventLoop } from '../yield';
import { dayNumber, type Purchase } from './summary';

export interface Ledger {
  /** The customers' ids; `customer` holds indexes into it. */
  readonly customers: readonly string[];
  readonly customer: Int32Array;
  /** Days since 1970-01-01. */
  readonly day: Int32Array;
  /** In the currency's units (cents / 100). */
  readonly amount: Float64Array;
}

export interface LedgerRead {
  readonly ledger: Ledger;
  /** The currency read; null when the ledger has no purchases at all. */
  readonly currency: string | null;
  /** Purchases left out because they are in another currency. */
  readonly otherCurrencies: number;
}

const t = salesSqlite;
/** Rows per query on SQLite: short enough that other calls get in between (the driver is synchronous). */
const PAGE = 5000;

const DAY_MS = 86_400_000;
/** `YYYY-MM-DD` of a day number. */
export const dateOfDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Columns of purchases as growing typed arrays. */
class Columns {
  customer = new Int32Array(1024);
  day = new Int32Array(1024);
  amount = new Float64Array(1024);
  length = 0;
  readonly ids: string[] = [];
  readonly index = new Map<string, number>();

  push(customer: string, day: number, amount: number): void {
    if (this.length === this.day.length) {
      const grow = <A extends Int32Array | Float64Array>(a: A, make: (n: number) => A): A => {
        const next = make(a.length * 2);
        next.set(a);
        return next;
      };
      this.customer = grow(this.customer, (n) => new Int32Array(n));
      this.day = grow(this.day, (n) => new Int32Array(n));
      this.amount = grow(this.amount, (n) => new Float64Array(n));
    }
    let at = this.index.get(customer);
    if (at === undefined) {
      at = this.ids.length;
      this.ids.push(customer);
      this.index.set(customer, at);
    }
    this.customer[this.length] = at;
    this.day[this.length] = day;
    this.amount[this.length] = amount;
    this.length += 1;
  }

  ledger(): Ledger {
    return {
      customers: this.ids,
      customer: this.customer.slice(0, this.length),
      day: this.day.slice(0, this.length),
      amount: this.amount.slice(0, this.length),
    };
  }
}

/** The ledger's purchases up to `asOf` in one currency (by default the one most purchases are in). */
export async function readLedger(
  db: Executor,
  options: { readonly asOf: string; readonly currency?: string | undefined },
  signal?: AbortSignal,
): Promise<LedgerRead> {
  const sales = db.table(getTableName(t));
  const purchase = sql`(${col(t.status)} IN ('issued', 'paid') AND (${col(t.kind)} = 'invoice'
    OR (${col(t.kind)} = 'credit_note' AND ${col(t.reverses)} IS NULL)) AND ${col(t.date)} <= ${options.asOf})`;
  const perCurrency = await db.rows(sql`SELECT ${col(t.currency)} AS currency, count(*) AS n FROM ${sales}
    WHERE ${purchase} GROUP BY ${col(t.currency)} ORDER BY count(*) DESC, ${col(t.currency)}`);
  const currency = options.currency ?? (perCurrency[0] ? String(perCurrency[0]['currency']) : null);
  const otherCurrencies = perCurrency
    .filter((row) => String(row['currency']) !== currency)
    .reduce((sum, row) => sum + toNumber(row['n']), 0);
  const columns = new Columns();
  if (currency === null) return { ledger: columns.ledger(), currency, otherCurrencies };
  const add = (rows: readonly Record<string, unknown>[]) => {
    for (const row of rows) {
      columns.push(String(row['customer']), dayNumber(String(row['date'])), toNumber(row['net']) / 100);
    }
  };
  const select = sql`SELECT ${col(t.customerId)} AS customer, ${col(t.date)} AS date, ${col(t.net)} AS net`;
  if (db.dialect === 'postgres') {
    // The driver parses rows as they arrive, between other work: no paging needed.
    add(await db.rows(sql`${select} FROM ${sales} WHERE ${purchase} AND ${col(t.currency)} = ${currency}`));
  } else {
    // In the table's own order (rowid), a page at a time: no sort, no index walk. NOT INDEXED
    // keeps the planner from reading by the date index, which would sort the whole ledger per page.
    let after = 0;
    for (;;) {
      throwIfCancelled(signal, 'analysis cancelled; nothing was changed');
      const rows = await db.rows(sql`${select}, rowid AS at FROM ${sales} NOT INDEXED
        WHERE rowid > ${after} AND ${purchase} AND ${col(t.currency)} = ${currency} ORDER BY rowid LIMIT ${PAGE}`);
      add(rows);
      if (rows.length < PAGE) break;
      after = toNumber(rows.at(-1)?.['at']);
      await yieldToEventLoop();
    }
  }
  return { ledger: columns.ledger(), currency, otherCurrencies };
}

/** The ledger as the models' input: one purchase per entry, the customer named by its index. */
export function ledgerPurchases(ledger: Ledger): Purchase[] {
  const dates = new Map<number, string>();
  const out = new Array<Purchase>(ledger.day.length);
  for (let i = 0; i < ledger.day.length; i++) {
    const day = ledger.day[i] as number;
    let date = dates.get(day);
    if (date === undefined) dates.set(day, (date = dateOfDay(day)));
    out[i] = { customer: String(ledger.customer[i]), date, amount: ledger.amount[i] as number };
  }
  return out;
}

// The purchases analytics reads from the sales ledger, in columns: per purchase the customer (an
// index into `customers`), the day and the amount, in typed arrays that go to the analysis worker
// as whole buffers, never parsed again. What counts as a purchase: an issued or paid invoice, and a credit
// note that stands alone (a refund); an invoice reversed by a credit note counts as neither (the
// purchase did not happen), nor does its credit note. Orders are not purchases yet.
import { getTableName, sql } from 'drizzle-orm';
import { throwIfCancelled } from '../../shared/errors';
import { col, toNumber, toText, type Executor } from '../db/executor';
import { salesSqlite } from '../sales/sales.schema';
import { yieldToEventLoop } from '../yield';
import type { Ledger } from './summary';

export interface LedgerRead {
  readonly ledger: Ledger;
  /** The currency read; null when the ledger has no purchases at all. */
  readonly currency: string | null;
  /** Purchases left out because they are in another currency. */
  readonly otherCurrencies: number;
}

const t = salesSqlite;

/** Columns of purchases as growing typed arrays, one customer's purchases after another's. */
class Columns {
  customer = new Int32Array(1 << 16);
  day = new Int32Array(1 << 16);
  amount = new Float64Array(1 << 16);
  length = 0;
  readonly ids: string[] = [];

  private grow(): void {
    const twice = <A extends Int32Array | Float64Array>(a: A, make: (n: number) => A): A => {
      const next = make(a.length * 2);
      next.set(a);
      return next;
    };
    this.customer = twice(this.customer, (n) => new Int32Array(n));
    this.day = twice(this.day, (n) => new Int32Array(n));
    this.amount = twice(this.amount, (n) => new Float64Array(n));
  }

  /**
   * One customer's purchases as the ledger query gives them: "day cents day cents …" (days since
   * 1970-01-01, net in cents, negative for a refund). Read character by character: a million
   * purchases make no string or object each.
   */
  addCustomer(id: string, purchases: string): void {
    const at = this.ids.length;
    this.ids.push(id);
    let value = 0;
    let negative = false;
    let digits = false;
    let isDay = true;
    let day = 0;
    for (let k = 0; k <= purchases.length; k++) {
      const ch = k < purchases.length ? purchases.charCodeAt(k) : 32;
      if (ch >= 48 && ch <= 57) {
        value = value * 10 + (ch - 48);
        digits = true;
      } else if (ch === 45) negative = true;
      else if (digits) {
        const number = negative ? -value : value;
        if (isDay) day = number;
        else {
          if (this.length === this.day.length) this.grow();
          this.customer[this.length] = at;
          this.day[this.length] = day;
          this.amount[this.length] = number / 100;
          this.length += 1;
        }
        isDay = !isDay;
        value = 0;
        negative = false;
        digits = false;
      }
    }
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

/** Customers per query on SQLite: a few milliseconds each, so other calls get in between. */
const CUSTOMERS_PER_PAGE = 1000;

/** The ledger's purchases up to `asOf` in one currency (by default the one most purchases are in). */
export async function readLedger(
  db: Executor,
  options: { readonly asOf: string; readonly currency?: string | undefined },
  signal?: AbortSignal,
): Promise<LedgerRead> {
  const sales = db.table(getTableName(t));
  const purchase = sql`${col(t.status)} IN ('issued', 'paid') AND (${col(t.kind)} = 'invoice'
    OR (${col(t.kind)} = 'credit_note' AND ${col(t.reverses)} IS NULL)) AND ${col(t.date)} <= ${options.asOf}`;
  // On SQLite through the customer index, which holds every column asked for: the table's rows are wide.
  const narrow = db.dialect === 'sqlite' ? sql` INDEXED BY sales_documents_customer_idx` : sql``;

  /** The purchases (of one currency, when named) and the currencies each customer's are in. */
  async function read(currency: string | null) {
    const columns = new Columns();
    const currencies = new Set<string>();
    const add = (rows: readonly unknown[][]) => {
      for (const [customer, purchases, low, high] of rows) {
        columns.addCustomer(String(customer), String(purchases));
        currencies.add(String(low)).add(String(high));
      }
    };
    const only = currency === null ? sql`` : sql` AND ${col(t.currency)} = ${currency}`;
    if (db.dialect === 'postgres') {
      // The driver parses rows as they arrive, between other work: no paging needed.
      add(
        await db.tuples(sql`SELECT ${col(t.customerId)}::text, string_agg(
          (${col(t.date)}::date - DATE '1970-01-01')::text || ' ' || ${col(t.net)}::text, ' '),
          min(${col(t.currency)}), max(${col(t.currency)})
          FROM ${sales} WHERE ${purchase}${only} GROUP BY ${col(t.customerId)}`),
      );
      return { columns, currencies };
    }
    // One row per customer, its purchases as one text: SQLite walks the customer index and hands
    // over a string per customer instead of three values per purchase (making those was most of
    // the time). Pages of customers, so other calls get in between.
    let after = '';
    for (;;) {
      throwIfCancelled(signal, 'analysis cancelled; nothing was changed');
      const rows = await db.tuples(sql`SELECT ${col(t.customerId)}, group_concat(
        CAST(julianday(${col(t.date)}) - 2440587.5 AS INTEGER) || ' ' || ${col(t.net)}, ' '),
        min(${col(t.currency)}), max(${col(t.currency)})
        FROM ${sales}${narrow} WHERE ${col(t.customerId)} > ${after} AND ${purchase}${only}
        GROUP BY ${col(t.customerId)} ORDER BY ${col(t.customerId)} LIMIT ${CUSTOMERS_PER_PAGE}`);
      add(rows);
      if (rows.length < CUSTOMERS_PER_PAGE) break;
      after = String(rows.at(-1)?.[0]);
      await yieldToEventLoop();
    }
    return { columns, currencies };
  }

  if (options.currency === undefined) {
    // The usual ledger has one currency: one read, and it says so.
    const all = await read(null);
    if (all.currencies.size === 0) return { ledger: all.columns.ledger(), currency: null, otherCurrencies: 0 };
    if (all.currencies.size === 1) {
      return { ledger: all.columns.ledger(), currency: [...all.currencies][0] ?? null, otherCurrencies: 0 };
    }
  }
  // Several currencies: the one asked for, or the one most purchases are in; the others counted.
  const perCurrency = await db.rows(sql`SELECT ${col(t.currency)} AS currency, count(*) AS n FROM ${sales}${narrow}
    WHERE ${purchase} GROUP BY ${col(t.currency)} ORDER BY count(*) DESC, ${col(t.currency)}`);
  const currency = options.currency ?? toText(perCurrency[0]?.['currency']) ?? '';
  const otherCurrencies = perCurrency
    .filter((row) => String(row['currency']) !== currency)
    .reduce((sum, row) => sum + toNumber(row['n']), 0);
  return { ledger: (await read(currency)).columns.ledger(), currency, otherCurrencies };
}

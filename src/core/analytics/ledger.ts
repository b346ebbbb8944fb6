// The purchases analytics reads from the sales ledger, in columns: per purchase the customer (an
// index into `customers`), the day and the amount, in typed arrays that go to the analysis worker
// as whole buffers, never parsed again. What counts as a purchase: an issued or paid invoice, and a credit
// note that stands alone (a refund); an invoice reversed by a credit note counts as neither (the
// purchase did not happen), nor does its credit note. Orders are not purchases yet.
import { getTableName, sql } from 'drizzle-orm';
import { throwIfCancelled } from '../../shared/errors';
import { col, toNumber, toText, type Executor } from '../db/executor';
import { purchaseCondition, salesSqlite } from '../sales/sales.schema';
import { yieldToEventLoop } from '../yield';
import { civilDay, type Ledger } from './summary';

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
   * One customer's purchases as the ledger query gives them: "YYYY-MM-DD cents YYYY-MM-DD cents …"
   * (net in cents, negative for a refund). Read character by character: a million purchases make
   * no string or object each.
   */
  addCustomer(id: string, purchases: string): void {
    const at = this.ids.length;
    this.ids.push(id);
    const digit = (k: number) => purchases.charCodeAt(k) - 48;
    for (let k = 0; k < purchases.length;) {
      const day = civilDay(
        digit(k) * 1000 + digit(k + 1) * 100 + digit(k + 2) * 10 + digit(k + 3),
        digit(k + 5) * 10 + digit(k + 6),
        digit(k + 8) * 10 + digit(k + 9),
      );
      k += 11;
      const negative = purchases.charCodeAt(k) === 45;
      if (negative) k += 1;
      let cents = 0;
      for (let ch = purchases.charCodeAt(k); ch >= 48 && ch <= 57; ch = purchases.charCodeAt(++k)) {
        cents = cents * 10 + (ch - 48);
      }
      k += 1;
      if (this.length === this.day.length) this.grow();
      this.customer[this.length] = at;
      this.day[this.length] = day;
      this.amount[this.length] = (negative ? -cents : cents) / 100;
      this.length += 1;
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
  const purchase = sql`${purchaseCondition(t)} AND ${col(t.date)} <= ${options.asOf}`;
  // On SQLite through the purchases index, which holds every column asked for: the table's rows are wide.
  const narrow = db.dialect === 'sqlite' ? sql` INDEXED BY sales_documents_purchases_idx` : sql``;

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
        await db.tuples(sql`SELECT ${col(t.customerId)}::text, string_agg(${col(t.date)} || ' ' || ${col(t.net)}::text, ' '),
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
      const rows =
        await db.tuples(sql`SELECT ${col(t.customerId)}, group_concat(${col(t.date)} || ' ' || ${col(t.net)}, ' '),
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

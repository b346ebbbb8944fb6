// From a ledger's purchases to what the models read: per customer, in the calibration period, the
// repeat purchases x, the time of the last one t_x, the age T (from the first purchase to the
// period's end) and the mean amount of the repeat purchases. Purchases of one customer on one day
// count as one purchase of their total (the convention of the published CDNOW results).
import type { RepeatSummary } from './bgnbd';
import type { TimeUnit } from './clv';

export interface Purchase {
  readonly customer: string;
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly amount: number;
}

export interface CustomerSummary extends RepeatSummary {
  readonly customer: string;
  /** Mean amount of the repeat purchase days; null without repeat purchases. */
  readonly meanSpend: number | null;
  /** `YYYY-MM-DD` of the first purchase. */
  readonly first: string;
  /** Days from the last purchase to the period's end. */
  readonly daysSinceLast: number;
  /** All purchases' amounts in the period, the first one's too. */
  readonly revenue: number;
}

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days of the dates seen lately: a ledger has a few thousand distinct dates in a million purchases. */
const dayCache = new Map<string, number>();

/** Days since 1970-01-01 of a `YYYY-MM-DD` date; NaN for anything else. */
export function dayNumber(date: string): number {
  const known = dayCache.get(date);
  if (known !== undefined) return known;
  const m = DATE.exec(date);
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : Number.NaN;
  const day = m && new Date(ms).toISOString().startsWith(date) ? ms / DAY_MS : Number.NaN;
  if (dayCache.size >= 100_000) dayCache.clear();
  dayCache.set(date, day);
  return day;
}

export const daysPerUnit = (unit: TimeUnit): number => (unit === 'day' ? 1 : 7);

/**
 * Purchases in columns: per purchase the customer (an index into `customers`), the day and the
 * amount, in typed arrays (they travel to the analysis worker without being parsed again).
 */
export interface Ledger {
  readonly customers: readonly string[];
  readonly customer: Int32Array;
  /** Days since 1970-01-01. */
  readonly day: Int32Array;
  readonly amount: Float64Array;
}

/** `YYYY-MM-DD` of a day number. */
export const dateOfDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Purchases as a ledger (tests, and callers with purchases in hand). */
export function ledgerOf(purchases: readonly Purchase[]): Ledger {
  const index = new Map<string, number>();
  const customers: string[] = [];
  const customer = new Int32Array(purchases.length);
  const day = new Int32Array(purchases.length);
  const amount = new Float64Array(purchases.length);
  purchases.forEach((p, i) => {
    let at = index.get(p.customer);
    if (at === undefined) {
      at = customers.length;
      customers.push(p.customer);
      index.set(p.customer, at);
    }
    const d = dayNumber(p.date);
    if (Number.isNaN(d)) throw new RangeError(`not a date: ${p.date}`);
    customer[i] = at;
    day[i] = d;
    amount[i] = p.amount;
  });
  return { customers, customer, day, amount };
}

/**
 * Each customer's purchases, grouped: `order` lists the purchases' indexes customer by customer
 * (a counting sort), `start[c]` … `start[c + 1]` are customer c's. Only purchases for which `keep`
 * holds are listed.
 */
export function byCustomer(ledger: Ledger, keep: (i: number) => boolean = () => true) {
  const n = ledger.customers.length;
  const start = new Int32Array(n + 1);
  for (let i = 0; i < ledger.customer.length; i++) {
    if (!keep(i)) continue;
    const at = (ledger.customer[i] as number) + 1;
    start[at] = (start[at] as number) + 1;
  }
  for (let c = 0; c < n; c++) start[c + 1] = (start[c + 1] as number) + (start[c] as number);
  const next = start.slice(0, n);
  const order = new Int32Array(start[n] as number);
  for (let i = 0; i < ledger.customer.length; i++) {
    if (!keep(i)) continue;
    const c = ledger.customer[i] as number;
    order[next[c] as number] = i;
    next[c] = (next[c] as number) + 1;
  }
  return { start, order };
}

export interface LedgerSummary extends CustomerSummary {
  /** The customer's index in the ledger's `customers`. */
  readonly at: number;
}

/**
 * The customers' summaries for a calibration period that ends on `calibrationEnd` (inclusive):
 * customers whose first purchase is after it are left out.
 */
export function summarizeLedger(
  ledger: Ledger,
  { calibrationEnd, unit }: { readonly calibrationEnd: string; readonly unit: TimeUnit },
): LedgerSummary[] {
  const end = dayNumber(calibrationEnd);
  if (Number.isNaN(end)) throw new RangeError(`not a date: ${calibrationEnd}`);
  const { day, amount } = ledger;
  const { start, order } = byCustomer(ledger, (i) => (day[i] as number) <= end);
  const per = daysPerUnit(unit);
  const summaries: LedgerSummary[] = [];
  /** A few thousand distinct first days among a hundred thousand customers: each written once. */
  const firstDates = new Map<number, string>();
  const dateOf = (d: number) => {
    const date = dateOfDay(d);
    firstDates.set(d, date);
    return date;
  };
  for (let c = 0; c < ledger.customers.length; c++) {
    const from = start[c] as number;
    const to = start[c + 1] as number;
    if (from === to) continue;
    // The ledger read gives each customer's purchases by date already; others are sorted here.
    let own: ArrayLike<number> = order.subarray(from, to);
    for (let k = from + 1; k < to; k++) {
      if ((day[order[k] as number] as number) < (day[order[k - 1] as number] as number)) {
        own = Array.from(own).sort((p, q) => (day[p] as number) - (day[q] as number));
        break;
      }
    }
    // The customer's purchase days, and each day's total.
    const days: number[] = [];
    const sums: number[] = [];
    for (let k = 0; k < own.length; k++) {
      const i = own[k] as number;
      const d = day[i] as number;
      if (days.length > 0 && days[days.length - 1] === d)
        sums[sums.length - 1] = (sums.at(-1) ?? 0) + (amount[i] as number);
      else {
        days.push(d);
        sums.push(amount[i] as number);
      }
    }
    const first = days[0] as number;
    const last = days[days.length - 1] as number;
    let repeatTotal = 0;
    for (let k = 1; k < sums.length; k++) repeatTotal += sums[k] as number;
    const x = days.length - 1;
    summaries.push({
      at: c,
      customer: ledger.customers[c] as string,
      x,
      tx: (last - first) / per,
      T: (end - first) / per,
      meanSpend: x > 0 ? repeatTotal / x : null,
      first: firstDates.get(first) ?? dateOf(first),
      daysSinceLast: end - last,
      revenue: (sums[0] as number) + repeatTotal,
    });
  }
  return summaries;
}

/** `summarizeLedger` of purchases in hand. */
export function summarize(
  purchases: readonly Purchase[],
  period: { readonly calibrationEnd: string; readonly unit: TimeUnit },
): CustomerSummary[] {
  return summarizeLedger(ledgerOf(purchases), period);
}

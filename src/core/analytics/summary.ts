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
  const [year, month, day] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
  const valid = month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
  const days = valid ? civilDay(year, month, day) : Number.NaN;
  if (dayCache.size >= 100_000) dayCache.clear();
  dayCache.set(date, days);
  return days;
}

const daysInMonth = (year: number, month: number) =>
  civilDay(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - civilDay(year, month, 1);

/**
 * Days since 1970-01-01 of a date in the proleptic Gregorian calendar, by integer arithmetic
 * (H. Hinnant, "chrono-compatible low-level date algorithms", days_from_civil): for the ledger's
 * million dates, where a Date each would cost more than the rest of the read.
 */
export function civilDay(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return (
    era * 146_097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719_468
  );
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

/** Months since year 0 of each day from a ledger's first purchase to its last: `month[day - firstDay]`. */
export interface MonthTable {
  readonly firstDay: number;
  readonly month: Int32Array;
}

/**
 * The month of every day the ledger's purchases up to `end` (a day number) span: one date per day
 * of the span instead of one per purchase. Empty when there are none.
 */
export function monthsOfDays(ledger: Ledger, end = Number.POSITIVE_INFINITY): MonthTable {
  let firstDay = Number.POSITIVE_INFINITY;
  let lastDay = Number.NEGATIVE_INFINITY;
  for (const day of ledger.day) {
    if (day > end) continue;
    if (day < firstDay) firstDay = day;
    if (day > lastDay) lastDay = day;
  }
  if (!(lastDay >= firstDay)) return { firstDay: 0, month: new Int32Array(0) };
  const month = new Int32Array(lastDay - firstDay + 1);
  for (let k = 0; k < month.length; k++) {
    const date = new Date((firstDay + k) * DAY_MS);
    month[k] = date.getUTCFullYear() * 12 + date.getUTCMonth();
  }
  return { firstDay, month };
}

/** `YYYY-MM` of a month since year 0. */
export const monthName = (index: number) =>
  `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;

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

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
 * The customers' summaries for a calibration period that ends on `calibrationEnd` (inclusive):
 * customers whose first purchase is after it are left out.
 */
export function summarize(
  purchases: Iterable<Purchase>,
  { calibrationEnd, unit }: { readonly calibrationEnd: string; readonly unit: TimeUnit },
): CustomerSummary[] {
  const end = dayNumber(calibrationEnd);
  if (Number.isNaN(end)) throw new RangeError(`not a date: ${calibrationEnd}`);
  /** Per customer: amount per day. */
  const days = new Map<string, Map<number, number>>();
  for (const { customer, date, amount } of purchases) {
    const day = dayNumber(date);
    if (Number.isNaN(day)) throw new RangeError(`not a date: ${date}`);
    if (day > end) continue;
    let own = days.get(customer);
    if (!own) days.set(customer, (own = new Map<number, number>()));
    own.set(day, (own.get(day) ?? 0) + amount);
  }
  const per = daysPerUnit(unit);
  const summaries: CustomerSummary[] = [];
  for (const [customer, own] of days) {
    const order = [...own.keys()].sort((p, q) => p - q);
    const first = order[0] ?? end;
    const last = order.at(-1) ?? first;
    const repeat = order.slice(1).map((day) => own.get(day) ?? 0);
    const repeatTotal = repeat.reduce((s, v) => s + v, 0);
    summaries.push({
      customer,
      x: repeat.length,
      tx: (last - first) / per,
      T: (end - first) / per,
      meanSpend: repeat.length > 0 ? repeatTotal / repeat.length : null,
      first: new Date(first * DAY_MS).toISOString().slice(0, 10),
      daysSinceLast: end - last,
      revenue: (own.get(first) ?? 0) + repeatTotal,
    });
  }
  return summaries;
}

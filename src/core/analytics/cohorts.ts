// Cohort retention: customers grouped by the month of their first purchase, and the share of each
// group that bought in each later month (month 0 is the first purchase's month: always 100 %).
import { byCustomer, monthName, monthsOfDays, type Ledger } from './summary';

export interface Cohort {
  /** `YYYY-MM` of the first purchase. */
  readonly month: string;
  readonly customers: number;
  /** Per month since the first (0, 1, …, up to the last month of the data): customers who bought. */
  readonly active: readonly number[];
  /** active / customers. */
  readonly share: readonly number[];
}

/** The cohorts of the ledger's purchases up to `end` (a day number; all when left out). */
export function cohortRetention(ledger: Ledger, end = Number.POSITIVE_INFINITY): Cohort[] {
  const { day } = ledger;
  const { firstDay, month: months } = monthsOfDays(ledger, end);
  if (months.length === 0) return [];
  const monthOf = (i: number) => months[(day[i] as number) - firstDay] as number;
  const earliest = months[0] as number;
  const last = months[months.length - 1] as number;
  const { start, order } = byCustomer(ledger, (i) => (day[i] as number) <= end);
  const byFirst = new Map<number, number[]>();
  /** Per month (from the earliest), the last customer counted active in it: each counts once a month. */
  const counted = new Int32Array(last - earliest + 1).fill(-1);
  for (let c = 0; c < ledger.customers.length; c++) {
    const from = start[c] as number;
    const to = start[c + 1] as number;
    if (from === to) continue;
    let first = Number.POSITIVE_INFINITY;
    for (let k = from; k < to; k++) first = Math.min(first, monthOf(order[k] as number));
    let active = byFirst.get(first);
    if (!active) byFirst.set(first, (active = new Array<number>(last - first + 1).fill(0)));
    for (let k = from; k < to; k++) {
      const m = monthOf(order[k] as number);
      if (counted[m - earliest] === c) continue;
      counted[m - earliest] = c;
      active[m - first] = (active[m - first] ?? 0) + 1;
    }
  }
  return [...byFirst]
    .sort(([p], [q]) => p - q)
    .map(([first, active]) => {
      const customers = active[0] ?? 0;
      return { month: monthName(first), customers, active, share: active.map((n) => n / customers) };
    });
}

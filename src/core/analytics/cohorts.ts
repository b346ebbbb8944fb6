// Cohort retention: customers grouped by the month of their first purchase, and the share of each
// group that bought in each later month (month 0 is the first purchase's month: always 100 %).
import { byCustomer, dateOfDay, type Ledger } from './summary';

export interface Cohort {
  /** `YYYY-MM` of the first purchase. */
  readonly month: string;
  readonly customers: number;
  /** Per month since the first (0, 1, …, up to the last month of the data): customers who bought. */
  readonly active: readonly number[];
  /** active / customers. */
  readonly share: readonly number[];
}

/** Months since year 0 of a `YYYY-MM-DD` date. */
const monthIndex = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;
const monthName = (index: number) =>
  `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;

/** Month index of each distinct day seen (a ledger has a few thousand days in a million purchases). */
function monthOfDay(): (day: number) => number {
  const known = new Map<number, number>();
  return (day) => {
    let month = known.get(day);
    if (month === undefined) known.set(day, (month = monthIndex(dateOfDay(day))));
    return month;
  };
}

/** The cohorts of the ledger's purchases up to `end` (a day number; all when left out). */
export function cohortRetention(ledger: Ledger, end = Number.POSITIVE_INFINITY): Cohort[] {
  const { day } = ledger;
  const month = monthOfDay();
  const { start, order } = byCustomer(ledger, (i) => (day[i] as number) <= end);
  let last = Number.NEGATIVE_INFINITY;
  for (const i of order) last = Math.max(last, month(day[i] as number));
  const byFirst = new Map<number, number[]>();
  const seen = new Set<number>();
  for (let c = 0; c < ledger.customers.length; c++) {
    const from = start[c] as number;
    const to = start[c + 1] as number;
    if (from === to) continue;
    seen.clear();
    let first = Number.POSITIVE_INFINITY;
    for (let k = from; k < to; k++) {
      const m = month(day[order[k] as number] as number);
      seen.add(m);
      first = Math.min(first, m);
    }
    let active = byFirst.get(first);
    if (!active) byFirst.set(first, (active = new Array<number>(last - first + 1).fill(0)));
    for (const m of seen) active[m - first] = (active[m - first] ?? 0) + 1;
  }
  return [...byFirst]
    .sort(([p], [q]) => p - q)
    .map(([first, active]) => {
      const customers = active[0] ?? 0;
      return { month: monthName(first), customers, active, share: active.map((n) => n / customers) };
    });
}

// Cohort retention: customers grouped by the month of their first purchase, and the share of each
// group that bought in each later month (month 0 is the first purchase's month: always 100 %).
import { dayNumber, type Purchase } from './summary';

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

export function cohortRetention(purchases: Iterable<Purchase>): Cohort[] {
  /** Per customer: the months with a purchase. */
  const months = new Map<string, Set<number>>();
  let last = Number.NEGATIVE_INFINITY;
  for (const { customer, date } of purchases) {
    if (Number.isNaN(dayNumber(date))) throw new RangeError(`not a date: ${date}`);
    const month = monthIndex(date);
    let own = months.get(customer);
    if (!own) months.set(customer, (own = new Set<number>()));
    own.add(month);
    last = Math.max(last, month);
  }
  const byFirst = new Map<number, number[]>();
  for (const own of months.values()) {
    const first = Math.min(...own);
    let active = byFirst.get(first);
    if (!active) byFirst.set(first, (active = new Array<number>(last - first + 1).fill(0)));
    for (const month of own) active[month - first] = (active[month - first] ?? 0) + 1;
  }
  return [...byFirst]
    .sort(([p], [q]) => p - q)
    .map(([first, active]) => {
      const customers = active[0] ?? 0;
      return { month: monthName(first), customers, active, share: active.map((n) => n / customers) };
    });
}

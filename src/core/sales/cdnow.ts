// The CDNOW transaction format (the data set the BG/NBD and Gamma-Gamma results were published on;
// `kontor sales import --format cdnow` reads it): one purchase per line, whitespace-separated,
// no header — original customer id, customer id, date as YYYYMMDD, number of items, amount in
// dollars with a decimal point. Every line is checked; a bad one is reported with its number and
// why, and the others are still read.
import { dayNumber } from '../analytics/summary';
import { centsOf } from './money';

export interface CdnowPurchase {
  /** Line number in the file (from 1). */
  readonly row: number;
  readonly customer: string;
  /** `YYYY-MM-DD`. */
  readonly date: string;
  readonly quantity: number;
  /** In cents. */
  readonly amount: number;
}

export interface RowProblem {
  readonly row: number;
  readonly reason: string;
}

export function parseCdnow(text: string): { purchases: CdnowPurchase[]; problems: RowProblem[] } {
  const purchases: CdnowPurchase[] = [];
  const problems: RowProblem[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const row = i + 1;
    if (line.trim() === '') return;
    const cells = line.trim().split(/\s+/);
    if (cells.length !== 5) {
      problems.push({ row, reason: `expected 5 fields (ids, date, items, amount), found ${cells.length}` });
      return;
    }
    const [, customer = '', day = '', items = '', dollars = ''] = cells;
    const date = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)}`;
    const amount = centsOf(dollars);
    if (!/^\d{8}$/.test(day) || Number.isNaN(dayNumber(date))) {
      problems.push({ row, reason: `not a date (YYYYMMDD): ${day}` });
    } else if (!/^\d{1,6}$/.test(items)) {
      problems.push({ row, reason: `not a number of items: ${items}` });
    } else if (amount === null) {
      problems.push({ row, reason: `not an amount with a decimal point: ${dollars}` });
    } else {
      purchases.push({ row, customer, date, quantity: Number(items), amount });
    }
  });
  return { purchases, problems };
}

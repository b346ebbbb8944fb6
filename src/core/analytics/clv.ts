// Customer lifetime value: the margin a customer is expected to bring over a horizon, month by
// month (BG/NBD's expected purchases in the month × the expected amount per purchase × margin),
// each month discounted. Time units are explicit: the models are fitted in days or weeks, and a
// month is 365.25 / 12 days (≈ 4.348 weeks), never "30 units" (which on weekly data makes a year
// of 360 weeks: the 140.10 printed for CDNOW's first customer in a well-known quick-start).
import { expectedPurchasesOver, type BgNbdParams, type RepeatSummary } from './bgnbd';

export type TimeUnit = 'day' | 'week';

export const DAYS_PER_MONTH = 365.25 / 12;

/** Units of `unit` in a month. */
export function unitsPerMonth(unit: TimeUnit): number {
  return unit === 'day' ? DAYS_PER_MONTH : DAYS_PER_MONTH / 7;
}

export interface ClvOptions {
  readonly unit: TimeUnit;
  /** Horizon in months (12 by default). */
  readonly months?: number;
  /** Discount per month (0.01 by default). */
  readonly monthlyDiscount?: number;
  /** Share of revenue that is margin (1 by default: the value in revenue). */
  readonly margin?: number;
}

/** The discounted expected margin of a customer over the horizon. */
export function lifetimeValue(
  model: BgNbdParams,
  summary: RepeatSummary,
  spendPerPurchase: number,
  { unit, months = 12, monthlyDiscount = 0.01, margin = 1 }: ClvOptions,
): number {
  const upTo = expectedPurchasesOver(model, summary, monthEnds(unit, months));
  return discountedValue(upTo, spendPerPurchase, { monthlyDiscount, margin });
}

/** The end of each month of a horizon, in `unit`. */
export const monthEnds = (unit: TimeUnit, months: number): number[] =>
  Array.from({ length: months }, (_, m) => (m + 1) * unitsPerMonth(unit));

/**
 * The lifetime value from the purchases expected up to the end of each month (expectedPurchasesOver
 * at monthEnds): each month's purchases × spend × margin, discounted by the month.
 */
export function discountedValue(
  upTo: readonly number[],
  spendPerPurchase: number,
  { monthlyDiscount, margin }: { readonly monthlyDiscount: number; readonly margin: number },
): number {
  let value = 0;
  let before = 0;
  upTo.forEach((now, m) => {
    value += ((now - before) * spendPerPurchase * margin) / (1 + monthlyDiscount) ** (m + 1);
    before = now;
  });
  return value;
}

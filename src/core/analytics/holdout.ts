// Model quality: fit BG/NBD on a calibration period, predict each customer's purchases in the
// holdout period after it, and compare with what they bought — per number of repeat purchases in
// calibration (the chart of FHL 2005, figure 5) and in total, with the mean absolute error per
// customer as the one number.
import { expectedPurchases, fitBgNbd, type BgNbdFit, type BgNbdParams } from './bgnbd';
import type { TimeUnit } from './clv';
import { byCustomer, dayNumber, daysPerUnit, summarizeLedger, type Ledger } from './summary';

export interface HoldoutOptions {
  /** Last day of the calibration period, `YYYY-MM-DD`. */
  readonly calibrationEnd: string;
  /** Last day of the holdout period. */
  readonly holdoutEnd: string;
  readonly unit: TimeUnit;
  /** Customers with at least this many repeat purchases share the last bucket (7 by default: 0 … 6, 7+). */
  readonly lastBucket?: number;
  readonly signal?: AbortSignal;
  /** The purchase model fitted on all the data: the calibration part's fit starts there (fitBgNbd). */
  readonly near?: BgNbdParams | undefined;
}

export interface HoldoutBucket {
  /** Repeat purchases in calibration; the last bucket holds this many and more. */
  readonly x: number;
  readonly customers: number;
  /** Mean purchases per customer in the holdout period, predicted and bought. */
  readonly predicted: number;
  readonly actual: number;
}

export interface HoldoutResult {
  readonly fit: BgNbdFit;
  /** The holdout period's length in the unit. */
  readonly length: number;
  readonly buckets: readonly HoldoutBucket[];
  readonly predictedTotal: number;
  readonly actualTotal: number;
  readonly meanAbsoluteError: number;
}

export function holdoutCheck(ledger: Ledger, options: HoldoutOptions): HoldoutResult {
  const { calibrationEnd, holdoutEnd, unit, lastBucket = 7, signal, near } = options;
  const end = dayNumber(calibrationEnd);
  const stop = dayNumber(holdoutEnd);
  if (!(stop > end)) throw new RangeError('the holdout period must end after the calibration period');
  const summaries = summarizeLedger(ledger, { calibrationEnd, unit });
  const fit = fitBgNbd(summaries, signal, near);
  const length = (stop - end) / daysPerUnit(unit);
  /** Per customer (by index): the days with a purchase in the holdout period. */
  const later = holdoutDays(ledger, end, stop);
  const sums = Array.from({ length: lastBucket + 1 }, () => ({ customers: 0, predicted: 0, actual: 0 }));
  let errors = 0;
  for (const summary of summaries) {
    const predicted = expectedPurchases(fit.params, summary, length);
    const actual = later[summary.at] as number;
    const bucket = sums[Math.min(summary.x, lastBucket)];
    if (bucket) {
      bucket.customers += 1;
      bucket.predicted += predicted;
      bucket.actual += actual;
    }
    errors += Math.abs(predicted - actual);
  }
  return {
    fit,
    length,
    buckets: sums.map((sum, x) => ({
      x,
      customers: sum.customers,
      predicted: sum.customers > 0 ? sum.predicted / sum.customers : 0,
      actual: sum.customers > 0 ? sum.actual / sum.customers : 0,
    })),
    predictedTotal: sums.reduce((s, b) => s + b.predicted, 0),
    actualTotal: sums.reduce((s, b) => s + b.actual, 0),
    meanAbsoluteError: summaries.length > 0 ? errors / summaries.length : 0,
  };
}

/**
 * Per customer (by index), the days in (end, stop] with a purchase: her purchases grouped
 * (byCustomer), counted where the day changes when they are in date order, as the ledger read
 * gives them, and through a set otherwise.
 */
function holdoutDays(ledger: Ledger, end: number, stop: number): Int32Array {
  const { day } = ledger;
  const { start, order } = byCustomer(ledger, (i) => (day[i] as number) > end && (day[i] as number) <= stop);
  const days = new Int32Array(ledger.customers.length);
  for (let c = 0; c < days.length; c++) {
    const from = start[c] as number;
    const to = start[c + 1] as number;
    let count = from < to ? 1 : 0;
    for (let k = from + 1; k < to && count > 0; k++) {
      const before = day[order[k - 1] as number] as number;
      const here = day[order[k] as number] as number;
      if (here > before) count += 1;
      else if (here < before) count = -1; // not in date order
    }
    days[c] = count >= 0 ? count : new Set(Array.from(order.subarray(from, to), (i) => day[i] as number)).size;
  }
  return days;
}

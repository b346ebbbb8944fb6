// The CDNOW reference data (test/fixtures/cdnow, copied from ../shared/data/cdnow) for the models'
// tests and benchmark: the published calibration summary, and the raw purchases.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RepeatSummary } from './bgnbd';
import { parseCdnow } from '../sales/cdnow';
import type { Purchase } from './summary';

const DIR = join(import.meta.dirname, '..', '..', '..', 'test', 'fixtures', 'cdnow');

/** `cdnow_customers_summary.csv`: ID, frequency, recency, T (weeks, calibration to 1997-09-30). */
export function cdnowSummary(): RepeatSummary[] {
  const [, ...lines] = readFileSync(join(DIR, 'cdnow_customers_summary.csv'), 'utf8').trim().split('\n');
  return lines.map((line) => {
    const [, x, tx, T] = line.split(',').map(Number);
    return { x: x ?? Number.NaN, tx: tx ?? Number.NaN, T: T ?? Number.NaN };
  });
}

/** Where `CDNOW_sample.txt` is (the import reads it from there). */
export const CDNOW_SAMPLE_PATH = join(DIR, 'CDNOW_sample.txt');

/** `CDNOW_sample.txt` as it is. */
export function cdnowSampleText(): string {
  return readFileSync(CDNOW_SAMPLE_PATH, 'utf8');
}

/** `CDNOW_sample.txt` through the import's parser, amounts in dollars. */
export function cdnowPurchases(): Purchase[] {
  const { purchases, problems } = parseCdnow(cdnowSampleText());
  if (problems.length > 0) throw new Error(`CDNOW_sample.txt: ${JSON.stringify(problems[0])}`);
  return purchases.map(({ customer, date, amount }) => ({ customer, date, amount: amount / 100 }));
}

/** The published values (test/fixtures/cdnow/README.md). */
export const PUBLISHED = {
  bgnbd: { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258, logLikelihood: -9582.43 },
  gammaGamma: { p: 6.25, q: 3.74, v: 15.44, logLikelihood: -4055.92 },
  firstTenSpend: [24.66, 18.91, 35.17, 35.17, 35.17, 71.46, 18.91, 35.17, 27.28, 35.17],
  meanSpend: 35.25,
};

/** Whether `actual` equals `expected` to `digits` significant digits. */
export function equalToDigits(actual: number, expected: number, digits: number): boolean {
  const scale = 10 ** (Math.floor(Math.log10(Math.abs(expected))) - digits + 1);
  return Math.abs(actual - expected) <= scale / 2 + 1e-12;
}

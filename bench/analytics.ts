// The customer models on the CDNOW sample (2,357 customers, 6,919 purchases): the BG/NBD and
// Gamma-Gamma fits as the analytics refresh runs them, from the customers' summaries. Beside it,
// the summaries alone, made from the raw purchases in memory (the baseline the fit is compared
// with). The target counts from the ledger's summary query through the router; the ledger
// (sales documents) does not exist yet, so this measures the models alone.
import { fitBgNbd } from '../src/core/analytics/bgnbd';
import { cdnowPurchases } from '../src/core/analytics/cdnow.testing';
import { fitGammaGamma } from '../src/core/analytics/gamma-gamma';
import { summarize } from '../src/core/analytics/summary';
import type { BenchRow } from './customers';

/** The median of `runs` timings of `fn`, in milliseconds. */
function median(runs: number, fn: () => unknown): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return times.sort((p, q) => p - q)[Math.floor(runs / 2)] ?? 0;
}

export function analyticsBenchmark(rows: BenchRow[]): void {
  const purchases = cdnowPurchases();
  const period = { calibrationEnd: '1997-09-30', unit: 'week' } as const;
  const summaries = summarize(purchases, period);
  const spend = summaries.flatMap(({ x, meanSpend }) => (meanSpend === null ? [] : [{ x, meanSpend }]));
  // Warm-up: compiled code, as in a running app.
  fitBgNbd(summaries);
  fitGammaGamma(spend);
  const summary = median(11, () => summarize(purchases, period));
  const bgnbd = median(11, () => fitBgNbd(summaries));
  const gammaGamma = median(11, () => fitGammaGamma(spend));
  rows.push({
    benchmark: `fit BG/NBD + Gamma-Gamma on CDNOW (${summaries.length.toLocaleString('en')} customers, models alone)`,
    measure: 'median of 11',
    kontor: `${(bgnbd + gammaGamma).toFixed(1)} ms (BG/NBD ${bgnbd.toFixed(1)}, Gamma-Gamma ${gammaGamma.toFixed(1)})`,
    baseline: `${summary.toFixed(1)} ms (the summaries from ${purchases.length.toLocaleString('en')} purchases, in memory)`,
    ratio: `${((bgnbd + gammaGamma) / summary).toFixed(1)}× the summaries`,
    target: '≤ 100 ms',
  });
}

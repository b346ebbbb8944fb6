// The customer models on the CDNOW sample (2,357 customers, 6,919 purchases): the BG/NBD and
// Gamma-Gamma fits as the analytics refresh runs them, from the customers' summaries. Beside it,
// the summaries alone, made from the raw purchases in memory (the baseline the fit is compared
// with). The target counts from the ledger's summary query through the router; the ledger
// (sales documents) does not exist yet, so this measures the models alone.
import { analyze } from '../src/core/analytics/analysis';
import { fitBgNbd } from '../src/core/analytics/bgnbd';
import { cdnowPurchases } from '../src/core/analytics/cdnow.testing';
import { fitGammaGamma } from '../src/core/analytics/gamma-gamma';
import { summarize } from '../src/core/analytics/summary';
import type { Purchase } from '../src/core/analytics/summary';
import { prng } from './customer-data';
import type { BenchRow } from './customers';

/**
 * A ledger of `customers` customers with about eight purchases each over two years (2025–2026),
 * drawn seeded: each customer buys at her own rate and may stop after any purchase, as BG/NBD
 * assumes, and spends around her own typical amount.
 */
function ledger(customers: number): Purchase[] {
  const random = prng(11);
  const start = Date.UTC(2025, 0, 1) / 86_400_000;
  const purchases: Purchase[] = [];
  const date = (day: number) => new Date(day * 86_400_000).toISOString().slice(0, 10);
  for (let c = 0; c < customers; c++) {
    const customer = `c${c}`;
    let day = start + Math.floor(random() * 365);
    const gap = 10 + random() * 120;
    const stop = random() * 0.15;
    // Customers differ in what they spend, as Gamma-Gamma assumes; each purchase varies around it.
    const typical = 20 - Math.log(1 - random()) * 80;
    for (;;) {
      purchases.push({ customer, date: date(day), amount: Math.round(typical * (50 + random() * 100)) / 100 });
      day += Math.ceil(-Math.log(1 - random()) * gap);
      if (day >= start + 730 || random() < stop) break;
    }
  }
  return purchases;
}

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
  cdnowFits(rows);
  wholeAnalysis(rows);
}

/**
 * A whole analysis (summaries, both fits, every customer's scores and CLV, RFM, cohorts) of a large
 * ledger, in memory: the refresh's work without reading the ledger from the store, which comes with
 * the ledger. Beside it, the summaries alone.
 */
function wholeAnalysis(rows: BenchRow[]): void {
  const customers = Number(process.env['KONTOR_BENCH_ANALYTICS_CUSTOMERS'] ?? 100_000);
  const purchases = ledger(customers);
  const options = { asOf: '2026-12-31', unit: 'day' } as const;
  const time = (fn: () => unknown) => {
    const started = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - started) / 1e9;
  };
  const summary = time(() => summarize(purchases, { calibrationEnd: options.asOf, unit: options.unit }));
  const whole = time(() => analyze(purchases, options));
  rows.push({
    benchmark: `analysis of ${customers.toLocaleString('en')} customers with ${purchases.length.toLocaleString('en')} purchases (in memory, models alone)`,
    measure: 'one run',
    kontor: `${whole.toFixed(2)} s`,
    baseline: `${summary.toFixed(2)} s (the summaries alone)`,
    ratio: `${(whole / summary).toFixed(1)}× the summaries`,
    target: '≤ 3 s (refresh, from the store)',
  });
}

function cdnowFits(rows: BenchRow[]): void {
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

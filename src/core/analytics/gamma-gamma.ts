// The Gamma-Gamma model of spend per purchase (Fader & Hardie 2013, "The Gamma-Gamma Model of
// Monetary Value"): each purchase's amount is gamma-distributed around the customer's own mean
// (shape p), and the customers' means vary by another gamma (q, v). From a repeat customer's number
// of repeat purchases x and their mean amount m̄, it gives the amount to expect from her next
// purchases: between the population's mean and her own, nearer her own the more she has bought.
// The model assumes that how much a customer spends does not depend on how often she buys; the
// correlation of the two is reported beside the fit for the user to see (spendCorrelation).
import digamma from '@stdlib/math-base-special-digamma';
import gammaln from '@stdlib/math-base-special-gammaln';
import { AppError } from '../../shared/errors';
import { distinctValues, notIdentified, type Distinct } from './bgnbd';
import { maximumLikelihood, type ValueAndGradient } from './optimize';

/** A repeat customer: repeat purchases (x > 0) and their mean amount. */
export interface SpendSummary {
  readonly x: number;
  readonly meanSpend: number;
}

export interface GammaGammaParams {
  readonly p: number;
  readonly q: number;
  readonly v: number;
}

export interface GammaGammaFit {
  readonly params: GammaGammaParams;
  readonly standardErrors: { readonly [K in keyof GammaGammaParams]: number | null };
  readonly logLikelihood: number;
  readonly customers: number;
  /** Pearson correlation of x and mean spend over the customers fitted; near 0 is what the model assumes. */
  readonly spendCorrelation: number;
  readonly evaluations: number;
}

/** The customers as columns with the logarithms of their means, and their distinct x. */
interface Prepared {
  readonly x: Float64Array;
  readonly m: Float64Array;
  readonly logM: Float64Array;
  readonly xs: Distinct;
}

function prepare(rows: readonly SpendSummary[]): Prepared {
  return {
    x: Float64Array.from(rows, (row) => row.x),
    m: Float64Array.from(rows, (row) => row.meanSpend),
    logM: Float64Array.from(rows, (row) => Math.log(row.meanSpend)),
    xs: distinctValues(rows.map((row) => row.x)),
  };
}

/**
 * The negative log-likelihood and its gradient in the parameters' logarithms (the fit's
 * coordinates); the terms that depend on x only are computed once per distinct x.
 */
function negativeLogLikelihood({ p, q, v }: GammaGammaParams, data: Prepared): ValueAndGradient {
  if (!(p > 0 && q > 0 && v > 0)) return { value: Number.POSITIVE_INFINITY, gradient: [0, 0, 0] };
  const fixed = -gammaln(q) + q * Math.log(v);
  const xs = data.xs.values;
  const byX = xs.map((x) => fixed + gammaln(p * x + q) - gammaln(p * x) + p * x * Math.log(x));
  // ∂/∂p and ∂/∂q of the terms in x alone.
  const dpX = xs.map((x) => x * (digamma(p * x + q) - digamma(p * x) + Math.log(x)));
  const dqX = xs.map((x) => digamma(p * x + q) - digamma(q) + Math.log(v));
  let sum = 0;
  let dp = 0;
  let dq = 0;
  let dv = 0;
  for (let i = 0; i < data.x.length; i++) {
    const x = data.x[i] as number;
    const slot = data.xs.slot[i] as number;
    const px = p * x;
    const logM = data.logM[i] as number;
    const total = x * (data.m[i] as number) + v;
    const logTotal = Math.log(total);
    sum += (byX[slot] as number) + (px - 1) * logM - (px + q) * logTotal;
    dp += (dpX[slot] as number) + x * (logM - logTotal);
    dq += (dqX[slot] as number) - logTotal;
    dv += q / v - (px + q) / total;
  }
  return { value: -sum, gradient: [-dp * p, -dq * q, -dv * v] };
}

const paramsOf = (w: readonly number[]): GammaGammaParams => ({ p: w[0] ?? 0, q: w[1] ?? 0, v: w[2] ?? 0 });

/** What the fit minimises, with its gradient in the parameters' logarithms (for tests of the gradient). */
export function gammaGammaObjective(params: GammaGammaParams, rows: readonly SpendSummary[]): ValueAndGradient {
  return negativeLogLikelihood(params, prepare(rows));
}

export function gammaGammaLogLikelihood(params: GammaGammaParams, rows: readonly SpendSummary[]): number {
  return -negativeLogLikelihood(params, prepare(rows)).value;
}

/** The repeat customers the model can use, or a reason why there are none. */
function usable(rows: readonly SpendSummary[]): SpendSummary[] {
  const repeat = rows.filter((row) => row.x > 0);
  if (repeat.some((row) => !(Number.isFinite(row.meanSpend) && row.meanSpend > 0))) {
    throw new AppError(
      'validation',
      'spend per purchase must be more than zero (credit notes count against their invoice, not as purchases)',
      { reason: 'analytics_bad_amount' },
    );
  }
  if (repeat.length < 2) {
    throw new AppError('validation', 'spend can be estimated only from at least two customers who bought again', {
      reason: 'analytics_no_repeat',
    });
  }
  return repeat;
}

function correlation(xs: readonly number[], ys: readonly number[]): number {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] ?? 0) - mx;
    const dy = (ys[i] ?? 0) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}

/** The maximum-likelihood fit on the repeat customers among `rows` (x > 0). */
export function fitGammaGamma(rows: readonly SpendSummary[], signal?: AbortSignal): GammaGammaFit {
  const repeat = usable(rows);
  const data = prepare(repeat);
  // Starts around where the population's mean spend p·v/(q − 1) is the data's mean.
  const logMeanSpend = Math.log(repeat.reduce((s, row) => s + row.meanSpend, 0) / repeat.length);
  const starts = [
    [0, Math.log(2), logMeanSpend],
    [1, Math.log(4), logMeanSpend + 1],
    [-1, Math.log(1.5), logMeanSpend - 1],
  ];
  const fit = maximumLikelihood((w) => negativeLogLikelihood(paramsOf(w), data), starts, {
    signal,
    unidentified: () => notIdentified(repeat),
  });
  const [p = null, q = null, v = null] = fit.standardErrors;
  return {
    params: paramsOf(fit.at),
    standardErrors: { p, q, v },
    logLikelihood: fit.logLikelihood,
    customers: repeat.length,
    spendCorrelation: correlation(
      repeat.map((row) => row.x),
      repeat.map((row) => row.meanSpend),
    ),
    evaluations: fit.evaluations,
  };
}

/**
 * The amount to expect per purchase from a customer: for a repeat customer a weighted mean of the
 * population's mean p·v/(q − 1) and her own m̄; for one without repeat purchases the population's.
 * Null when q ≤ 1 (the population's mean does not exist).
 */
export function expectedSpend({ p, q, v }: GammaGammaParams, { x, meanSpend }: SpendSummary): number | null {
  if (!(q > 1)) return null;
  if (x <= 0) return (p * v) / (q - 1);
  return (p * (v + x * meanSpend)) / (p * x + q - 1);
}

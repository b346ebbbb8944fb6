// The BG/NBD model of repeat purchasing (Fader, Hardie & Lee 2005, "Counting Your Customers the
// Easy Way"). While active, a customer buys at rate λ (gamma-distributed over customers: r, α);
// after each repeat purchase she stops for good with probability p (beta-distributed: a, b). From a
// customer's repeat purchases x, the time of the last one t_x and her age T (all in one unit, from
// her first purchase), the model gives the chance she is still active and how often she will buy.
//
// The likelihood is computed in logarithms; the terms that depend only on x are computed once per
// distinct x, so an evaluation costs a few logarithms per customer and a fit of a few thousand
// customers takes milliseconds.
import betaln from '@stdlib/math-base-special-betaln';
import digamma from '@stdlib/math-base-special-digamma';
import gammaln from '@stdlib/math-base-special-gammaln';
import hyp2f1 from '@stdlib/math-base-special-hyp2f1';
import { AppError } from '../../shared/errors';
import { maximumLikelihood, type ValueAndGradient } from './optimize';

/** A customer's purchases in the calibration period: repeat purchases, time of the last, age. */
export interface RepeatSummary {
  readonly x: number;
  readonly tx: number;
  readonly T: number;
}

export interface BgNbdParams {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

export interface BgNbdFit {
  readonly params: BgNbdParams;
  /** Null where the data cannot pin a parameter down (see optimize.ts, standardErrors). */
  readonly standardErrors: { readonly [K in keyof BgNbdParams]: number | null };
  readonly logLikelihood: number;
  readonly customers: number;
  readonly repeatCustomers: number;
  readonly evaluations: number;
}

/** A column's distinct values and each row's index among them: what depends on the value alone is computed once per value. */
export interface Distinct {
  readonly values: readonly number[];
  readonly slot: Uint32Array;
}

export function distinctValues(column: ArrayLike<number>): Distinct {
  const slotOf = new Map<number, number>();
  const values: number[] = [];
  const slot = new Uint32Array(column.length);
  for (let i = 0; i < column.length; i++) {
    const value = column[i] as number;
    let at = slotOf.get(value);
    if (at === undefined) {
      at = values.length;
      values.push(value);
      slotOf.set(value, at);
    }
    slot[i] = at;
  }
  return { values, slot };
}

/**
 * The customers as groups alike in (x, t_x, T), each once with its count (at CDNOW, the 1,411
 * without repeat purchases are 84 groups: their first purchase's day). x, t_x and T each take few
 * distinct values (counts; days of the period), so the likelihood's terms in them are computed per
 * distinct value: a few hundred logarithms per evaluation instead of thousands.
 */
interface Prepared {
  readonly x: Float64Array;
  readonly count: Float64Array;
  readonly xs: Distinct;
  readonly lasts: Distinct;
  readonly ages: Distinct;
}

function prepare(rows: readonly RepeatSummary[]): Prepared {
  const xs = distinctValues(rows.map((row) => row.x));
  const lasts = distinctValues(rows.map((row) => row.tx));
  const ages = distinctValues(rows.map((row) => row.T));
  // A group's key from its three slots: each column has at most as many distinct values as the
  // period has days (one purchase day per day), so the key stays far below 2⁵³.
  const groupOf = new Map<number, number>();
  const first: number[] = [];
  const count: number[] = [];
  for (let i = 0; i < rows.length; i++) {
    const key = ((xs.slot[i] as number) * lasts.values.length + (lasts.slot[i] as number)) * ages.values.length;
    const group = groupOf.get(key + (ages.slot[i] as number));
    if (group === undefined) {
      groupOf.set(key + (ages.slot[i] as number), count.length);
      first.push(i);
      count.push(1);
    } else {
      count[group] = (count[group] as number) + 1;
    }
  }
  const pick = (slot: Uint32Array) => Uint32Array.from(first, (i) => slot[i] as number);
  return {
    x: Float64Array.from(first, (i) => rows[i]?.x ?? 0),
    count: Float64Array.from(count),
    xs: { values: xs.values, slot: pick(xs.slot) },
    lasts: { values: lasts.values, slot: pick(lasts.slot) },
    ages: { values: ages.values, slot: pick(ages.slot) },
  };
}

/**
 * The negative log-likelihood and its gradient in the parameters' logarithms (the fit's
 * coordinates). Per customer, log(e^active + e^gone) is max + log1p(e^−|active − gone|), and the
 * share of e^active in the sum weighs the derivatives of the two terms.
 */
function negativeLogLikelihood({ r, alpha, a, b }: BgNbdParams, data: Prepared): ValueAndGradient {
  if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) return { value: Number.POSITIVE_INFINITY, gradient: [0, 0, 0, 0] };
  const lnBab = betaln(a, b);
  const { xs, lasts, ages } = data;
  const perX = (f: (x: number, k: number) => number) => Float64Array.from(xs.values, f);
  const perValue = (d: Distinct, f: (t: number) => number) => Float64Array.from(d.values, f);
  const common = perX((x) => gammaln(r + x) - gammaln(r) + r * Math.log(alpha));
  const stays = perX((x) => betaln(a, b + x) - lnBab);
  const leaves = perX((x) => (x > 0 ? betaln(a + 1, b + x - 1) - lnBab : Number.NEGATIVE_INFINITY));
  const logLast = perValue(lasts, (tx) => Math.log(alpha + tx));
  const logAge = perValue(ages, (T) => Math.log(alpha + T));
  const inverseLast = perValue(lasts, (tx) => 1 / (alpha + tx));
  const inverseAge = perValue(ages, (T) => 1 / (alpha + T));
  // Derivatives of the terms in x alone (ψ: digamma).
  const psiAB = digamma(a + b);
  const dBab = { a: digamma(a) - psiAB, b: digamma(b) - psiAB };
  const drCommon = perX((x) => digamma(r + x) - digamma(r) + Math.log(alpha));
  const psiABX = perX((x) => digamma(a + b + x));
  const daStay = perX((_, k) => psiAB - (psiABX[k] as number));
  const dbStay = perX((x, k) => digamma(b + x) - (psiABX[k] as number) - dBab.b);
  const daLeave = perX((_, k) => digamma(a + 1) - (psiABX[k] as number) - dBab.a);
  const dbLeave = perX((x, k) => (x > 0 ? digamma(b + x - 1) - (psiABX[k] as number) - dBab.b : 0));
  const r_alpha = r / alpha;
  let sum = 0;
  let dr = 0;
  let dAlpha = 0;
  let da = 0;
  let db = 0;
  // The log1p terms of single customers, multiplied up and taken as one logarithm per
  // PRODUCT_RUN of them (each factor is between 1 and 2): the loop's costliest call made rare.
  let product = 1;
  let factors = 0;
  for (let i = 0; i < data.x.length; i++) {
    const s = xs.slot[i] as number;
    const age = ages.slot[i] as number;
    const x = data.x[i] as number;
    const count = data.count[i] as number;
    const rx = r + x;
    const active = (stays[s] as number) - rx * (logAge[age] as number);
    if (x === 0) {
      // Without repeat purchases she cannot have left: the active term alone.
      sum += count * ((common[s] as number) + active);
      dr += count * ((drCommon[s] as number) - (logAge[age] as number));
      dAlpha += count * (r_alpha - rx * (inverseAge[age] as number));
      da += count * (daStay[s] as number);
      db += count * (dbStay[s] as number);
      continue;
    }
    const last = lasts.slot[i] as number;
    const gone = (leaves[s] as number) - rx * (logLast[last] as number);
    // log(e^active + e^gone) = max + log1p(e^−|active − gone|); stay is e^active's share of the sum.
    const e = Math.exp(-Math.abs(active - gone));
    const stay = active >= gone ? 1 / (1 + e) : e / (1 + e);
    const leave = 1 - stay;
    sum += count * ((common[s] as number) + Math.max(active, gone));
    if (count === 1) {
      product *= 1 + e;
      if (++factors === PRODUCT_RUN) {
        sum += Math.log(product);
        product = 1;
        factors = 0;
      }
    } else {
      sum += count * Math.log1p(e);
    }
    dr += count * ((drCommon[s] as number) - stay * (logAge[age] as number) - leave * (logLast[last] as number));
    dAlpha += count * (r_alpha - rx * (stay * (inverseAge[age] as number) + leave * (inverseLast[last] as number)));
    da += count * (stay * (daStay[s] as number) + leave * (daLeave[s] as number));
    db += count * (stay * (dbStay[s] as number) + leave * (dbLeave[s] as number));
  }
  sum += Math.log(product);
  return { value: -sum, gradient: [-dr * r, -dAlpha * alpha, -da * a, -db * b] };
}

/** At most 2⁶⁴ and exact to a few units in the last place: far inside a double's range and precision. */
const PRODUCT_RUN = 64;

const paramsOf = (v: readonly number[]): BgNbdParams => ({
  r: v[0] ?? 0,
  alpha: v[1] ?? 0,
  a: v[2] ?? 0,
  b: v[3] ?? 0,
});

/** What the fit minimises, with its gradient in the parameters' logarithms (for tests of the gradient). */
export function bgnbdObjective(params: BgNbdParams, rows: readonly RepeatSummary[]): ValueAndGradient {
  return negativeLogLikelihood(params, prepare(rows));
}

/** The log-likelihood of the customers' purchases under the parameters. */
export function bgnbdLogLikelihood(params: BgNbdParams, rows: readonly RepeatSummary[]): number {
  return -negativeLogLikelihood(params, prepare(rows)).value;
}

/** Refuses data the model cannot be fitted to, with a reason the screen can say. */
export function checkSummaries(rows: readonly RepeatSummary[]): void {
  if (rows.length < 2) {
    throw new AppError('validation', 'the models need the purchases of at least two customers', {
      reason: 'analytics_too_few',
      customers: rows.length,
    });
  }
  const bad = rows.find(({ x, tx, T }) => !(Number.isInteger(x) && x >= 0 && tx >= 0 && T >= tx && Number.isFinite(T)));
  if (bad) {
    throw new AppError('validation', 'a customer summary is not possible: 0 ≤ t_x ≤ T and whole repeat purchases', {
      reason: 'analytics_bad_summary',
    });
  }
  if (!rows.some((row) => row.x > 0)) {
    throw new AppError('validation', 'no customer bought a second time: repeat purchasing cannot be estimated yet', {
      reason: 'analytics_no_repeat',
    });
  }
  if (rows.every((row) => row.T === 0)) {
    throw new AppError('validation', 'every purchase is on one day: there is no time span to learn from', {
      reason: 'analytics_one_day',
    });
  }
}

/** Thrown when a fit's parameters run off (see optimize.ts, MAX_LOG_PARAM). */
export function notIdentified(rows: readonly { readonly x: number }[]): never {
  const repeat = rows.filter((row) => row.x > 0).length;
  throw new AppError(
    'validation',
    `the purchases of ${rows.length} customers (${repeat} of them bought again) do not determine the model: it needs more customers and more repeat purchases`,
    { reason: 'analytics_not_identified', customers: rows.length, repeatCustomers: repeat },
  );
}

/**
 * The maximum-likelihood fit. `near`: the fit of data much like these (the same customers over a
 * longer period, for the model-quality check): the search starts there alone, a few steps from
 * the maximum, and from the usual starting points only where that does not converge.
 */
export function fitBgNbd(rows: readonly RepeatSummary[], signal?: AbortSignal, near?: BgNbdParams): BgNbdFit {
  checkSummaries(rows);
  const data = prepare(rows);
  // Starts around where the rate's mean matches the data's repeat purchases per unit of time.
  const meanRate =
    rows.reduce((s, row) => s + row.x, 0) /
    Math.max(
      rows.reduce((s, row) => s + row.T, 0),
      1e-9,
    );
  const scale = Math.log(1 / Math.max(meanRate, 1e-9));
  const starts = [
    [0, scale, 0, 0],
    [-1, scale - 1, 1, 1],
    [1, scale + 1, -1, 0],
  ];
  const search = (from: readonly (readonly number[])[]) =>
    maximumLikelihood((v) => negativeLogLikelihood(paramsOf(v), data), from, {
      signal,
      unidentified: () => notIdentified(rows),
    });
  let fit: ReturnType<typeof search> | null = null;
  if (near) {
    try {
      fit = search([[near.r, near.alpha, near.a, near.b].map(Math.log)]);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
    }
  }
  fit ??= search(starts);
  const [r = null, alpha = null, a = null, b = null] = fit.standardErrors;
  return {
    params: paramsOf(fit.at),
    standardErrors: { r, alpha, a, b },
    logLikelihood: fit.logLikelihood,
    customers: rows.length,
    repeatCustomers: rows.filter((row) => row.x > 0).length,
    evaluations: fit.evaluations,
  };
}

/** P(still active | x, t_x, T): one for a customer without repeat purchases. */
export function probabilityAlive({ r, alpha, a, b }: BgNbdParams, { x, tx, T }: RepeatSummary): number {
  if (x === 0) return 1;
  const odds = (a / (b + x - 1)) * Math.exp((r + x) * Math.log((alpha + T) / (alpha + tx)));
  return 1 / (1 + odds);
}

/** E[purchases in the next `t` units | x, t_x, T] (FHL 2005, eq. 10). */
export function expectedPurchases(params: BgNbdParams, summary: RepeatSummary, t: number): number {
  return expectedPurchasesOver(params, summary, [t])[0] ?? 0;
}

/**
 * E[purchases in the next t units | x, t_x, T] for each t of `ts` (the months of a CLV): what
 * depends on the customer alone, P(alive) first, computed once.
 */
export function expectedPurchasesOver(params: BgNbdParams, summary: RepeatSummary, ts: readonly number[]): number[] {
  const { r, alpha, a, b } = params;
  const { x, T } = summary;
  const c = a + b + x - 1;
  const scale = (c / (a - 1)) * probabilityAlive(params, summary);
  return ts.map((t) => {
    if (t <= 0) return 0;
    const z = t / (alpha + T + t);
    return scale * (1 - Math.exp((r + x) * Math.log1p(-z)) * hyp2f1(r + x, b + x, c, z));
  });
}

/** P(X(t) = 0) for a customer drawn at random from the population (FHL 2005, eq. 8 with x = 0). */
export function probabilityOfNoPurchase({ r, alpha }: BgNbdParams, t: number): number {
  return Math.exp(r * Math.log(alpha / (alpha + t)));
}

// The customer models against their published results on the CDNOW sample (test/fixtures/cdnow),
// on simulated customers with known parameters, and on data they cannot be fitted to.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import fc from 'fast-check';
import hyp2f1 from '@stdlib/math-base-special-hyp2f1';
import {
  bgnbdLogLikelihood,
  bgnbdObjective,
  expectedPurchases,
  expectedPurchasesOver,
  fitBgNbd,
  probabilityAlive,
  probabilityOfNoPurchase,
  type BgNbdParams,
  type RepeatSummary,
} from './bgnbd';
import { cdnowPurchases, cdnowSummary, equalToDigits, PUBLISHED } from './cdnow.testing';
import { lifetimeValue, unitsPerMonth } from './clv';
import { expectedSpend, fitGammaGamma, gammaGammaObjective, type SpendSummary } from './gamma-gamma';
import { assertConverged, bfgs, minimizeWithGradient } from './optimize';
import { summarize } from './summary';

/** `actual` equals `expected` to `digits` significant digits. */
function expectSignificant(actual: number, expected: number, digits: number, what: string): void {
  expect(equalToDigits(actual, expected, digits), `${what}: ${actual} vs ${expected}`).toBe(true);
}

const expectParams = (fit: Record<string, number>, published: Record<string, number>, digits: number) => {
  for (const key of Object.keys(fit)) expectSignificant(fit[key] ?? 0, published[key] ?? 0, digits, key);
};

/** The CDNOW purchases summarised for the published calibration period, in weeks. */
const cdnowFromPurchases = () => summarize(cdnowPurchases(), { calibrationEnd: '1997-09-30', unit: 'week' });

describe('BG/NBD on CDNOW', () => {
  const fit = fitBgNbd(cdnowSummary());

  it('fits the published parameters and log-likelihood', () => {
    const { r, alpha, a, b } = fit.params;
    expectParams({ r, alpha, a, b }, PUBLISHED.bgnbd, 3);
    expect(Math.abs(fit.logLikelihood - PUBLISHED.bgnbd.logLikelihood)).toBeLessThanOrEqual(0.1);
    expect(fit.customers).toBe(2357);
    expect(fit.repeatCustomers).toBe(946);
    // The standard errors `lifetimes` reports for this fit: 0.0126, 0.3780, 0.1859, 0.7048.
    const { r: er, alpha: ealpha, a: ea, b: eb } = fit.standardErrors;
    expectParams(
      { r: er ?? 0, alpha: ealpha ?? 0, a: ea ?? 0, b: eb ?? 0 },
      { r: 0.0126, alpha: 0.378, a: 0.186, b: 0.705 },
      3,
    );
  });

  it('fits the same from the raw purchases', () => {
    const summaries = cdnowFromPurchases();
    expect(summaries).toHaveLength(2357);
    const one = summaries.find((s) => s.customer === '0001');
    expect(one).toMatchObject({ x: 2, meanSpend: 22.345, first: '1997-01-01', daysSinceLast: 59 });
    expect(one?.revenue).toBeCloseTo(74.02, 9);
    const raw = fitBgNbd(summaries);
    const { r, alpha, a, b } = raw.params;
    expectParams({ r, alpha, a, b }, PUBLISHED.bgnbd, 3);
    expectParams({ r, alpha, a, b }, fit.params as unknown as Record<string, number>, 3);
  });

  it('predicts as published: expected purchases of a customer, no purchase of a new one', () => {
    const customer = { x: 2, tx: 30.43, T: 38.86 };
    expect(expectedPurchases(fit.params, customer, 39)).toBeCloseTo(1.226, 3);
    // 0.5738 is (α / (α + t))^r at the paper's parameters to three decimals; at the fitted ones it
    // is 0.5743.
    expect(probabilityOfNoPurchase({ r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, 39)).toBeCloseTo(0.5738, 4);
    expect(probabilityOfNoPurchase(fit.params, 39)).toBeCloseTo(0.5743, 4);
    // A customer long silent is less likely alive than one who just bought.
    expect(probabilityAlive(fit.params, { x: 2, tx: 5, T: 38.86 })).toBeLessThan(
      probabilityAlive(fit.params, { x: 2, tx: 38, T: 38.86 }),
    );
    expect(probabilityAlive(fit.params, { x: 0, tx: 0, T: 38.86 })).toBe(1);
    expect(expectedPurchases(fit.params, customer, 0)).toBe(0);
  });

  it('expects purchases as the hypergeometric function of eq. 10 does, for any parameters and customer (property)', () => {
    // Eq. 10 as printed, with the general ₂F₁: the reference for the series the scoring sums.
    const printed = (p: BgNbdParams, s: RepeatSummary, t: number) => {
      const c = p.a + p.b + s.x - 1;
      const z = t / (p.alpha + s.T + t);
      const rest = Math.exp((p.r + s.x) * Math.log((p.alpha + s.T) / (p.alpha + s.T + t)));
      return (c / (p.a - 1)) * (1 - rest * hyp2f1(p.r + s.x, p.b + s.x, c, z)) * probabilityAlive(p, s);
    };
    const positive = (min: number, max: number) => fc.double({ min, max, noNaN: true });
    fc.assert(
      fc.property(
        fc.record({ r: positive(0.05, 5), alpha: positive(0.5, 500), a: positive(0.05, 5), b: positive(0.05, 10) }),
        fc.integer({ min: 0, max: 60 }),
        positive(0, 1),
        positive(0, 1),
        fc.array(positive(0.1, 1000), { minLength: 1, maxLength: 12 }),
        (params, x, last, age, horizons) => {
          fc.pre(Math.abs(params.a - 1) > 1e-3);
          const T = x + age * 700;
          const s = { x, tx: x === 0 ? 0 : last * T, T };
          const ts = [...horizons].sort((p, q) => p - q);
          expectedPurchasesOver(params, s, ts).forEach((value, k) => {
            const expected = printed(params, s, ts[k] ?? 0);
            expect(Math.abs(value - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
          });
        },
      ),
      { numRuns: 500 },
    );
  });

  it('takes the log-likelihood at the published parameters to the published value', () => {
    expect(bgnbdLogLikelihood(PUBLISHED.bgnbd, cdnowSummary())).toBeCloseTo(PUBLISHED.bgnbd.logLikelihood, 0);
  });
});

describe('Gamma-Gamma and CLV on CDNOW', () => {
  const summaries = cdnowFromPurchases();
  const spend: SpendSummary[] = summaries.flatMap((s) =>
    s.meanSpend === null ? [] : [{ x: s.x, meanSpend: s.meanSpend }],
  );
  const fit = fitGammaGamma(spend);

  it('fits the published parameters and log-likelihood on the 946 repeat customers', () => {
    expect(fit.customers).toBe(946);
    const { p, q, v } = fit.params;
    expectParams({ p, q, v }, PUBLISHED.gammaGamma, 3);
    expect(Math.abs(fit.logLikelihood - PUBLISHED.gammaGamma.logLikelihood)).toBeLessThanOrEqual(0.1);
    // The model's assumption, shown to the user: spend hardly depends on frequency here.
    expect(Math.abs(fit.spendCorrelation)).toBeLessThan(0.2);
  });

  it('expects the published spend of the first ten customers and on average over all customers', () => {
    const first = [...summaries].sort((p, q) => p.customer.localeCompare(q.customer)).slice(0, 10);
    first.forEach((customer, i) => {
      const expected = expectedSpend(fit.params, { x: customer.x, meanSpend: customer.meanSpend ?? 0 });
      expectSignificant(expected ?? 0, PUBLISHED.firstTenSpend[i] ?? 0, 3, `customer ${customer.customer}`);
    });
    // The published mean is over all 2,357 customers (as lifetimes computes it: the population's
    // mean for those without repeat purchases), though the README says over the 946; the observed
    // mean of the 946 is 35.08.
    const all = summaries.map((s) => expectedSpend(fit.params, { x: s.x, meanSpend: s.meanSpend ?? 0 }) ?? 0);
    expect(all.reduce((s, v) => s + v, 0) / all.length).toBeCloseTo(PUBLISHED.meanSpend, 2);
    expect(spend.reduce((s, c) => s + c.meanSpend, 0) / spend.length).toBeCloseTo(35.08, 2);
  });

  it('values customer 1 over 12 months at 1 % a month, a month being 365.25 / 12 days', () => {
    const bgnbd = fitBgNbd(summaries).params;
    const one = summaries.find((s) => s.customer === '0001');
    if (!one) throw new Error('no customer 1');
    const perPurchase = expectedSpend(fit.params, { x: one.x, meanSpend: one.meanSpend ?? 0 }) ?? 0;
    expect(unitsPerMonth('week')).toBeCloseTo(4.348, 3);
    expect(lifetimeValue(bgnbd, one, perPurchase, { unit: 'week' })).toBeCloseTo(36.3, 0);
    // Margin and discount as given; a longer horizon is worth more.
    const half = lifetimeValue(bgnbd, one, perPurchase, { unit: 'week', margin: 0.5 });
    expect(half).toBeCloseTo(lifetimeValue(bgnbd, one, perPurchase, { unit: 'week' }) / 2, 9);
    expect(lifetimeValue(bgnbd, one, perPurchase, { unit: 'week', months: 24 })).toBeGreaterThan(36.3);
  });
});

/** A seeded generator (mulberry32) and the draws the simulation needs. */
function random(seed: number) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  /** Marsaglia & Tsang; shape < 1 by the boost u^(1/shape). */
  const gamma = (shape: number): number => {
    if (shape < 1) return gamma(shape + 1) * uniform() ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      const z = normal();
      const v = (1 + c * z) ** 3;
      if (v > 0 && Math.log(1 - uniform()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
    }
  };
  return { uniform, gamma, beta: (a: number, b: number) => ((g) => g / (g + gamma(b)))(gamma(a)) };
}

/** Customers drawn from BG/NBD with `params`, each observed for T units after the first purchase. */
function simulate(params: BgNbdParams, n: number, seed: number): RepeatSummary[] {
  const draw = random(seed);
  return Array.from({ length: n }, () => {
    const T = 20 + draw.uniform() * 40;
    const rate = draw.gamma(params.r) / params.alpha;
    const dropout = draw.beta(params.a, params.b);
    let x = 0;
    let tx = 0;
    for (let t = -Math.log(1 - draw.uniform()) / rate; t <= T; t += -Math.log(1 - draw.uniform()) / rate) {
      x += 1;
      tx = t;
      if (draw.uniform() < dropout) break;
    }
    return { x, tx, T };
  });
}

describe('fits on simulated customers', () => {
  it('recover the parameters they were drawn with, within two standard errors', () => {
    const truth = { r: 0.8, alpha: 6, a: 1.2, b: 3.5 };
    const fit = fitBgNbd(simulate(truth, 6000, 42));
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      const error = fit.standardErrors[key];
      expect(error, key).not.toBeNull();
      expect(Math.abs(fit.params[key] - truth[key]), `${key} ${fit.params[key]} ± ${error}`).toBeLessThanOrEqual(
        2 * (error ?? 0),
      );
    }
  });

  it('recover Gamma-Gamma parameters within two standard errors', () => {
    const truth = { p: 4, q: 3, v: 20 };
    const draw = random(7);
    const customers = Array.from({ length: 3000 }, () => {
      const x = 1 + Math.floor(draw.uniform() * 8);
      // The customer's own scale ν ~ Gamma(q, v); each amount ~ Gamma(p, ν).
      const nu = draw.gamma(truth.q) / truth.v;
      let total = 0;
      for (let i = 0; i < x; i++) total += draw.gamma(truth.p) / nu;
      return { x, meanSpend: total / x };
    });
    const fit = fitGammaGamma(customers);
    for (const key of ['p', 'q', 'v'] as const) {
      const error = fit.standardErrors[key];
      expect(Math.abs(fit.params[key] - truth[key]), `${key} ${fit.params[key]} ± ${error}`).toBeLessThanOrEqual(
        2 * (error ?? 0),
      );
    }
  });
});

describe('the gradients the fits follow', () => {
  /** Central differences in the parameters' logarithms. */
  const numeric = (f: (u: number[]) => number, u: number[]) =>
    u.map((_, i) => {
      const h = 1e-5;
      const up = u.map((v, k) => (k === i ? v + h : v));
      const down = u.map((v, k) => (k === i ? v - h : v));
      return (f(up) - f(down)) / (2 * h);
    });
  const logs = (n: number) => fc.array(fc.double({ min: -2, max: 3, noNaN: true }), { minLength: n, maxLength: n });
  const close = (analytic: readonly number[], approximate: readonly number[]) =>
    analytic.forEach((g, i) =>
      expect(Math.abs(g - (approximate[i] ?? 0))).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(g))),
    );

  it('are the derivatives of the log-likelihoods, anywhere (property)', () => {
    const summaries = cdnowSummary();
    const spend = cdnowFromPurchases().flatMap((s) =>
      s.meanSpend === null ? [] : [{ x: s.x, meanSpend: s.meanSpend }],
    );
    const bg = (u: number[]) => ({
      r: Math.exp(u[0] ?? 0),
      alpha: Math.exp(u[1] ?? 0),
      a: Math.exp(u[2] ?? 0),
      b: Math.exp(u[3] ?? 0),
    });
    const gg = (u: number[]) => ({ p: Math.exp(u[0] ?? 0), q: Math.exp(u[1] ?? 0), v: Math.exp(u[2] ?? 0) });
    fc.assert(
      fc.property(logs(4), logs(3), (u, w) => {
        close(
          bgnbdObjective(bg(u), summaries).gradient,
          numeric((x) => bgnbdObjective(bg(x), summaries).value, u),
        );
        close(
          gammaGammaObjective(gg(w), spend).gradient,
          numeric((x) => gammaGammaObjective(gg(x), spend).value, w),
        );
      }),
      { numRuns: 30 },
    );
  });
});

describe('data the models cannot be fitted to', () => {
  const reason = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      if (error instanceof AppError) return error.details?.['reason'];
      throw error;
    }
    return 'fitted';
  };

  it('is refused with a reason, never answered with NaN', () => {
    expect(reason(() => fitBgNbd([]))).toBe('analytics_too_few');
    expect(reason(() => fitBgNbd([{ x: 1, tx: 2, T: 5 }]))).toBe('analytics_too_few');
    expect(
      reason(() =>
        fitBgNbd([
          { x: 0, tx: 0, T: 5 },
          { x: 0, tx: 0, T: 9 },
        ]),
      ),
    ).toBe('analytics_no_repeat');
    expect(
      reason(() =>
        fitBgNbd([
          { x: 1, tx: 0, T: 0 },
          { x: 0, tx: 0, T: 0 },
        ]),
      ),
    ).toBe('analytics_one_day');
    expect(
      reason(() =>
        fitBgNbd([
          { x: 1, tx: 6, T: 5 },
          { x: 0, tx: 0, T: 9 },
        ]),
      ),
    ).toBe('analytics_bad_summary');
    expect(reason(() => fitGammaGamma([{ x: 2, meanSpend: 10 }]))).toBe('analytics_no_repeat');
    expect(
      reason(() =>
        fitGammaGamma([
          { x: 2, meanSpend: 10 },
          { x: 1, meanSpend: 0 },
        ]),
      ),
    ).toBe('analytics_bad_amount');
    expect(
      reason(() =>
        fitGammaGamma([
          { x: 2, meanSpend: 10 },
          { x: 1, meanSpend: -5 },
        ]),
      ),
    ).toBe('analytics_bad_amount');
  });

  it('says so when a fit does not converge, instead of returning where it stopped', () => {
    const bowl = (v: readonly number[]) => ({
      value: v.reduce((s, x, i) => s + (i + 1) * (x - 3) ** 2, 0),
      gradient: v.map((x, i) => 2 * (i + 1) * (x - 3)),
    });
    const found = minimizeWithGradient(bowl, [
      [0, 0, 0, 0],
      [5, 5, 5, 5],
    ]);
    expect(found.converged).toBe(true);
    for (const x of found.at) expect(x).toBeCloseTo(3, 6);
    const cut = bfgs(bowl, [0, 0, 0, 0], { maxIterations: 1 });
    expect(reason(() => assertConverged(cut))).toBe('analytics_not_converged');
  });

  it('refuses a fit whose likelihood has no maximum inside the model (a handful of customers)', () => {
    const few = [
      { x: 1, tx: 3, T: 10 },
      { x: 0, tx: 0, T: 4 },
      { x: 3, tx: 8, T: 9 },
    ];
    expect(reason(() => fitBgNbd(few))).toBe('analytics_not_identified');
    // All spends alike: the customers' means do not vary, so q and v run off.
    expect(reason(() => fitGammaGamma([1, 2, 3, 4].map((x) => ({ x, meanSpend: 20 }))))).toBe(
      'analytics_not_identified',
    );
  });
});

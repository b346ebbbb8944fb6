// Maximum-likelihood fitting for the customer models, on the logarithms of the parameters (all
// of them are positive): BFGS on the likelihood's analytic gradient from several starting points,
// Nelder–Mead where BFGS stalls, and standard errors from a numerical Hessian of the
// log-likelihood at the optimum. BFGS needs tens of iterations where Nelder–Mead alone needed
// ≈ 1,500 evaluations (seconds at 100,000 customers: docs/analytics.md). Both are short (after
// Nocedal & Wright and Lagarias et al. 1998); npm offers them only in 0.0.x packages (fmin), which we
// would rather not depend on for numbers a manager acts on.

import { AppError } from '../../shared/errors';

export interface Minimum {
  /** Where the minimum is. */
  readonly at: number[];
  /** The function's value there. */
  readonly value: number;
  /** Evaluations of the function, over all restarts. */
  readonly evaluations: number;
  /** Whether the simplex met the tolerances (not the evaluation limit). */
  readonly converged: boolean;
}

export interface MinimizeOptions {
  /** Size of the first simplex's steps along each axis. */
  readonly step?: number;
  /** Stop when the simplex's values and points are within these of its best. */
  readonly valueTolerance?: number;
  readonly pointTolerance?: number;
  readonly maxEvaluations?: number;
  /** Checked between iterations: a long fit can be cancelled. */
  readonly signal?: AbortSignal | undefined;
}

/** Minimises `f` from `start`; a non-finite value counts as +∞ (outside the model's domain). */
export function nelderMead(
  f: (x: readonly number[]) => number,
  start: readonly number[],
  options: MinimizeOptions = {},
) {
  const { valueTolerance = 1e-9, pointTolerance = 1e-7, maxEvaluations = 5_000, signal } = options;
  let evaluations = 0;
  const value = (x: readonly number[]) => {
    evaluations += 1;
    const y = f(x);
    return Number.isFinite(y) ? y : Number.POSITIVE_INFINITY;
  };

  function run(from: readonly number[], step: number): Minimum {
    let converged = false;
    const n = from.length;
    const points: number[][] = [[...from]];
    for (let i = 0; i < n; i++) {
      const p = [...from];
      p[i] = (p[i] ?? 0) + step;
      points.push(p);
    }
    let values = points.map(value);
    const combine = (a: readonly number[], b: readonly number[], t: number) =>
      a.map((ai, i) => ai + t * ((b[i] ?? 0) - ai));
    while (evaluations < maxEvaluations) {
      signal?.throwIfAborted();
      const order = values.map((_, i) => i).sort((i, j) => (values[i] ?? 0) - (values[j] ?? 0));
      const sorted = order.map((i) => points[i] as number[]);
      values = order.map((i) => values[i] as number);
      points.splice(0, points.length, ...sorted);
      const best = points[0] as number[];
      const worst = points[n] as number[];
      const spread = Math.max(...values.map((v) => Math.abs(v - (values[0] ?? 0))));
      const size = Math.max(...points.map((p) => Math.max(...p.map((pi, i) => Math.abs(pi - (best[i] ?? 0))))));
      if (spread <= valueTolerance && size <= pointTolerance) {
        converged = true;
        break;
      }
      const centroid = best.map((_, i) => points.slice(0, n).reduce((sum, p) => sum + (p[i] ?? 0), 0) / n);
      const reflected = combine(centroid, worst, -1);
      const fr = value(reflected);
      const fBest = values[0] ?? 0;
      const fSecond = values[n - 1] ?? 0;
      const fWorst = values[n] ?? 0;
      if (fr < fBest) {
        const expanded = combine(centroid, worst, -2);
        const fe = value(expanded);
        [points[n], values[n]] = fe < fr ? [expanded, fe] : [reflected, fr];
      } else if (fr < fSecond) {
        [points[n], values[n]] = [reflected, fr];
      } else {
        const outside = fr < fWorst;
        const contracted = combine(centroid, worst, outside ? -0.5 : 0.5);
        const fc = value(contracted);
        if (fc < (outside ? fr : fWorst)) {
          [points[n], values[n]] = [contracted, fc];
        } else {
          for (let i = 1; i <= n; i++) {
            points[i] = combine(best, points[i] as number[], 0.5);
            values[i] = value(points[i] as number[]);
          }
        }
      }
    }
    const at = values.indexOf(Math.min(...values));
    return { at: points[at] as number[], value: values[at] as number, evaluations, converged };
  }

  let result = run(start, options.step ?? 0.5);
  // Restart from the result with a fresh simplex until that gains nothing.
  for (let restart = 0; restart < 10 && evaluations < maxEvaluations; restart++) {
    const again = run(result.at, 0.05);
    const gained = result.value - again.value;
    result = again.value < result.value ? again : { ...result, converged: again.converged };
    if (gained <= valueTolerance) break;
  }
  return { ...result, evaluations };
}

/** A fit is an error or a result, never a silent guess: `analytics_not_converged` when it did not converge. */
export function assertConverged(minimum: Minimum): void {
  if (minimum.converged) return;
  throw new AppError('internal', `the fit did not converge within ${minimum.evaluations} evaluations`, {
    reason: 'analytics_not_converged',
    evaluations: minimum.evaluations,
  });
}

/**
 * Standard errors of a maximum-likelihood estimate found in logarithms: the square roots of the
 * diagonal of the inverse of the negative log-likelihood's Hessian, taken by central differences of
 * its analytic gradient at `logs` (2n evaluations instead of the 2n² a Hessian of values takes),
 * carried to the parameters by the delta method (at the maximum the gradient is zero, so the
 * parameter's error is the parameter times its logarithm's). Null where the Hessian is not positive
 * definite there (the estimate is at an edge, or the data cannot tell the parameters apart).
 */
export function standardErrors(
  fgInLogs: (logs: readonly number[]) => ValueAndGradient,
  logs: readonly number[],
): (number | null)[] {
  const n = logs.length;
  const hessian = logs.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const h = 1e-4 * Math.max(1, Math.abs(logs[i] ?? 0));
    const step = (s: number) => fgInLogs(logs.map((u, k) => (k === i ? u + s * h : u))).gradient;
    const up = step(1);
    const down = step(-1);
    for (let j = 0; j < n; j++) (hessian[j] as number[])[i] = ((up[j] ?? 0) - (down[j] ?? 0)) / (2 * h);
  }
  const symmetric = hessian.map((row, i) => row.map((value, j) => (value + (hessian[j]?.[i] ?? 0)) / 2));
  const inverse = invert(symmetric);
  return logs.map((u, i) => {
    const variance = inverse?.[i]?.[i];
    return variance !== undefined && Number.isFinite(variance) && variance > 0
      ? Math.exp(u) * Math.sqrt(variance)
      : null;
  });
}

/** The inverse of a small symmetric matrix by Cholesky; null when it is not positive definite. */
function invert(m: readonly (readonly number[])[]): number[][] | null {
  const n = m.length;
  const l = m.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = m[i]?.[j] ?? 0;
      for (let k = 0; k < j; k++) sum -= (l[i]?.[k] ?? 0) * (l[j]?.[k] ?? 0);
      if (i === j) {
        if (!(sum > 0)) return null;
        (l[i] as number[])[i] = Math.sqrt(sum);
      } else {
        (l[i] as number[])[j] = sum / (l[j]?.[j] ?? 1);
      }
    }
  }
  // Columns of the inverse: solve L Lᵀ x = e_c.
  const inverse = m.map(() => new Array<number>(n).fill(0));
  for (let c = 0; c < n; c++) {
    const y = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let sum = i === c ? 1 : 0;
      for (let k = 0; k < i; k++) sum -= (l[i]?.[k] ?? 0) * (y[k] ?? 0);
      y[i] = sum / (l[i]?.[i] ?? 1);
    }
    for (let i = n - 1; i >= 0; i--) {
      let sum = y[i] ?? 0;
      for (let k = i + 1; k < n; k++) sum -= (l[k]?.[i] ?? 0) * (inverse[k]?.[c] ?? 0);
      (inverse[i] as number[])[c] = sum / (l[i]?.[i] ?? 1);
    }
  }
  return inverse;
}

/** A function's value and gradient at a point. */
export interface ValueAndGradient {
  readonly value: number;
  readonly gradient: readonly number[];
}

export interface GradientOptions {
  /** Converged when every component of the gradient is below this times max(1, |value|). */
  readonly gradientTolerance?: number;
  readonly maxIterations?: number;
  readonly signal?: AbortSignal | undefined;
}

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((s, ai, i) => s + ai * (b[i] ?? 0), 0);

/**
 * BFGS with a backtracking (Armijo) line search: tens of iterations where Nelder–Mead needs
 * thousands of evaluations, for likelihoods whose gradient is known. A point outside the model's
 * domain (a non-finite value) counts as +∞ and shortens the step.
 */
export function bfgs(
  fg: (x: readonly number[]) => ValueAndGradient,
  start: readonly number[],
  options: GradientOptions = {},
): Minimum {
  const { gradientTolerance = 1e-7, maxIterations = 500, signal } = options;
  const n = start.length;
  let evaluations = 0;
  const at = (x: readonly number[]) => {
    evaluations += 1;
    const found = fg(x);
    return Number.isFinite(found.value) && found.gradient.every(Number.isFinite)
      ? found
      : { value: Number.POSITIVE_INFINITY, gradient: found.gradient };
  };
  const identity = () =>
    Array.from({ length: n }, (_, i) => Array.from({ length: n }, (__, j): number => (i === j ? 1 : 0)));
  let x = [...start];
  let here = at(x);
  let h = identity();
  let converged = false;
  for (let iteration = 0; iteration < maxIterations && Number.isFinite(here.value); iteration++) {
    signal?.throwIfAborted();
    const g = here.gradient;
    if (Math.max(...g.map(Math.abs)) <= gradientTolerance * Math.max(1, Math.abs(here.value))) {
      converged = true;
      break;
    }
    let direction = h.map((row) => -dot(row, g));
    if (dot(direction, g) >= 0) {
      // Not a descent direction: start the curvature estimate again.
      h = identity();
      direction = g.map((gi) => -gi);
    }
    const slope = dot(direction, g);
    // No parameter moves by more than a factor e in one step: a long first step along a steep
    // gradient can carry the search onto a flat ridge far from the maximum.
    let step = Math.min(1, 1 / Math.max(...direction.map(Math.abs)));
    let next = x;
    let there: ValueAndGradient | null = null;
    for (let halving = 0; halving < 60; halving++) {
      next = x.map((xi, i) => xi + step * (direction[i] ?? 0));
      const candidate = at(next);
      if (candidate.value <= here.value + 1e-4 * step * slope) {
        there = candidate;
        break;
      }
      step /= 2;
    }
    if (!there) break;
    const s = next.map((xi, i) => xi - (x[i] ?? 0));
    const y = there.gradient.map((gi, i) => gi - (g[i] ?? 0));
    const sy = dot(s, y);
    if (sy > 1e-12) {
      // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
      const rho = 1 / sy;
      const hy = h.map((row) => dot(row, y));
      const yhy = dot(y, hy);
      h = h.map((row, i) =>
        row.map(
          (hij, j) =>
            hij -
            rho * ((hy[i] ?? 0) * (s[j] ?? 0) + (s[i] ?? 0) * (hy[j] ?? 0)) +
            (rho * rho * yhy + rho) * (s[i] ?? 0) * (s[j] ?? 0),
        ),
      );
    }
    x = next;
    here = there;
  }
  return { at: x, value: here.value, evaluations, converged };
}

/**
 * The minimum over several starting points by BFGS; where the best run did not meet the gradient
 * tolerance (a flat or ragged stretch), Nelder–Mead goes on from its end. `converged` says
 * whether the result met a tolerance (assertConverged).
 */
export function minimizeWithGradient(
  fg: (x: readonly number[]) => ValueAndGradient,
  starts: readonly (readonly number[])[],
  options: GradientOptions & MinimizeOptions = {},
): Minimum {
  let best: Minimum | null = null;
  let evaluations = 0;
  for (const start of starts) {
    const found = bfgs(fg, start, options);
    evaluations += found.evaluations;
    if (!best || found.value < best.value || (found.value === best.value && found.converged)) best = found;
  }
  if (!best) throw new RangeError('no starting point');
  if (!best.converged) {
    const polished = nelderMead((x) => fg(x).value, best.at, options);
    evaluations += polished.evaluations;
    best = polished;
  }
  return { ...best, evaluations };
}

/**
 * Parameters beyond e^±15 (3·10⁻⁷ … 3·10⁶) mean the likelihood has no maximum inside the model:
 * the data cannot tell the parameters apart (a handful of customers, say), and what such a fit
 * predicts means nothing.
 */
export const MAX_LOG_PARAM = 15;

export interface MaximumLikelihood {
  /** The estimate, in the parameters themselves. */
  readonly at: readonly number[];
  readonly standardErrors: readonly (number | null)[];
  readonly logLikelihood: number;
  readonly evaluations: number;
}

/**
 * A maximum-likelihood fit of positive parameters: `negativeLogLikelihood` takes the parameters
 * and gives its value and its gradient in their logarithms, where the search runs (from `starts`,
 * in logarithms). A parameter that runs off beyond MAX_LOG_PARAM calls `unidentified`; a search
 * that does not converge is an error (assertConverged).
 */
export function maximumLikelihood(
  negativeLogLikelihood: (params: readonly number[]) => ValueAndGradient,
  starts: readonly (readonly number[])[],
  { signal, unidentified }: { readonly signal?: AbortSignal | undefined; readonly unidentified: () => never },
): MaximumLikelihood {
  const minimum = minimizeWithGradient((logs) => negativeLogLikelihood(logs.map(Math.exp)), starts, { signal });
  if (minimum.at.some((log) => Math.abs(log) > MAX_LOG_PARAM) || !Number.isFinite(minimum.value)) unidentified();
  assertConverged(minimum);
  const at = minimum.at.map(Math.exp);
  return {
    at,
    standardErrors: standardErrors((logs) => negativeLogLikelihood(logs.map(Math.exp)), minimum.at),
    logLikelihood: -minimum.value,
    evaluations: minimum.evaluations,
  };
}

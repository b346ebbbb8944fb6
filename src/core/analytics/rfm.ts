// RFM: recency, frequency and monetary value scored 1–5 by quintile among the company's customers,
// and named segments from the recency and frequency scores by rules an admin can adjust. The rules
// are checked to name a segment for every pair of scores, so no customer is left without one.
import { segmentRulesSchema, segments, type SegmentName, type SegmentRule } from '../../shared/contract';
import { AppError } from '../../shared/errors';

export const SEGMENTS = segments;
export type Segment = SegmentName;

export { segmentRuleSchema, segmentRulesSchema, type SegmentRule } from '../../shared/contract';

/**
 * The default rules, on the grid of recency (5 = bought most recently) by frequency:
 *
 *         F1  F2  F3  F4  F5      C  champions            N  new
 *    R5   N   P   P   C   C       P  potential loyalists  H  hibernating
 *    R4   N   P   P   C   C       L  loyal                X  lost
 *    R3   H   H   L   L   L       A  at risk              K  can't lose them
 *    R2   H   H   A   A   A
 *    R1   X   X   A   K   K
 */
export const DEFAULT_SEGMENT_RULES: readonly SegmentRule[] = [
  { segment: 'champions', recency: [4, 5], frequency: [4, 5] },
  { segment: 'potentialLoyalists', recency: [4, 5], frequency: [2, 3] },
  { segment: 'new', recency: [4, 5], frequency: [1, 1] },
  { segment: 'loyal', recency: [3, 3], frequency: [3, 5] },
  { segment: 'cantLoseThem', recency: [1, 1], frequency: [4, 5] },
  { segment: 'atRisk', recency: [1, 2], frequency: [3, 5] },
  { segment: 'hibernating', recency: [2, 3], frequency: [1, 2] },
  { segment: 'lost', recency: [1, 1], frequency: [1, 2] },
];

const inRange = (score: number, [lo, hi]: readonly [number, number]) => score >= lo && score <= hi;

/** Refuses rules that leave a pair of scores without a segment, naming the first such pair. */
export function checkSegmentRules(input: unknown): SegmentRule[] {
  const rules = segmentRulesSchema.parse(input);
  for (let recency = 1; recency <= 5; recency++) {
    for (let frequency = 1; frequency <= 5; frequency++) {
      if (!rules.some((rule) => inRange(recency, rule.recency) && inRange(frequency, rule.frequency))) {
        throw new AppError(
          'validation',
          `the rules give customers with recency ${recency} and frequency ${frequency} no segment`,
          {
            reason: 'rfm_rules_gap',
            recency,
            frequency,
          },
        );
      }
    }
  }
  return rules;
}

export interface RfmInput {
  readonly customer: string;
  /** Days since the last purchase. */
  readonly daysSinceLast: number;
  /** Purchases (days with a purchase). */
  readonly purchases: number;
  /** Revenue, in any one unit. */
  readonly revenue: number;
}

export interface RfmScore {
  readonly customer: string;
  readonly recency: number;
  readonly frequency: number;
  readonly monetary: number;
  readonly segment: Segment;
}

/**
 * Scores 1–5 by quintile of `value` (higher is better); equal values get equal scores: a value's
 * score counts the customers strictly worse than it.
 */
function quintiles(values: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  const n = values.length;
  return values.map((value) => {
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sorted[mid] as number) < value) lo = mid + 1;
      else hi = mid;
    }
    return 1 + Math.min(4, Math.floor((5 * lo) / n));
  });
}

export function rfmScores(
  customers: readonly RfmInput[],
  rules: readonly SegmentRule[] = DEFAULT_SEGMENT_RULES,
): RfmScore[] {
  // Fewer days since the last purchase is better.
  const recency = quintiles(customers.map((c) => -c.daysSinceLast));
  const frequency = quintiles(customers.map((c) => c.purchases));
  const monetary = quintiles(customers.map((c) => c.revenue));
  // The segment of each pair of scores, looked up once: grid[5 · (r − 1) + f − 1].
  const grid = Array.from({ length: 25 }, (_, k): Segment => {
    const rule = rules.find(
      (candidate) => inRange(1 + Math.floor(k / 5), candidate.recency) && inRange(1 + (k % 5), candidate.frequency),
    );
    return rule?.segment ?? 'lost';
  });
  return customers.map((c, i) => {
    const r = recency[i] as number;
    const f = frequency[i] as number;
    return {
      customer: c.customer,
      recency: r,
      frequency: f,
      monetary: monetary[i] as number,
      segment: grid[5 * (r - 1) + f - 1] ?? 'lost',
    };
  });
}

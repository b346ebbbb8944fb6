// RFM scores and segments, cohort retention and the holdout check: by hand-made cases, by
// properties, and on the CDNOW sample.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { cdnowPurchases } from './cdnow.testing';
import { cohortRetention } from './cohorts';
import { holdoutCheck } from './holdout';
import { fitBgNbd } from './bgnbd';
import { civilDay, dayNumber, ledgerOf, summarizeLedger } from './summary';
import { checkSegmentRules, DEFAULT_SEGMENT_RULES, rfmScores, SEGMENTS, type RfmInput } from './rfm';

const customer = (i: number, daysSinceLast: number, purchases: number, revenue: number): RfmInput => ({
  customer: `c${i}`,
  daysSinceLast,
  purchases,
  revenue,
});

describe('RFM', () => {
  it('scores by quintile, the most recent, frequent and valuable highest; equal values alike', () => {
    const ten = Array.from({ length: 10 }, (_, i) => customer(i, 100 - i * 10, i + 1, (i + 1) * 50));
    const scores = rfmScores(ten);
    expect(scores.map((s) => s.recency)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(scores.map((s) => s.frequency)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(scores.map((s) => s.monetary)).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    expect(scores.at(-1)?.segment).toBe('champions');
    expect(scores[0]?.segment).toBe('lost');
    const alike = rfmScores([customer(1, 5, 1, 10), customer(2, 5, 1, 10)]);
    expect(alike[0]).toMatchObject({ recency: alike[1]?.recency, frequency: alike[1]?.frequency });
  });

  it('names the segments of the default grid', () => {
    // Five customers per score step: recency and frequency chosen per cell.
    const at = (r: number, f: number) => {
      const people = Array.from({ length: 25 }, (_, i) =>
        customer(i, 100 - (Math.floor(i / 5) + 1) * 10, (i % 5) + 1, 1),
      );
      const score = rfmScores(people).find((s) => s.recency === r && s.frequency === f);
      return score?.segment;
    };
    expect(at(5, 5)).toBe('champions');
    expect(at(5, 1)).toBe('new');
    expect(at(4, 3)).toBe('potentialLoyalists');
    expect(at(3, 4)).toBe('loyal');
    expect(at(2, 4)).toBe('atRisk');
    expect(at(1, 5)).toBe('cantLoseThem');
    expect(at(2, 1)).toBe('hibernating');
    expect(at(1, 1)).toBe('lost');
  });

  it('gives every customer scores of 1 to 5 and a segment, higher values never a lower score (property)', () => {
    const input = fc.array(
      fc.record({
        daysSinceLast: fc.integer({ min: 0, max: 3000 }),
        purchases: fc.integer({ min: 1, max: 200 }),
        revenue: fc.double({ min: 0.01, max: 1e6, noNaN: true }),
      }),
      { minLength: 1, maxLength: 60 },
    );
    fc.assert(
      fc.property(input, (list) => {
        const people = list.map((c, i) => ({ customer: `c${i}`, ...c }));
        const scores = rfmScores(people);
        for (const [i, s] of scores.entries()) {
          for (const score of [s.recency, s.frequency, s.monetary]) expect(score >= 1 && score <= 5).toBe(true);
          expect(SEGMENTS).toContain(s.segment);
          for (const [j, t] of scores.entries()) {
            const [a, b] = [people[i], people[j]];
            if (!a || !b) continue;
            if (a.revenue > b.revenue) expect(s.monetary).toBeGreaterThanOrEqual(t.monetary);
            if (a.daysSinceLast < b.daysSinceLast) expect(s.recency).toBeGreaterThanOrEqual(t.recency);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('takes adjusted rules only when they name a segment for every pair of scores', () => {
    expect(checkSegmentRules(DEFAULT_SEGMENT_RULES)).toHaveLength(DEFAULT_SEGMENT_RULES.length);
    const gap = DEFAULT_SEGMENT_RULES.filter((rule) => rule.segment !== 'lost');
    try {
      checkSegmentRules(gap);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).details).toMatchObject({ reason: 'rfm_rules_gap', recency: 1, frequency: 1 });
    }
    expect(() => checkSegmentRules([{ segment: 'champions', recency: [5, 1], frequency: [1, 5] }])).toThrow();
    expect(() => checkSegmentRules([{ segment: 'vip', recency: [1, 5], frequency: [1, 5] }])).toThrow();
    // One rule for everybody is a valid, if dull, choice.
    const one = checkSegmentRules([{ segment: 'loyal', recency: [1, 5], frequency: [1, 5] }]);
    expect(rfmScores([customer(1, 3, 2, 5)], one)[0]?.segment).toBe('loyal');
  });
});

describe('cohort retention', () => {
  it('counts each cohort’s buyers per month since its first', () => {
    const cohorts = cohortRetention(
      ledgerOf([
        { customer: 'a', date: '2026-01-05', amount: 1 },
        { customer: 'a', date: '2026-01-20', amount: 1 },
        { customer: 'a', date: '2026-03-01', amount: 1 },
        { customer: 'b', date: '2026-01-31', amount: 1 },
        { customer: 'b', date: '2026-02-01', amount: 1 },
        { customer: 'c', date: '2026-02-14', amount: 1 },
      ]),
    );
    expect(cohorts).toEqual([
      { month: '2026-01', customers: 2, active: [2, 1, 1], share: [1, 0.5, 0.5] },
      { month: '2026-02', customers: 1, active: [1, 0], share: [1, 0] },
    ]);
  });

  it('counts a customer once a month, in any order, across years and up to an end (property)', () => {
    const purchase = fc.record({
      customer: fc.constantFrom('a', 'b', 'c', 'd'),
      date: fc.date({ min: new Date('2024-11-01'), max: new Date('2026-02-28'), noInvalidDate: true }),
    });
    fc.assert(
      fc.property(fc.array(purchase, { minLength: 1, maxLength: 40 }), fc.boolean(), (drawn, cut) => {
        const purchases = drawn.map((p) => ({ ...p, date: p.date.toISOString().slice(0, 10), amount: 1 }));
        const end = cut ? '2025-06-30' : '2099-12-31';
        // By hand: each customer's months, and her cohort the first of them.
        const months = new Map<string, Set<string>>();
        for (const p of purchases.filter((p) => p.date <= end)) {
          months.set(p.customer, (months.get(p.customer) ?? new Set()).add(p.date.slice(0, 7)));
        }
        const index = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
        const all = [...months.values()].flatMap((own) => [...own].map(index));
        const expected = new Map<number, number[]>();
        for (const own of months.values()) {
          const first = Math.min(...[...own].map(index));
          const active = expected.get(first) ?? new Array<number>(Math.max(...all) - first + 1).fill(0);
          for (const m of own) active[index(m) - first] = (active[index(m) - first] ?? 0) + 1;
          expected.set(first, active);
        }
        const cohorts = cohortRetention(ledgerOf(purchases), dayNumber(end));
        expect(cohorts.map((c) => [index(c.month), c.active])).toEqual([...expected].sort(([p], [q]) => p - q));
      }),
    );
  });

  it('covers every CDNOW customer in the three cohorts of 1997’s first quarter', () => {
    const cohorts = cohortRetention(ledgerOf(cdnowPurchases()));
    expect(cohorts.map((c) => c.month)).toEqual(['1997-01', '1997-02', '1997-03']);
    expect(cohorts.reduce((s, c) => s + c.customers, 0)).toBe(2357);
    for (const cohort of cohorts) {
      expect(cohort.share[0]).toBe(1);
      expect(cohort.share.every((share) => share >= 0 && share <= 1)).toBe(true);
    }
    // January's cohort is followed to June 1998: 18 months.
    expect(cohorts[0]?.active).toHaveLength(18);
  });
});

describe('days of dates', () => {
  it('are the days since 1970 of the Gregorian calendar, leap years and centuries included (property)', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-01'), max: new Date('9999-12-31'), noInvalidDate: true }), (d) => {
        const date = d.toISOString().slice(0, 10);
        expect(civilDay(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())).toBe(dayNumber(date));
      }),
    );
    expect(civilDay(1970, 1, 1)).toBe(0);
    expect(civilDay(2000, 2, 29)).toBe(dayNumber('2000-02-29'));
    expect(civilDay(2100, 3, 1) - civilDay(2100, 2, 28)).toBe(1);
  });
});

describe('holdout check', () => {
  it('predicts CDNOW’s purchases in the 39 weeks after calibration, per bucket and in total', () => {
    const result = holdoutCheck(ledgerOf(cdnowPurchases()), {
      calibrationEnd: '1997-09-30',
      holdoutEnd: '1998-06-30',
      unit: 'week',
    });
    expect(result.length).toBeCloseTo(39, 0);
    expect(result.buckets.reduce((s, b) => s + b.customers, 0)).toBe(2357);
    // 1,882 purchase days in the holdout, 1,653 predicted: the model is known to under-predict the
    // customers with one or two repeat purchases a little here (their buckets: 0.52 vs 0.70, 1.04 vs 1.39).
    expect(result.actualTotal).toBe(1882);
    // The same from the purchases in any order (here the last first).
    const reversed = holdoutCheck(ledgerOf(cdnowPurchases().reverse()), {
      calibrationEnd: '1997-09-30',
      holdoutEnd: '1998-06-30',
      unit: 'week',
    });
    expect(reversed.buckets.map((b) => b.actual)).toEqual(result.buckets.map((b) => b.actual));
    expect(Math.abs(result.predictedTotal - result.actualTotal) / result.actualTotal).toBeLessThan(0.15);
    // The customers who bought most before buy most after, predicted and actual alike.
    const [none, ...rest] = result.buckets;
    expect(none?.predicted).toBeLessThan(rest.at(-1)?.predicted ?? 0);
    expect(none?.actual).toBeLessThan(rest.at(-1)?.actual ?? 0);
    expect(result.meanAbsoluteError).toBeGreaterThan(0);
    expect(result.meanAbsoluteError).toBeLessThan(1);
  });

  it('finds the same fit from the full data’s fit as from the usual starting points, in fewer steps', () => {
    const ledger = ledgerOf(cdnowPurchases());
    const period = { calibrationEnd: '1997-09-30', holdoutEnd: '1998-06-30', unit: 'week' } as const;
    const cold = holdoutCheck(ledger, period);
    const full = fitBgNbd(summarizeLedger(ledger, { calibrationEnd: '1998-06-30', unit: 'week' }));
    const warm = holdoutCheck(ledger, { ...period, near: full.params });
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      expect(warm.fit.params[key]).toBeCloseTo(cold.fit.params[key], 4);
    }
    expect(warm.fit.logLikelihood).toBeCloseTo(cold.fit.logLikelihood, 6);
    expect(warm.fit.evaluations).toBeLessThan(cold.fit.evaluations / 2);
    expect(warm.predictedTotal).toBeCloseTo(cold.predictedTotal, 3);
  });
});

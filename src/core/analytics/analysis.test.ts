// A whole analysis as the refresh runs it, on CDNOW and with refunds.
import { describe, expect, it } from 'vitest';
import { analyze } from './analysis';
import { runAnalysisTask, sliceSummaries } from './analysis-task';
import { cdnowPurchases } from './cdnow.testing';
import { SEGMENTS } from './rfm';
import { ledgerOf, type Purchase } from './summary';

describe('an analysis of a company’s purchases', () => {
  it('scores every CDNOW customer with finite numbers and a segment', () => {
    const analysis = analyze(ledgerOf(cdnowPurchases()), { asOf: '1998-06-30', unit: 'week' });
    expect(analysis.customers).toHaveLength(2357);
    expect(analysis.gammaGamma).not.toBeNull();
    expect(analysis.spendExcluded).toBe(0);
    for (const c of analysis.customers) {
      expect(c.pAlive >= 0 && c.pAlive <= 1).toBe(true);
      expect(c.churnRisk).toBeCloseTo(1 - c.pAlive, 12);
      expect(Number.isFinite(c.expectedPurchases) && c.expectedPurchases >= 0).toBe(true);
      expect(c.clv !== null && Number.isFinite(c.clv) && c.clv >= 0).toBe(true);
      expect(SEGMENTS).toContain(c.rfm.segment);
    }
    expect(analysis.cohorts.map((c) => c.month)).toEqual(['1997-01', '1997-02', '1997-03']);
    // The most valuable customers are the ones who bought often and lately.
    const [best] = [...analysis.customers].sort((p, q) => (q.clv ?? 0) - (p.clv ?? 0));
    expect(best?.rfm.frequency).toBe(5);
  });

  it('leaves a customer whose repeat purchases were refunded out of the spend model, and says so', () => {
    const refunded: Purchase[] = [
      { customer: 'refund', date: '1997-03-01', amount: 20 },
      { customer: 'refund', date: '1997-04-01', amount: 30 },
      { customer: 'refund', date: '1997-04-02', amount: -30 },
    ];
    const analysis = analyze(ledgerOf([...cdnowPurchases(), ...refunded]), { asOf: '1998-06-30', unit: 'week' });
    expect(analysis.spendExcluded).toBe(1);
    const customer = analysis.customers.find((c) => c.customer === 'refund');
    expect(customer).toMatchObject({ x: 2, expectedSpend: null, clv: null });
    expect(Number.isFinite(customer?.pAlive)).toBe(true);
  });

  it('scores purchases without a spend model when fewer than two customers bought again for money', () => {
    // CDNOW with every amount but customer 1's set to zero (free samples, say).
    const free = cdnowPurchases().map((p) => (p.customer === '0001' ? p : { ...p, amount: 0 }));
    const analysis = analyze(ledgerOf(free), { asOf: '1998-06-30', unit: 'week' });
    expect(analysis.gammaGamma).toBeNull();
    // Up to June 1998, 1,139 customers bought again; all but customer 1 for nothing.
    expect(analysis.spendExcluded).toBe(1138);
    expect(analysis.customers.every((c) => c.expectedSpend === null && c.clv === null)).toBe(true);
    expect(analysis.customers.every((c) => Number.isFinite(c.pAlive))).toBe(true);
  });
});

describe('an analysis in parts, as the refresh runs it on two workers', () => {
  it('scores each customer exactly as the whole analysis does, whichever part she is in', () => {
    const ledger = ledgerOf(cdnowPurchases());
    const options = { asOf: '1998-06-30', unit: 'week' } as const;
    const whole = analyze(ledger, options);
    const model = runAnalysisTask({ kind: 'model', ledger, ...options });
    if (model.kind !== 'model') throw new Error('not a model');
    // The purchase model, fitted on its own worker, is the whole analysis's.
    const repeat = runAnalysisTask({ kind: 'repeat', ledger, ...options });
    expect(repeat).toEqual({ kind: 'repeat', bgnbd: whole.bgnbd });
    const n = model.summaries.at.length;
    const parts = [
      [0, 1000],
      [1000, n],
    ].map(([from, to]) =>
      runAnalysisTask({
        kind: 'scores',
        customers: sliceSummaries(model.summaries, from ?? 0, to ?? 0),
        bgnbd: whole.bgnbd.params,
        gammaGamma: model.gammaGamma?.params ?? null,
        unit: 'week',
        horizonMonths: 12,
        monthlyDiscount: 0.01,
        margin: 1,
      }),
    );
    whole.customers.forEach((c, i) => {
      const part = parts[i < 1000 ? 0 : 1];
      const k = i < 1000 ? i : i - 1000;
      if (part?.kind !== 'scores') throw new Error('not scores');
      expect(model.summaries.at[i]).toBe(c.at);
      expect(part.pAlive[k]).toBe(c.pAlive);
      expect(part.expectedPurchases[k]).toBe(c.expectedPurchases);
      expect(Number.isNaN(part.clv[k] ?? 0) ? null : part.clv[k]).toBe(c.clv);
      expect(SEGMENTS[model.rfm.segment[i] ?? 0]).toBe(c.rfm.segment);
    });
  });
});

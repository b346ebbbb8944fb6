// Analytics through the router, on both dialects, from the ledger: the CDNOW sample imported as
// sales gives the published model results; a refresh scores every customer on the worker thread,
// stores the run and its scores, reports progress, can be cancelled; a ledger that cannot be
// modelled says so plainly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnalyticsBreakdown, AnalyticsRun, CustomerScoreRow, FitResult } from '../../shared/contract';
import { AppError, type Result } from '../../shared/errors';
import { openTestKontor, testDialects, type TestKontor, value } from '../db/testing';
import { together } from './analytics.service';
import { CDNOW_SAMPLE_PATH, equalToDigits, PUBLISHED } from './cdnow.testing';

describe.each(testDialects)('analytics on %s', (dialect) => {
  let kontor: TestKontor;
  const warnings: string[] = [];
  const call = <T>(name: string, input: unknown) => kontor.call(name, input) as Promise<Result<T>>;

  beforeAll(async () => {
    kontor = await openTestKontor(dialect, {
      logger: { error: () => undefined, warn: (message) => void warnings.push(message) },
    });
  });
  afterAll(async () => {
    await kontor.dispose();
    // The models ran on the worker thread, not on the main one.
    expect(warnings.filter((w) => w.includes('main thread'))).toEqual([]);
  });

  it('says there is nothing to analyse before any sale, and that no analysis is stored', async () => {
    expect(await call('analytics.fit', {})).toMatchObject({
      ok: false,
      error: { code: 'validation', details: { reason: 'analytics_no_sales' } },
    });
    expect(value(await call('analytics.status', {}))).toBeNull();
    expect(await call('analytics.customers', {})).toMatchObject({
      ok: false,
      error: { code: 'not_found', details: { reason: 'analytics_not_computed' } },
    });
  });

  it('fits the published BG/NBD and Gamma-Gamma parameters on the CDNOW sample imported as sales', async () => {
    const fileId = kontor.files.grant('test-admin', CDNOW_SAMPLE_PATH, 'read');
    value(await call('sales.import', { fileId, format: 'cdnow', createCustomers: true }));
    const fit = value(await call<FitResult>('analytics.fit', { calibrationEnd: '1997-09-30', unit: 'week' }));
    expect(fit).toMatchObject({ customers: 2357, repeatCustomers: 946, currency: 'USD', unit: 'week' });
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      expect(equalToDigits(fit.bgnbd[key], PUBLISHED.bgnbd[key], 3), `${key}: ${fit.bgnbd[key]}`).toBe(true);
    }
    expect(Math.abs(fit.bgnbd.logLikelihood - PUBLISHED.bgnbd.logLikelihood)).toBeLessThanOrEqual(0.1);
    for (const key of ['p', 'q', 'v'] as const) {
      const got = fit.gammaGamma?.[key] ?? 0;
      expect(equalToDigits(got, PUBLISHED.gammaGamma[key], 3), `${key}: ${got}`).toBe(true);
    }
    expect(fit.bgnbd.standardErrors.r).toBeGreaterThan(0);
  });

  it('refreshes on a worker with progress, stores the run and every customer’s scores, and lists them', async () => {
    const stages: string[] = [];
    const run = value(
      (await kontor.router.call(
        'analytics.refresh',
        { asOf: '1998-06-30', horizonMonths: 12 },
        { meta: { connection: 'test-admin' }, onProgress: (p) => stages.push(p.message ?? '') },
      )) as Result<AnalyticsRun>,
    );
    // The two models are fitted at once, on two workers: progress moves forward through the stages,
    // skipping one whose turn came while the other worker was further on.
    const order = ['ledger', 'summaries', 'bgnbd', 'gammaGamma', 'cohorts', 'scores', 'store', 'done'];
    expect(stages.map((stage) => order.indexOf(stage))).toEqual(
      [...new Set(stages.map((stage) => order.indexOf(stage)))].sort((p, q) => p - q),
    );
    expect(stages.slice(0, 2)).toEqual(['ledger', 'summaries']);
    expect(stages.slice(-3)).toEqual(['scores', 'store', 'done']);
    expect(run).toMatchObject({ customers: 2357, transactions: 6919, currency: 'USD', asOf: '1998-06-30' });
    expect(Object.values(run.segments).reduce((s, n) => s + n, 0)).toBe(2357);
    expect(run.cohorts.map((c) => c.month)).toEqual(['1997-01', '1997-02', '1997-03']);
    expect(run.holdout?.buckets.length).toBe(8);
    // CDNOW's purchases run from January 1997 to June 1998: 18 months of revenue, summing to the ledger's.
    expect(run.revenueByMonth.map((m) => m.month)).toHaveLength(18);
    expect(run.revenueByMonth[0]?.month).toBe('1997-01');
    expect(run.clvDistribution.reduce((sum, band) => sum + band.customers, 0)).toBe(2357);
    expect(run.holdout?.meanAbsoluteError).toBeGreaterThan(0);
    expect(value(await call('analytics.status', {}))).toEqual(run);

    const top = value(await call<{ items: CustomerScoreRow[] }>('analytics.customers', { sort: 'clv', limit: 5 }));
    expect(top.items).toHaveLength(5);
    const clvs = top.items.map((c) => c.clv ?? 0);
    expect(clvs).toEqual([...clvs].sort((p, q) => q - p));
    expect(top.items[0]).toMatchObject({ number: expect.any(String), segment: expect.any(String) });
    const first = top.items[0];
    const one = value(
      await call<{ score: CustomerScoreRow } | null>('analytics.customer', { customerId: first?.customerId }),
    );
    expect(one?.score).toEqual(first);
    expect(value(await call('analytics.customer', { customerId: '00000000-0000-4000-8000-000000000000' }))).toBeNull();
    const leaving = value(
      await call<{ items: CustomerScoreRow[] }>('analytics.customers', { sort: 'churn', limit: 3 }),
    );
    expect(leaving.items.every((c) => c.churnRisk >= 0.5)).toBe(true);
    const atRisk = value(
      await call<{ items: CustomerScoreRow[] }>('analytics.customers', { sort: 'valueAtRisk', limit: 10 }),
    );
    const risk = atRisk.items.map((c) => c.revenue * c.churnRisk);
    expect(risk).toEqual([...risk].sort((p, q) => q - p));
    const lost = value(
      await call<{ items: CustomerScoreRow[] }>('analytics.customers', { segment: 'lost', limit: 1000 }),
    );
    expect(lost.items.length).toBe(run.segments.lost);
  });

  it('breaks the last run down for one owner or one tag', async () => {
    const top = value(await call<{ items: CustomerScoreRow[] }>('analytics.customers', { sort: 'clv', limit: 3 }));
    const ids = top.items.map((c) => c.customerId);
    value(await call('customers.bulk', { ids, action: { kind: 'addTags', tags: ['VIP'] } }));
    const [owner] = value(await call<{ id: string }[]>('customers.owners', {}));
    value(await call('customers.bulk', { ids: ids.slice(0, 2), action: { kind: 'owner', ownerId: owner?.id } }));
    const vip = value(await call<AnalyticsBreakdown>('analytics.breakdown', { tag: 'vip' }));
    expect(vip.customers).toBe(3);
    expect(vip.clvDistribution.reduce((sum, band) => sum + band.customers, 0)).toBe(3);
    const mine = value(await call<AnalyticsBreakdown>('analytics.breakdown', { ownerId: owner?.id, tag: 'VIP' }));
    expect(mine.customers).toBe(2);
    const listed = value(
      await call<{ items: CustomerScoreRow[] }>('analytics.customers', { tag: 'VIP', sort: 'clv', limit: 10 }),
    );
    expect(listed.items.map((c) => c.customerId)).toEqual(ids);
    const all = value(await call<AnalyticsBreakdown>('analytics.breakdown', {}));
    expect(all.customers).toBe(2357);
  });

  it('stops a refresh when cancelled and keeps the stored run as it was', async () => {
    const before = value(await call<AnalyticsRun>('analytics.status', {}));
    const controller = new AbortController();
    const pending = kontor.router.call(
      'analytics.refresh',
      { asOf: '1998-06-30', unit: 'day' },
      {
        meta: { connection: 'test-admin' },
        signal: controller.signal,
        onProgress: (p) => p.message === 'summaries' && controller.abort(),
      },
    );
    expect(await pending).toMatchObject({ ok: false, error: { details: { reason: 'cancelled' } } });
    expect(value(await call<AnalyticsRun>('analytics.status', {}))).toEqual(before);
  });

  it('keeps the company’s segment rules: a gap is refused, the next refresh uses them, null restores the defaults', async () => {
    const defaults = value(await call<{ isDefault: boolean }>('analytics.segmentRules', {}));
    expect(defaults.isDefault).toBe(true);
    const gap = await call('analytics.setSegmentRules', {
      rules: [{ segment: 'loyal', recency: [1, 5], frequency: [2, 5] }],
    });
    expect(gap).toMatchObject({ ok: false, error: { details: { reason: 'rfm_rules_gap' } } });
    const one = [{ segment: 'loyal', recency: [1, 5], frequency: [1, 5] }];
    expect(value(await call('analytics.setSegmentRules', { rules: one }))).toEqual({ rules: one, isDefault: false });
    const run = value(await call<AnalyticsRun>('analytics.refresh', { asOf: '1998-06-30' }));
    expect(run.segments.loyal).toBe(2357);
    expect(value(await call<{ isDefault: boolean }>('analytics.setSegmentRules', { rules: null })).isDefault).toBe(
      true,
    );
  });
});

describe('two analysis tasks together', () => {
  const cancelled = () => new AppError('conflict', 'analysis cancelled; nothing was changed', { reason: 'cancelled' });
  const refused = new AppError('validation', 'no customer bought a second time', { reason: 'analytics_no_repeat' });

  it('gives both results, or the failure that says why rather than the cancel it caused', async () => {
    await expect(together(Promise.resolve(1), Promise.resolve('b'))).resolves.toEqual([1, 'b']);
    // The other task's cancel may come first: the reason still wins.
    await expect(together(Promise.reject(cancelled()), Promise.reject(refused))).rejects.toBe(refused);
    await expect(together(Promise.reject(refused), Promise.resolve(2))).rejects.toBe(refused);
    // A cancel by the user cancels both: that is what it says.
    await expect(together(Promise.reject(cancelled()), Promise.reject(cancelled()))).rejects.toMatchObject({
      details: { reason: 'cancelled' },
    });
  });
});

// @vitest-environment happy-dom
// The analytics dashboard: before the first refresh it says so; a refresh runs and the screen then
// says when the numbers were computed and on how many customers, in the user's language, with the
// customers likeliest to leave one click away and the cohorts as a table.
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnalyticsRun, CustomerScoreRow } from '../../../../shared/contract';
import { renderWithApp, signedIn } from '../../testing/render';
import { AnalyticsScreen } from './AnalyticsScreen';

afterEach(cleanup);

// Recharts measures its container; happy-dom has no layout.
globalThis.ResizeObserver ??= class {
  observe() {}
  unobserve() {}
  disconnect() {}
} as unknown as typeof ResizeObserver;

const run: AnalyticsRun = {
  id: '0190b6a4-7c2e-7000-8000-000000000009',
  computedAt: '2026-12-07T09:30:00.000Z',
  asOf: '2026-12-06',
  unit: 'week',
  currency: 'EUR',
  horizonMonths: 12,
  monthlyDiscount: 0.01,
  margin: 1,
  customers: 2357,
  transactions: 6919,
  otherCurrencies: 0,
  bgnbd: {
    r: 0.24,
    alpha: 4.41,
    a: 0.79,
    b: 2.43,
    logLikelihood: -9582.4,
    standardErrors: { r: 0.01, alpha: 0.2, a: 0.1, b: 0.3 },
  },
  gammaGamma: {
    p: 6.25,
    q: 3.74,
    v: 15.44,
    logLikelihood: -4055.9,
    standardErrors: { p: 0.5, q: 0.2, v: 1 },
    spendCorrelation: 0.11,
  },
  spendExcluded: 0,
  segments: {
    champions: 300,
    loyal: 200,
    potentialLoyalists: 100,
    new: 57,
    atRisk: 500,
    cantLoseThem: 200,
    hibernating: 500,
    lost: 500,
  },
  cohorts: [{ month: '2026-01', customers: 2357, share: [1, 0.25] }],
  revenueByMonth: [
    { month: '2026-01', revenue: 1000 },
    { month: '2026-02', revenue: 1200 },
  ],
  clvDistribution: [{ from: 0, to: 100, customers: 2357 }],
  holdout: null,
  milliseconds: 1200,
};

const leaving: CustomerScoreRow = {
  customerId: '0190b6a4-7c2e-7000-8000-000000000001',
  number: 'K-00042',
  name: 'Abwander GmbH',
  x: 6,
  daysSinceLast: 200,
  revenue: 1240,
  pAlive: 0.18,
  churnRisk: 0.82,
  expectedPurchases: 0.4,
  expectedSpend: 80,
  clv: 30,
  recency: 1,
  frequency: 5,
  monetary: 5,
  segment: 'cantLoseThem',
};

describe('analytics dashboard', () => {
  it('refreshes on request, then says when and on what the numbers were computed, in German', async () => {
    let stored: AnalyticsRun | null = null;
    const { bridge } = await renderWithApp(<AnalyticsScreen />, {
      status: signedIn(['analytics.read']),
      language: 'de',
      answers: {
        'analytics.status': () => stored,
        'analytics.refresh': () => {
          stored = run;
          return run;
        },
        'analytics.customers': () => ({ run, items: [leaving] }),
        'customers.owners': () => [],
        'analytics.breakdown': () => ({
          customers: 12,
          segments: { ...run.segments },
          clvDistribution: [{ from: 0, to: 100, customers: 12 }],
        }),
      },
    });
    expect(await screen.findByText(/Noch nicht berechnet/)).toBeTruthy();
    await userEvent.setup().click(screen.getByRole('button', { name: 'Aktualisieren' }));
    expect(await screen.findByText(/für 2\.357 Kunden und 6\.919 Käufe/)).toBeTruthy();
    expect(bridge.calls.some((c) => c.name === 'analytics.refresh')).toBe(true);

    const atRisk = await screen.findByRole('table', { name: 'Wertvolle Kunden, die am ehesten abwandern' });
    const link = within(atRisk).getByRole('link', { name: 'K-00042 Abwander GmbH' });
    expect(link.getAttribute('href')).toContain('/customers/0190b6a4-7c2e-7000-8000-000000000001');
    expect(within(atRisk).getByText('82 %')).toBeTruthy();
    expect(within(atRisk).getByText('Nicht verlieren')).toBeTruthy();
    const cohorts = screen.getByRole('table', { name: /Kohorten/ });
    expect(within(cohorts).getByText('25 %')).toBeTruthy();
    expect(screen.getByText(/korrelieren mit 0,11/)).toBeTruthy();

    // A tag narrows segments, CLV and churn risk to its customers, in the main process.
    const user = userEvent.setup();
    await user.type(screen.getByRole('textbox', { name: 'Schlagwort' }), 'VIP{Enter}');
    expect(await screen.findByText('Segmente, Kundenwert und Abwanderungsrisiko von 12 Kunden.')).toBeTruthy();
    expect(
      bridge.calls.some((c) => c.name === 'analytics.breakdown' && (c.input as { tag?: string }).tag === 'VIP'),
    ).toBe(true);
    expect(
      bridge.calls.some((c) => c.name === 'analytics.customers' && (c.input as { tag?: string }).tag === 'VIP'),
    ).toBe(true);
  });
});

// @vitest-environment happy-dom
// A customer's sales tab: her scores in plain sentences in the user's language, and her documents
// with their totals; without the analytics permission the scores are not asked for.
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { Customer, Sale, SalePage } from '../../../../shared/contract';
import { renderWithApp, signedIn } from '../../testing/render';
import { CustomerSales } from './CustomerSales';

afterEach(cleanup);

const customer = { id: '0190b6a4-7c2e-7000-8000-000000000001', kind: 'company', name: 'Muster GmbH' } as Customer;

const invoice: Sale = {
  id: '0190b6a4-7c2e-7000-8000-000000000002',
  customerId: customer.id,
  kind: 'invoice',
  number: 'RE-00007',
  date: '2026-11-02',
  currency: 'EUR',
  status: 'paid',
  lines: [{ description: 'Wartung', quantity: '1', unit: null, unitPrice: 100000, vatRate: 1900, net: 100000 }],
  rates: [{ vatRate: 1900, net: 100000, vat: 19000 }],
  net: 100000,
  vat: 19000,
  gross: 119000,
  reverses: null,
  reversedBy: null,
  createdBy: null,
  version: 2,
  createdAt: '2026-11-02T10:00:00.000Z',
  updatedAt: '2026-11-03T10:00:00.000Z',
};
const page: SalePage = {
  items: [invoice],
  totals: [{ kind: 'invoice', currency: 'EUR', count: 1, net: 100000, vat: 19000, gross: 119000 }],
  next: null,
  customers: { [customer.id]: { number: 'K-00001', name: 'Muster GmbH' } },
};
const score = {
  customerId: customer.id,
  number: 'K-00001',
  name: 'Muster GmbH',
  x: 6,
  daysSinceLast: 92,
  revenue: 5000,
  pAlive: 0.82,
  churnRisk: 0.18,
  expectedPurchases: 2,
  expectedSpend: 620,
  clv: 1100,
  recency: 3,
  frequency: 5,
  monetary: 5,
  segment: 'loyal' as const,
};
const run = { computedAt: '2026-12-07T09:00:00.000Z', asOf: '2026-12-06', currency: 'EUR', horizonMonths: 12 };

describe('the sales tab of a customer', () => {
  it('says what the analysis found in one sentence each, and lists the documents with their totals', async () => {
    await renderWithApp(<CustomerSales customer={customer} />, {
      status: signedIn(['customers.read', 'analytics.read']),
      answers: { 'sales.list': () => page, 'analytics.customer': () => ({ run, score }) },
    });
    const sentence = await screen.findByTestId('customer-scores');
    expect(sentence.textContent).toBe(
      'Bought 7 times, last 3 months ago. 82% likely still active. Expected to spend €1,240 in the next 12 months.',
    );
    const row = await screen.findByTestId('sale-row');
    expect(within(row).getByText('RE-00007')).toBeTruthy();
    expect(within(row).getByText('Paid')).toBeTruthy();
    expect(within(row).getByText('€1,190.00')).toBeTruthy();
    expect(screen.getByText('Invoices: 1, net €1,000.00, gross €1,190.00')).toBeTruthy();
  });

  it('writes German and leaves the scores out without the analytics permission', async () => {
    const { bridge } = await renderWithApp(<CustomerSales customer={customer} />, {
      status: signedIn(['customers.read']),
      language: 'de',
      answers: { 'sales.list': () => page },
    });
    expect(await screen.findByText('Rechnungen: 1, netto 1.000,00 €, brutto 1.190,00 €')).toBeTruthy();
    expect(bridge.calls.some((c) => c.name === 'analytics.customer')).toBe(false);
  });
});

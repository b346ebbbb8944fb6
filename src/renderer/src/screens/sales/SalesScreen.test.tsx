// @vitest-environment happy-dom
// The sales list: documents with their customers one click away, the totals of everything the
// filters find, and a filter that asks the main process again.
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sale, SalePage } from '../../../../shared/contract';
import { renderWithApp, signedIn } from '../../testing/render';
import { SalesScreen } from './SalesScreen';

afterEach(cleanup);

const sale: Sale = {
  id: '0190b6a4-7c2e-7000-8000-000000000002',
  customerId: '0190b6a4-7c2e-7000-8000-000000000001',
  kind: 'credit_note',
  number: 'GS-00001',
  date: '2026-11-02',
  currency: 'EUR',
  status: 'issued',
  lines: [{ description: 'Rückgabe', quantity: '-1', unit: null, unitPrice: 5000, vatRate: 1900, net: -5000 }],
  rates: [{ vatRate: 1900, net: -5000, vat: -950 }],
  net: -5000,
  vat: -950,
  gross: -5950,
  reverses: null,
  reversedBy: null,
  createdBy: null,
  version: 1,
  createdAt: '2026-11-02T10:00:00.000Z',
  updatedAt: '2026-11-02T10:00:00.000Z',
};
const page: SalePage = {
  items: [sale],
  totals: [{ kind: 'credit_note', currency: 'EUR', count: 1, net: -5000, vat: -950, gross: -5950 }],
  next: null,
  customers: { [sale.customerId]: { number: 'K-00009', name: 'Retoure KG' } },
};

describe('sales list', () => {
  it('shows each document with its customer and the totals, and filters by number in the main process', async () => {
    const { bridge } = await renderWithApp(<SalesScreen />, {
      status: signedIn(['customers.read']),
      language: 'de',
      answers: { 'sales.list': () => page },
    });
    const row = await screen.findByTestId('sale-row');
    expect(within(row).getByRole('link', { name: 'K-00009 Retoure KG' }).getAttribute('href')).toContain(
      sale.customerId,
    );
    expect(within(row).getByText('Gutschrift')).toBeTruthy();
    expect(within(row).getByText('-59,50 €')).toBeTruthy();
    expect(screen.getByText('Gutschriften: 1, netto -50,00 €, brutto -59,50 €')).toBeTruthy();

    await userEvent.setup().type(screen.getByRole('textbox', { name: 'Nummer' }), 'GS');
    await waitFor(() => expect(bridge.calls.some((c) => (c.input as { number?: string }).number === 'GS')).toBe(true));
  });
});

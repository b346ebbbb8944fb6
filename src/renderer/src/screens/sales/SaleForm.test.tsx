// @vitest-environment happy-dom
// Writing an invoice: typed prices become cents and VAT percentages basis points before anything
// is sent; which actions a document offers follows its kind and status.
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { Customer, Sale } from '../../../../shared/contract';
import { renderWithApp, signedIn } from '../../testing/render';
import { actionsOf, centsOfTyped, SaleForm } from './SaleForm';

afterEach(cleanup);

const customer = { id: '0190b6a4-7c2e-7000-8000-000000000001', currency: 'EUR' } as Customer;

describe('writing a sales document', () => {
  it('reads prices as typed in either convention, to the cent', () => {
    expect(['12,50', '12.50', '1.234,56', '1,234.56', '-3', '0,5'].map(centsOfTyped)).toEqual([
      1250, 1250, 123456, 123456, -300, 50,
    ]);
    // A comma before three digits groups thousands.
    expect(centsOfTyped('12,345')).toBe(1234500);
    expect(centsOfTyped('1.2.3')).toBeNaN();
    expect(centsOfTyped('zwölf')).toBeNaN();
  });

  it('sends lines in cents and basis points, and a bad price goes nowhere', async () => {
    let sent: unknown = null;
    const { bridge } = await renderWithApp(<SaleForm customer={customer} kind="invoice" onClose={() => undefined} />, {
      status: signedIn(['customers.write']),
      answers: {
        'sales.create': (input) => {
          sent = input;
          return { number: 'RE-00001' };
        },
      },
    });
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: 'Description' }), 'Beratung');
    await user.clear(screen.getByRole('textbox', { name: 'Quantity' }));
    await user.type(screen.getByRole('textbox', { name: 'Quantity' }), '1,5');
    await user.type(screen.getByRole('textbox', { name: 'Unit price (net)' }), 'zwölf');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.getByRole('alert')).toBeTruthy());
    expect(bridge.calls.some((c) => c.name === 'sales.create')).toBe(false);

    await user.clear(screen.getByRole('textbox', { name: 'Unit price (net)' }));
    await user.type(screen.getByRole('textbox', { name: 'Unit price (net)' }), '1.200,00');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(sent).not.toBeNull());
    expect(sent).toMatchObject({
      fields: {
        kind: 'invoice',
        customerId: customer.id,
        currency: 'EUR',
        issue: false,
        lines: [{ description: 'Beratung', quantity: '1.5', unitPrice: 120000, vatRate: 1900 }],
      },
    });
  });

  it('offers only what the document’s kind and status allow', () => {
    const sale = (over: Partial<Sale>) => ({ kind: 'invoice', status: 'draft', reversedBy: null, ...over }) as Sale;
    expect(actionsOf(sale({}))).toEqual(['edit', 'issue', 'cancel']);
    expect(actionsOf(sale({ status: 'issued' }))).toEqual(['paid', 'credit']);
    expect(actionsOf(sale({ status: 'paid' }))).toEqual(['unpaid', 'credit']);
    expect(actionsOf(sale({ status: 'cancelled', reversedBy: 'x' }))).toEqual([]);
    expect(actionsOf(sale({ kind: 'order', status: 'issued' }))).toEqual(['cancel']);
    expect(actionsOf(sale({ kind: 'credit_note', status: 'issued' }))).toEqual([]);
  });

  it('changes a draft: the form opens with its lines, and sends its date, currency and lines as changes', async () => {
    const draft = {
      id: '0190b6a4-7c2e-7000-8000-000000000003',
      customerId: customer.id,
      kind: 'order',
      number: null,
      date: '2026-11-02',
      currency: 'EUR',
      status: 'draft',
      lines: [{ description: 'Wartung', quantity: '2', unit: null, unitPrice: 1250, vatRate: 700, net: 2500 }],
      reversedBy: null,
      version: 3,
    } as unknown as Sale;
    let changed: unknown = null;
    await renderWithApp(<SaleForm customer={customer} kind="order" draft={draft} onClose={() => undefined} />, {
      status: signedIn(['customers.write']),
      answers: {
        'sales.update': (input) => {
          changed = input;
          return { ...draft, version: 4 };
        },
      },
    });
    const user = userEvent.setup();
    expect(await screen.findByRole('dialog', { name: 'Change draft (Order)' })).toBeTruthy();
    const price = await screen.findByRole('textbox', { name: 'Unit price (net)' });
    expect((price as HTMLInputElement).value).toBe('12.50');
    await user.clear(price);
    await user.type(price, '13');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(changed).not.toBeNull());
    expect(changed).toMatchObject({
      id: draft.id,
      expectedVersion: 3,
      changes: { lines: [{ description: 'Wartung', quantity: '2', unitPrice: 1300, vatRate: 700 }] },
    });
  });
});

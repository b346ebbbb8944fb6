// @vitest-environment happy-dom
// The customer table: each customer is a link to its own address, counts read with thousands
// separators, and what a user may not do is not offered.
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { Customer } from '../../../../shared/contract';
import { customerFixture } from '../../testing/customers';
import { renderWithApp, signedIn } from '../../testing/render';
import { CustomersScreen } from './CustomersScreen';

const customer = (n: number): Customer =>
  customerFixture({
    id: `0190b6a4-7c2e-7000-8000-${String(n).padStart(12, '0')}`,
    number: `K-${String(n).padStart(5, '0')}`,
    name: `Kunde ${n}`,
    billingAddress: { street: null, postalCode: null, city: 'Kiel', country: 'DE' },
    city: 'Kiel',
    country: 'DE',
  });

const page = { items: [customer(1), customer(2)], total: 60_001, exact: true, limit: 25, position: 0, next: null };
afterEach(cleanup);

describe('customer table', () => {
  it('links each customer to its address, and opens it there', async () => {
    const { location } = await renderWithApp(<CustomersScreen />, {
      status: signedIn(['customers.read', 'customers.write']),
      path: '/customers',
      answers: {
        'customers.list': () => page,
        'customers.get': () => customer(2),
        'customers.history': () => [],
      },
    });
    const link = await screen.findByRole('link', { name: 'Open Kunde 2' });
    expect(link.getAttribute('href')).toBe(`/customers/${customer(2).id}`);
    expect(screen.getByTestId('customer-count').textContent).toBe('60,001 customers');
    await userEvent.setup().click(link);
    expect(location.history?.at(-1)).toBe(`/customers/${customer(2).id}`);
    const dialog = await screen.findByRole('dialog');
    expect(await within(dialog).findByDisplayValue('Kunde 2')).toBeTruthy();
  });

  it('moves between rows with the arrow keys, opens one with Enter, and returns there when it closes', async () => {
    const { location } = await renderWithApp(<CustomersScreen />, {
      status: signedIn(['customers.read']),
      path: '/customers',
      answers: {
        'customers.list': () => page,
        'customers.get': () => customer(2),
        'customers.history': () => [],
        'customers.owners': () => [],
      },
    });
    const user = userEvent.setup();
    const first = await screen.findByRole('link', { name: 'Open Kunde 1' });
    const second = screen.getByRole('link', { name: 'Open Kunde 2' });
    await user.click(screen.getByRole('searchbox', { name: 'Search customers' }));
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(first);
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(second);
    await user.keyboard('{ArrowDown}{Home}');
    expect(document.activeElement).toBe(first);
    await user.keyboard('{ArrowDown}{Enter}');
    expect(location.history?.at(-1)).toBe(`/customers/${customer(2).id}`);
    const dialog = await screen.findByRole('dialog');
    // The dialog's × (first) and, for a reader, its Close button: both are named Close.
    const [closeButton] = within(dialog).getAllByRole('button', { name: 'Close' });
    if (!closeButton) throw new Error('the dialog has no Close button');
    await user.click(closeButton);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('link', { name: 'Open Kunde 2' })));
  });

  it('offers no “New customer” to someone who may only read, and counts in German', async () => {
    await renderWithApp(<CustomersScreen />, {
      status: signedIn(['customers.read']),
      path: '/customers',
      language: 'de',
      answers: { 'customers.list': () => page },
    });
    expect(await screen.findByRole('link', { name: 'Kunde 1 öffnen' })).toBeTruthy();
    expect(screen.getByTestId('customer-count').textContent).toBe('60.001 Kunden');
    expect(screen.queryByRole('link', { name: 'Neuer Kunde' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Neuer Kunde' })).toBeNull();
    expect(
      screen.getByText('Strg+K Befehle · / Suche · ↑↓ Bild↑↓ Pos1 Ende in der Liste · Alt+N neuer Kunde'),
    ).toBeTruthy();
  });

  it('says “about” when a broad search estimated its count', async () => {
    await renderWithApp(<CustomersScreen />, {
      status: signedIn(['customers.read']),
      path: '/customers',
      answers: { 'customers.list': () => ({ ...page, total: 12_400, exact: false }) },
    });
    await screen.findByRole('link', { name: 'Open Kunde 1' });
    expect(screen.getByTestId('customer-count').textContent).toBe('about 12,400 customers');
  });

  it('says “more than” when a very broad search counted only part of its matches', async () => {
    await renderWithApp(<CustomersScreen />, {
      status: signedIn(['customers.read']),
      path: '/customers',
      answers: { 'customers.list': () => ({ ...page, total: 20_000, exact: false, atLeast: true }) },
    });
    await screen.findByRole('link', { name: 'Open Kunde 1' });
    expect(screen.getByTestId('customer-count').textContent).toBe('more than 20,000 customers');
  });

  it('shows a failed load as a translated sentence', async () => {
    const { AppError } = await import('../../../../shared/errors');
    await renderWithApp(<CustomersScreen />, {
      status: signedIn(['customers.read']),
      path: '/customers',
      language: 'de',
      answers: {
        'customers.list': () => {
          throw new AppError('internal', 'connect ECONNREFUSED 127.0.0.1:5432');
        },
      },
    });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(
      'In Kontor ist ein Fehler aufgetreten. Die Einzelheiten stehen in seinem Protokoll.',
    );
  });
});

// @vitest-environment happy-dom
// The customer form: the contract's checks before sending, the main process's field errors on the
// same fields, only changed fields sent, and no silent loss of typed input.
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Customer } from '../../../../shared/contract';
import { AppError } from '../../../../shared/errors';
import { customerFixture } from '../../testing/customers';
import { renderWithApp, signedIn } from '../../testing/render';
import { CustomerForm } from './CustomerForm';

const ada: Customer = customerFixture({
  name: 'Ada Lovelace',
  email: 'ada@example.com',
  billingAddress: { street: null, postalCode: null, city: 'London', country: 'GB' },
  city: 'London',
  country: 'GB',
  version: 3,
  updatedAt: '2026-01-02T00:00:00.000Z',
});

const writer = signedIn(['customers.read', 'customers.write']);
afterEach(cleanup);

describe('customer form', () => {
  it('shows the contract’s field errors before sending, and sends nothing', async () => {
    const { bridge } = await renderWithApp(<CustomerForm customer={null} onClose={() => undefined} />, {
      status: writer,
    });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText(/Email/), 'not-an-email');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Required')).toBeTruthy();
    expect(screen.getByText('Not a valid email address')).toBeTruthy();
    expect(bridge.calls.filter((c) => c.name === 'customers.create')).toEqual([]);
  });

  it('sends only the fields that changed, and puts the main process’s field errors on the fields', async () => {
    const onClose = vi.fn();
    const { bridge } = await renderWithApp(<CustomerForm customer={ada} onClose={onClose} />, {
      status: writer,
      answers: {
        'customers.history': () => [],
        'customers.update': () => {
          throw new AppError('validation', 'invalid', {
            issues: [{ path: 'changes.billingAddress.city', rule: 'max', message: 'too long', params: { max: 120 } }],
          });
        },
      },
    });
    const user = userEvent.setup();
    const city = await screen.findByLabelText('City');
    await user.clear(city);
    await user.type(city, 'Paris');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('At most 120 characters')).toBeTruthy();
    expect(bridge.calls.find((c) => c.name === 'customers.update')?.input).toEqual({
      id: ada.id,
      expectedVersion: 3,
      changes: { billingAddress: { street: null, postalCode: null, city: 'Paris', country: 'GB' } },
    });
    expect(onClose).not.toHaveBeenCalled();
  });

  it('asks before discarding typed input when closed with Escape, and closes at once when nothing was typed', async () => {
    const onClose = vi.fn();
    await renderWithApp(<CustomerForm customer={null} onClose={onClose} />, { status: writer });
    const user = userEvent.setup();
    await user.type(await screen.findByRole('textbox', { name: /^Name/ }), 'Grace');
    await user.keyboard('{Escape}');
    expect(await screen.findByText('Discard your changes?')).toBeTruthy();
    expect(onClose).not.toHaveBeenCalled();
    await user.click(screen.getByRole('button', { name: 'Keep editing' }));
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: /^Name/ }).value).toBe('Grace');
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    await user.click(await screen.findByRole('button', { name: 'Discard' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('is read-only for someone who may only read customers', async () => {
    const onClose = vi.fn();
    await renderWithApp(<CustomerForm customer={ada} onClose={onClose} />, {
      status: signedIn(['customers.read']),
      answers: { 'customers.history': () => [] },
    });
    expect(await screen.findByText('You may look at customers but not change them.')).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Save' })).toBeNull();
    expect(screen.getByLabelText<HTMLInputElement>('City').readOnly).toBe(true);
    const user = userEvent.setup();
    await user.keyboard('{Escape}');
    await waitFor(() => expect(onClose).toHaveBeenCalled());
  });
});

describe('deleting a customer', () => {
  const manager = signedIn(['customers.read', 'customers.write', 'customers.delete']);

  it('deletes after asking, and closes', async () => {
    const onClose = vi.fn();
    const { bridge } = await renderWithApp(<CustomerForm customer={ada} onClose={onClose} />, {
      status: manager,
      answers: { 'customers.history': () => [], 'customers.delete': () => ({ deleted: true }) },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    expect(await screen.findByText(/Only a customer created by mistake can be deleted/)).toBeTruthy();
    await user.click(screen.getByRole('button', { name: 'Delete customer' }));
    await waitFor(() => expect(onClose).toHaveBeenCalled());
    expect(bridge.calls.find((c) => c.name === 'customers.delete')?.input).toEqual({ id: ada.id, expectedVersion: 3 });
  });

  it('explains a refusal: the customer is archived instead', async () => {
    const onClose = vi.fn();
    await renderWithApp(<CustomerForm customer={ada} onClose={onClose} />, {
      status: manager,
      answers: {
        'customers.history': () => [],
        'customers.delete': () => {
          throw new AppError('conflict', 'in use', { reason: 'customer_in_use' });
        },
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Delete' }));
    await user.click(await screen.findByRole('button', { name: 'Delete customer' }));
    expect(await screen.findByText(/Archive it instead/)).toBeTruthy();
    expect(onClose).not.toHaveBeenCalled();
  });

  it('is not offered without the permission', async () => {
    await renderWithApp(<CustomerForm customer={ada} onClose={() => undefined} />, {
      status: writer,
      answers: { 'customers.history': () => [] },
    });
    await screen.findByLabelText('City');
    expect(screen.queryByRole('button', { name: 'Delete' })).toBeNull();
  });
});

// @vitest-environment happy-dom
// Moving a customer in its lifecycle from the form: only the allowed next statuses, never without a
// reason, and the version the user saw goes along (a change by someone else meanwhile is refused).
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { customerFixture } from '../../testing/customers';
import { renderWithApp, signedIn } from '../../testing/render';
import { CustomerStatusMove } from './CustomerStatusMove';

afterEach(cleanup);

describe('customer status move', () => {
  it('offers the allowed next statuses, needs a reason, and sends the version it saw', async () => {
    const lead = customerFixture({ name: 'Lena Lead', status: 'lead', version: 4 });
    const { bridge } = await renderWithApp(<CustomerStatusMove customer={lead} />, {
      status: signedIn(['customers.read', 'customers.write']),
      answers: { 'customers.setStatus': () => ({ ...lead, status: 'prospect', version: 5 }) },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Change status…' }));
    const group = await screen.findByRole('radiogroup', { name: 'From Lead to' });
    const options = [...group.querySelectorAll('input[type=radio]')].map((o) => o.getAttribute('value'));
    expect(options).toEqual(['prospect', 'active', 'archived']);
    await user.click(screen.getByRole('radio', { name: 'Prospect' }));
    const submit = screen.getByRole('button', { name: 'Change status' });
    expect(submit.hasAttribute('disabled')).toBe(true);
    await user.type(screen.getByRole('textbox', { name: /Reason/ }), 'Asked for an offer');
    await user.click(submit);
    await waitFor(() =>
      expect(bridge.calls.find((c) => c.name === 'customers.setStatus')?.input).toEqual({
        id: lead.id,
        status: 'prospect',
        reason: 'Asked for an offer',
        expectedVersion: 4,
      }),
    );
  });
});

// @vitest-environment happy-dom
// Every form checks its input with the procedure's contract before sending (lib/api.ts): the
// company form shows the main process's own field error and sends nothing; a taken name reads as
// a sentence with the name in it.
import { cleanup, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import { renderWithApp, signedIn } from '../../testing/render';
import { CompaniesPanel } from './CompaniesPanel';

afterEach(cleanup);

const muster = { id: 't1', name: 'Muster GmbH', createdAt: '2026-01-01T00:00:00.000Z', archivedAt: null };

describe('companies', () => {
  it('refuses an empty name before sending, and says when a name is taken', async () => {
    const { bridge } = await renderWithApp(<CompaniesPanel />, {
      status: signedIn(['tenants.manage', 'installation.manage']),
      answers: {
        'tenants.list': () => [muster],
        'tenants.setup': () => {
          throw new AppError('conflict', 'a company named Muster GmbH exists already', {
            reason: 'company_name_taken',
            name: 'Muster GmbH',
          });
        },
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'New company' }));
    const dialog = await screen.findByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('Required')).toBeTruthy();
    expect(bridge.calls.filter((c) => c.name === 'tenants.setup')).toEqual([]);

    await user.type(within(dialog).getByLabelText(/Company name/), 'MUSTER GMBH');
    await user.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByText('A company named Muster GmbH exists already.')).toBeTruthy();
  });
});

// @vitest-environment happy-dom
// The users list: a locked-out user can be unlocked, the list refreshes after every action, and a
// refusal shows as a translated sentence; built-in role names read in the user's language.
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { User } from '../../../../shared/contract';
import { AppError } from '../../../../shared/errors';
import { renderWithApp, signedIn } from '../../testing/render';
import { UsersPanel } from './UsersPanel';

afterEach(cleanup);

const user = (over: Partial<User>): User => ({
  id: 'u2',
  email: 'eva@muster.example',
  name: 'Eva',
  roleId: 'clerk',
  roleName: 'Clerk',
  active: true,
  twoFactor: false,
  lockedUntil: null,
  invited: false,
  installationAdmin: false,
  mustChangePassword: false,
  emailVerified: true,
  createdAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('users list', () => {
  it('unlocks a locked-out user and shows the list as it is afterwards', async () => {
    let locked = true;
    const { bridge } = await renderWithApp(<UsersPanel />, {
      status: signedIn(['users.manage']),
      language: 'de',
      answers: {
        'users.list': () => [user({ lockedUntil: locked ? '2026-01-01T01:00:00.000Z' : null })],
        'roles.list': () => [],
        'users.unlock': () => {
          locked = false;
          return user({});
        },
      },
    });
    const row = await screen.findByTestId('user-row');
    expect(within(row).getByText('Sachbearbeitung')).toBeTruthy();
    expect(within(row).getByText('Gesperrt')).toBeTruthy();
    await userEvent.setup().click(within(row).getByRole('button', { name: 'Entsperren' }));
    await waitFor(() => expect(within(screen.getByTestId('user-row')).queryByText('Gesperrt')).toBeNull());
    expect(bridge.calls.filter((c) => c.name === 'users.list').length).toBeGreaterThanOrEqual(2);
    expect(await screen.findByText('Eva kann sich wieder anmelden.')).toBeTruthy();
  });

  it('shows a refused action as a sentence, not as the main process’s text', async () => {
    await renderWithApp(<UsersPanel />, {
      status: signedIn(['users.manage']),
      language: 'de',
      answers: {
        'users.list': () => [user({})],
        'roles.list': () => [],
        'users.deactivate': () => {
          throw new AppError('forbidden', 'forbidden: the last active administrator cannot be deactivated', {
            reason: 'permission',
          });
        },
      },
    });
    await userEvent.setup().click(await screen.findByRole('button', { name: 'Deaktivieren' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Das dürfen Sie nicht.');
  });
});

// @vitest-environment happy-dom
// The idle lock: a user with 2FA gives password and code; an empty code is "required", in the
// user's language, and the main process is not asked.
import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithApp, signedIn } from '../../testing/render';
import { LockOverlay } from './LockOverlay';

afterEach(cleanup);

const lockedWith2fa = signedIn(['customers.read'], {
  locked: true,
  user: { id: 'u1', email: 'ada@example.com', name: 'Ada', emailVerified: true, twoFactor: true },
});

describe('idle lock', () => {
  it('asks a user with 2FA for password and code, and says an empty code is required', async () => {
    const { bridge } = await renderWithApp(<LockOverlay />, {
      status: lockedWith2fa,
      answers: { 'auth.unlock': () => ({ ...lockedWith2fa, locked: false }) },
    });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Password'), 'secret password');
    await user.click(screen.getByRole('button', { name: 'Unlock' }));
    expect(await screen.findByText('Required')).toBeTruthy();
    expect(bridge.calls.filter((c) => c.name === 'auth.unlock')).toEqual([]);

    await user.type(screen.getByLabelText('Code'), '123456');
    await user.click(screen.getByRole('button', { name: 'Unlock' }));
    await screen.findByRole('button', { name: 'Unlock' });
    expect(bridge.calls.find((c) => c.name === 'auth.unlock')?.input).toEqual({
      password: 'secret password',
      code: '123456',
    });
  });

  it('speaks German to a German user', async () => {
    await renderWithApp(<LockOverlay />, { status: lockedWith2fa, language: 'de' });
    const user = userEvent.setup();
    await user.type(await screen.findByLabelText('Passwort'), 'geheim');
    await user.click(screen.getByRole('button', { name: 'Entsperren' }));
    expect(await screen.findByText('Pflichtfeld')).toBeTruthy();
  });
});

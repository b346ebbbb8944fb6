// @vitest-environment happy-dom
// Before signing in, the language can be chosen on the sign-in screen itself.
import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithApp } from '../../testing/render';
import { LoginScreen } from './LoginScreen';

afterEach(cleanup);

describe('sign-in screen', () => {
  it('switches to German before anyone signs in', async () => {
    await renderWithApp(<LoginScreen />, { status: { state: 'signed_out' }, language: 'en' });
    expect(await screen.findByRole('button', { name: 'Sign in' })).toBeTruthy();
    await userEvent.setup().click(screen.getByText('DE'));
    expect(await screen.findByRole('button', { name: 'Anmelden' })).toBeTruthy();
  });
});

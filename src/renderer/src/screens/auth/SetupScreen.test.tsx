// @vitest-environment happy-dom
// The one form layer (lib/use-contract-form.ts) on the first-start form: the contract's field
// errors and the form's own check (the repeated password) show on their fields before anything is
// sent, in the user's language; the main process's field errors land on the same fields.
import { cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import { renderWithApp } from '../../testing/render';
import { SetupScreen } from './SetupScreen';

afterEach(cleanup);

describe('first start', () => {
  it('checks fields and the repeated password before sending, then shows the main process’s field error', async () => {
    const { bridge } = await renderWithApp(<SetupScreen />, {
      status: { state: 'setup_required' },
      language: 'de',
      answers: {
        'auth.setup': () => {
          throw new AppError('validation', 'password too weak', {
            issues: [{ path: 'password', rule: 'not_company', message: 'must not contain the company name' }],
          });
        },
      },
    });
    const user = userEvent.setup();
    const submit = await screen.findByRole('button', { name: 'Firma anlegen' });
    await user.click(submit);
    expect((await screen.findAllByText('Pflichtfeld')).length).toBeGreaterThan(0);

    await user.type(screen.getByLabelText(/Name der Firma/), 'Muster GmbH');
    await user.type(screen.getByLabelText(/Ihr Name/), 'Ada');
    await user.type(screen.getByLabelText(/^E-Mail/), 'ada@example.de');
    await user.type(screen.getByLabelText(/^Passwort\s*\*?$/), 'ein langes Passwort 1');
    await user.type(screen.getByLabelText(/wiederholen/), 'ein anderes Passwort 1');
    await user.click(submit);
    expect(await screen.findByText('Die Passwörter stimmen nicht überein')).toBeTruthy();
    expect(bridge.calls.filter((c) => c.name === 'auth.setup')).toEqual([]);

    await user.clear(screen.getByLabelText(/wiederholen/));
    await user.type(screen.getByLabelText(/wiederholen/), 'ein langes Passwort 1');
    await user.click(submit);
    expect(await screen.findByText('Darf nicht der Firmenname sein')).toBeTruthy();
    expect(bridge.calls.filter((c) => c.name === 'auth.setup')).toHaveLength(1);
    // On the password field: its description names the error.
    const password = screen.getByLabelText(/^Passwort\s*\*?$/);
    const described = (password.getAttribute('aria-describedby') ?? '').split(/\s+/);
    const texts = described.map((id) => (id ? document.getElementById(id)?.textContent : ''));
    expect(texts).toContain('Darf nicht der Firmenname sein');
  });
});

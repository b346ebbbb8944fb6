// @vitest-environment happy-dom
// A key backup double-clicked in the file manager arrives as an event: the unlock screen fills its
// import form with it (nothing is imported before the user gives the backup's passphrase), or says
// why the file could not be taken.
import { act, cleanup, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import { renderWithApp } from '../../testing/render';
import { UnlockScreen } from './UnlockScreen';

afterEach(cleanup);

const locked = { state: 'locked' as const, reason: 'new computer', canUsePassphrase: true, firstRun: false };

describe('unlock screen', () => {
  it('takes a key backup opened from the file manager into its import form', async () => {
    const { bridge } = await renderWithApp(<UnlockScreen status={locked} onUnlocked={() => undefined} />, {
      answers: { 'app.importKeys': () => ({ state: 'ready' }) },
    });
    await screen.findByText('New computer? Import a key backup');
    act(() => bridge.emit('keyBackup', { name: 'kontor-keys-2026-12-07.kontorkeys', content: '{"backup":true}' }));
    expect(await screen.findByText(/Opened kontor-keys-2026-12-07\.kontorkeys/)).toBeTruthy();
    expect(bridge.calls.filter((c) => c.name === 'app.importKeys')).toEqual([]);
    const user = userEvent.setup();
    await user.type(screen.getByLabelText('Passphrase of the key backup'), 'backup passphrase 1');
    await user.click(screen.getByRole('button', { name: /import/i }));
    await screen.findByText(/Opened/);
    expect(bridge.calls.find((c) => c.name === 'app.importKeys')?.input).toMatchObject({
      backup: '{"backup":true}',
      passphrase: 'backup passphrase 1',
    });
  });

  it('says when the opened file is not one it can take', async () => {
    const { bridge } = await renderWithApp(<UnlockScreen status={locked} onUnlocked={() => undefined} />, {
      language: 'de',
    });
    await screen.findByRole('button', { name: /import/i });
    act(() => bridge.emit('keyBackup', { name: 'riesig.kontorkeys', problem: 'too_large' }));
    expect(await screen.findByText('riesig.kontorkeys ist zu groß für eine Schlüsselsicherung.')).toBeTruthy();
  });
});

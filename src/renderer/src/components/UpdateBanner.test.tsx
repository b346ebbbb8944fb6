// @vitest-environment happy-dom
// The update banner: progress while downloading, a restart the user chooses once the update is
// verified — held back while a form has unsaved input, and refused by the main process while an
// import runs — and a failure that needs IT, in the user's language.
import { cleanup, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { UpdateState } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { useGuardedClose } from '../lib/use-guarded-close';
import { renderWithApp } from '../testing/render';
import { UpdateBanner } from './UpdateBanner';

afterEach(cleanup);

const ready: UpdateState = { state: 'ready', version: '1.3.0' };

function DirtyForm() {
  useGuardedClose(
    () => true,
    () => undefined,
  );
  return null;
}

describe('update banner', () => {
  it('shows the download’s progress', async () => {
    await renderWithApp(<UpdateBanner />, {
      answers: { 'updates.status': () => ({ state: 'downloading', version: '1.3.0', received: 45, total: 100 }) },
    });
    expect(await screen.findByText('Downloading Kontor 1.3.0 … 45 %')).toBeTruthy();
  });

  it('restarts when the user says so, but not over unsaved input', async () => {
    const { bridge, unmount } = await renderWithApp(
      <>
        <UpdateBanner />
        <DirtyForm />
      </>,
      { answers: { 'updates.status': () => ready, 'updates.restart': () => ({ restarting: true }) } },
    );
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Restart now' }));
    expect(await screen.findByText('Save or close your open forms first, then restart.')).toBeTruthy();
    expect(bridge.calls.filter((c) => c.name === 'updates.restart')).toEqual([]);
    unmount();

    const again = await renderWithApp(<UpdateBanner />, {
      answers: { 'updates.status': () => ready, 'updates.restart': () => ({ restarting: true }) },
    });
    await user.click(await screen.findByRole('button', { name: 'Restart now' }));
    await screen.findByRole('button', { name: 'Restart now' });
    expect(again.bridge.calls.filter((c) => c.name === 'updates.restart')).toHaveLength(1);
  });

  it('says why the main process refused the restart', async () => {
    await renderWithApp(<UpdateBanner />, {
      answers: {
        'updates.status': () => ready,
        'updates.restart': () => {
          throw new AppError('conflict', 'not now: customers.import is still running', { reason: 'update_busy' });
        },
      },
    });
    const user = userEvent.setup();
    await user.click(await screen.findByRole('button', { name: 'Restart now' }));
    expect(await screen.findByText(/Not now: an import or other long work is still running/)).toBeTruthy();
  });

  it('tells a German user when an update failed for a reason IT must fix, and nothing when it retries by itself', async () => {
    await renderWithApp(<UpdateBanner />, {
      language: 'de',
      answers: { 'updates.status': () => ({ state: 'failed', reason: 'checksum', retryable: false }) },
    });
    expect(
      await screen.findByText(/Kontor konnte sich nicht aktualisieren: Die heruntergeladene Datei passt nicht/),
    ).toBeTruthy();
    cleanup();
    const { bridge } = await renderWithApp(<UpdateBanner />, {
      answers: { 'updates.status': () => ({ state: 'failed', reason: 'offline', retryable: true }) },
    });
    await waitFor(() => expect(bridge.calls.some((c) => c.name === 'updates.status')).toBe(true));
    expect(screen.queryByRole('status')).toBeNull();
  });
});

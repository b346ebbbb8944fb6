// The updates procedures: answered from the desk's updater, or "not here" where there is none
// (the Kontor server, the CLI, the web host).
import { AppError } from '../../shared/errors';
import type { HandlersOf } from '../router';
import type { Updater } from './updater';

export function updatesHandlers(updater: Updater | null): HandlersOf<'updates'> {
  return {
    'updates.status': async () => updater?.state() ?? { state: 'disabled', why: 'not_here' },
    'updates.check': async () => (updater ? updater.check() : { state: 'disabled', why: 'not_here' }),
    'updates.restart': async () => {
      if (!updater) throw new AppError('conflict', 'no update is ready to install', { reason: 'no_update_ready' });
      await updater.restart();
      return { restarting: true as const };
    },
  };
}

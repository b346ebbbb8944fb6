// The running application: liveness, what it runs on, and the lifecycle calls the start gate
// answers before the data is open (here the data is open, so they say so).
import type { KeyStoreLocation } from '../../shared/contract';
import type { MachineState } from '../../shared/machine-config';
import { AppError } from '../../shared/errors';
import type { HandlersOf } from '../router';

export function systemHandlers(info: {
  version: string;
  database: 'sqlite' | 'postgres';
  keyStore: KeyStoreLocation;
  machine: MachineState;
}): Omit<HandlersOf<'app' | 'system'>, 'app.about' | 'app.licences'> {
  return {
    'system.ping': async () => ({ pong: true as const }),
    'system.check': async () => ({ pong: true as const }),
    'app.info': async () => ({ version: info.version, database: info.database, keyStore: info.keyStore }),
    'app.machine': async () => info.machine,
    'app.status': async () => ({ state: 'ready' as const }),
    'app.unlock': async () => ({ state: 'ready' as const }),
    'app.importKeys': async () => {
      throw new AppError(
        'conflict',
        'the data is open already; a key backup is imported on a new machine before its first start',
        { reason: 'data_open' },
      );
    },
  };
}

// What belongs to the computer rather than to its data, in front of any gate (local data, Kontor
// server, still locked): IT's machine-wide configuration — the features it switched off are
// refused, the database choice it fixed cannot be changed from the settings screen, app.machine
// tells the screens what is locked — the desk's updater (updates.*), and About, the licences and
// the support bundle. The same holds for every
// window and the web host, whichever gate is behind.
import { procedureNames, supportContract, updatesContract } from '../../shared/contract';
import { AppError, type Result } from '../../shared/errors';
import { disabledFeatureOf, type MachineState } from '../../shared/machine-config';
import type { Gate } from '../gate';
import { createRouter, type Handlers, type Logger } from '../router';
import type { Updater } from '../updates/updater';
import { updatesHandlers } from '../updates/updates.handlers';
import type { Support } from '../support/support';
import { supportHandlers } from '../support/support.handlers';

/** Why IT's configuration refuses a call, or null. */
export function machineRefusal(name: string, input: unknown, { config, locked }: MachineState): AppError | null {
  const feature = disabledFeatureOf(name, config);
  if (feature) {
    return new AppError(
      'forbidden',
      `forbidden: ${name} belongs to ${feature}, which IT has switched off on this computer`,
      {
        reason: 'feature_disabled',
        feature,
      },
    );
  }
  if (name !== 'settings.setDatabase') return null;
  if (locked.includes('serverUrl')) {
    return new AppError(
      'forbidden',
      'forbidden: IT has set the Kontor server of this computer; it cannot be changed here',
      {
        reason: 'set_by_it',
      },
    );
  }
  const kind = (input as { kind?: unknown } | null)?.kind;
  if (kind === 'postgres' && config.allowDirectPostgres === false) return directDatabaseRefused();
  return null;
}

export function directDatabaseRefused(): AppError {
  return new AppError(
    'forbidden',
    'forbidden: IT does not allow a direct Postgres connection on this computer; use the Kontor server or the local database',
    { reason: 'direct_database_disabled' },
  );
}

/** Answered on the desk itself, before any gate. */
const DESK_OWN: ReadonlySet<string> = new Set([
  'app.machine',
  ...Object.keys(updatesContract),
  ...Object.keys(supportContract),
]);

export interface DeskServices {
  readonly machine: MachineState;
  /** The desktop app's updater; none elsewhere (the web host, tests). */
  readonly updater?: Updater | null;
  /** About, licences and the support bundle of this computer. */
  readonly support?: Support | null;
  readonly logger: Logger;
}

/** The gate with IT's configuration and the desk's own procedures in front of it. */
export function withDeskServices(gate: Gate, { machine, updater = null, support = null, logger }: DeskServices): Gate {
  // The same validation and output checks as every other call; only these procedures are reachable.
  const own = createRouter({
    handlers: {
      ...Object.fromEntries(
        procedureNames.map((name) => [name, () => Promise.reject(new Error(`${name} is no desk procedure`))]),
      ),
      'app.machine': async () => machine,
      ...updatesHandlers(updater),
      ...supportHandlers(support),
    } as unknown as Handlers,
    sessions: { resolve: async () => null },
    logger,
  });
  return {
    get kontor() {
      return gate.kontor;
    },
    start: () => gate.start(),
    grantFile: (connection, path, access) => gate.grantFile(connection, path, access),
    revokeFiles: (connection) => gate.revokeFiles(connection),
    close: () => gate.close(),
    async call(name, input, options): Promise<Result<unknown>> {
      // Answered here, so a locked gate (before the data opens) answers them too: the sign-in and
      // passphrase screens take the default language from app.machine.
      if (DESK_OWN.has(name)) return own.call(name, input, options);
      const refusal = machineRefusal(name, input, machine);
      if (refusal) return { ok: false, error: refusal.toShape() };
      return gate.call(name, input, options);
    },
  };
}

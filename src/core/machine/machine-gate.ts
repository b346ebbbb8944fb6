// What IT's machine-wide configuration decides about calls, in front of any gate (local data,
// Kontor server, still locked): the features it switched off are refused, the database choice it
// fixed cannot be changed from the settings screen, and app.machine tells the screens what is
// locked. The same refusals hold for every window and the web host, whichever gate is behind.
import { AppError, type Result } from '../../shared/errors';
import { disabledFeatureOf, machineStateSchema, type MachineState } from '../../shared/machine-config';
import type { Gate } from '../gate';

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

/** The gate with IT's configuration in front of it. */
export function withMachinePolicy(gate: Gate, machine: MachineState): Gate {
  const state = machineStateSchema.parse(machine);
  return {
    get kontor() {
      return gate.kontor;
    },
    start: () => gate.start(),
    grantFile: (connection, path, access) => gate.grantFile(connection, path, access),
    revokeFiles: (connection) => gate.revokeFiles(connection),
    close: () => gate.close(),
    async call(name, input, options): Promise<Result<unknown>> {
      // Answered here, so a locked gate (before the data opens) answers it too: the sign-in and
      // passphrase screens take the default language from it.
      if (name === 'app.machine') return { ok: true, value: state };
      const refusal = machineRefusal(name, input, state);
      if (refusal) return { ok: false, error: refusal.toShape() };
      return gate.call(name, input, options);
    },
  };
}

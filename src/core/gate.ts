// The gate in front of the router: until the data is open (the keychain is missing, or the
// passphrase store waits for its passphrase) every call gets `locked` with the reason, except
// app.status, app.unlock and app.importKeys: how the app asks for the passphrase or a key backup
// and opens the data.
import { procedureNames } from '../shared/contract';
import { AppError, type Result } from '../shared/errors';
import type { Kontor } from './app';
import type { FileAccess } from './files';
import { createRouter, type CallOptions, type Handlers, type Logger } from './router';

export interface GateOptions {
  /** Opens with the configured key store, or with the passphrase store when a passphrase is given. */
  open(passphrase?: string): Promise<Kontor>;
  /** Whether a passphrase key file already exists (the unlock screen asks to confirm a new one). */
  hasPassphraseFile(): boolean;
  /** Puts a key backup's keys into the key store (the passphrase store when a master passphrase is given). */
  importKeys(input: { backup: string; passphrase: string; masterPassphrase?: string; replace: boolean }): Promise<void>;
  readonly logger: Logger;
}

export interface Gate {
  call(name: string, input: unknown, options?: CallOptions): Promise<Result<unknown>>;
  /** Tries to open with the configured key store; a failure leaves the gate locked with its reason. */
  start(): Promise<void>;
  readonly kontor: Kontor | null;
  /**
   * Grants a file the user chose to a connection's procedures (see files.ts); a desk in server mode
   * uploads it, or for writing arranges the download after the call that writes it.
   */
  grantFile(connection: string, path: string, access: FileAccess): Promise<string>;
  /** Forgets a closed connection's grants. */
  revokeFiles(connection: string): void;
  close(): Promise<void>;
}

export function createGate(options: GateOptions): Gate {
  let kontor: Kontor | null = null;
  let reason = 'Kontor is starting';
  // A server that cannot be reached is no key problem: no passphrase can help then.
  let unreachable = false;
  let opening: Promise<Kontor> | null = null;

  async function open(passphrase?: string): Promise<void> {
    // One opening at a time: a second unlock while the first runs waits for it.
    opening ??= options.open(passphrase);
    try {
      kontor = await opening;
      // Long-running processes (desktop, web host) send queued mail in the background.
      kontor.mail.startWorker();
    } finally {
      opening = null;
    }
  }

  /**
   * Replacing keys on the locked screen needs proof: the master passphrase of the passphrase
   * store (checked when the store opens), or else keys that open no data. Keys that open the data
   * are never replaced from here.
   */
  async function refuseReplacingWorkingKeys(): Promise<void> {
    let working: Kontor;
    try {
      working = await options.open();
    } catch {
      return;
    }
    await working.close();
    throw new AppError(
      'forbidden',
      "forbidden: this machine's keys open the data; they are not replaced from the unlock screen (give the master passphrase, or use kontor keys import as the machine's administrator)",
      { reason: 'keys_open_data' },
    );
  }

  const locked = () => ({
    state: 'locked' as const,
    reason,
    canUsePassphrase: !unreachable,
    firstRun: !options.hasPassphraseFile(),
  });

  const lockedHandlers = {
    ...Object.fromEntries(
      procedureNames.map((name) => [
        name,
        async () => {
          throw new AppError('locked', `Kontor is locked: ${reason}`);
        },
      ]),
    ),
    'app.status': async () => (kontor ? { state: 'ready' as const } : locked()),
    'app.unlock': async ({ passphrase }: { passphrase: string }) => {
      if (!kontor) await open(passphrase);
      return { state: 'ready' as const };
    },
    'app.importKeys': async (input: {
      backup: string;
      passphrase: string;
      masterPassphrase?: string;
      replace: boolean;
    }) => {
      if (!kontor) {
        if (input.replace && input.masterPassphrase === undefined) await refuseReplacingWorkingKeys();
        await options.importKeys(input);
        await open(input.masterPassphrase);
      }
      return { state: 'ready' as const };
    },
  } as unknown as Handlers;

  const lockedRouter = createRouter({
    handlers: lockedHandlers,
    sessions: { resolve: async () => null },
    logger: options.logger,
  });

  return {
    get kontor() {
      return kontor;
    },
    async start() {
      try {
        await open();
      } catch (error) {
        // Whoever asks app.status is not signed in: they get our own words, the log gets the rest
        // (paths, host names, driver messages).
        if (error instanceof AppError) {
          reason = error.message;
          options.logger.warn('the data is not open', { reason, detail: error.internal });
        } else {
          reason = 'the data cannot be opened; the log says why';
          options.logger.error('opening the data failed', {
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          });
        }
        unreachable = error instanceof AppError && error.details?.['reason'] === 'database_unreachable';
      }
    },
    async grantFile(connection, path, access) {
      if (!kontor) throw new AppError('locked', `Kontor is locked: ${reason}`);
      return kontor.files.grant(connection, path, access);
    },
    revokeFiles(connection) {
      kontor?.files.revoke(connection);
    },
    async call(name, input, callOptions) {
      if (kontor) return kontor.router.call(name, input, callOptions);
      // Nobody can sign in while the data is closed: only the gate's own procedures answer.
      if (name !== 'app.status' && name !== 'app.unlock' && name !== 'app.importKeys') {
        return { ok: false, error: new AppError('locked', `Kontor is locked: ${reason}`).toShape() };
      }
      return lockedRouter.call(name, input, callOptions);
    },
    async close() {
      await kontor?.close();
      kontor = null;
    },
  };
}

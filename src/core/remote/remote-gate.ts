// The gate of a desk in server mode (settings.json says `{ kind: 'server', url }`, or the
// environment names KONTOR_SERVER_URL): nothing opens here — no database, no key store — and every
// call goes to the Kontor server, except the desk's own connection settings, which only this
// computer knows. Who may change those is decided by the server: the window's session there must
// hold installation.manage. Files the user chooses go up to the server (imports), and what an
// export writes there comes down to the chosen place after the call.
import { AppError, type Result } from '../../shared/errors';
import type { Gate } from '../gate';
import { basename } from 'node:path';
import { createRouter, type CallOptions, type Handlers, type Logger } from '../router';
import type { Session } from '../session';
import { describe } from '../settings/database-settings';
import { readSettingsFile, writeSettingsFile } from '../settings/settings.file';
import type { DatabaseChoice, DatabaseSettings, KontorServer } from '../../shared/contract';
import { authStatusSchema } from '../../shared/contract';
import { checkServer, createRemoteRouter } from './remote-router';

const DESK_PROCEDURES = new Set(['settings.getDatabase', 'settings.setDatabase', 'settings.testServer']);

export interface RemoteGateOptions {
  readonly server: KontorServer;
  /** The desk's settings file (its connection choice). */
  readonly settingsFile: string;
  /** The environment names the server (KONTOR_SERVER_URL): it stays, whatever the file says. */
  readonly fromEnvironment: boolean;
  readonly logger: Logger;
}

export function createRemoteGate({ server, settingsFile, fromEnvironment, logger }: RemoteGateOptions): Gate {
  const remote = createRemoteRouter(server);

  function settings(): DatabaseSettings {
    const configured = fromEnvironment
      ? ({ kind: 'server', ...server } as const)
      : readSettingsFile(settingsFile).database;
    return {
      active: 'server',
      configured: describe(configured),
      // Any other choice, or another server, applies at the next start.
      restartRequired: configured.kind !== 'server' || configured.url !== server.url,
    };
  }

  const handlers = {
    'settings.getDatabase': async () => settings(),
    'settings.setDatabase': async (choice: DatabaseChoice, ctx: { session: Session }) => {
      if (choice.kind === 'postgres') {
        throw new AppError(
          'conflict',
          'a desk that uses a Kontor server cannot connect to Postgres directly: choose the local database first, restart, then choose Postgres',
          { reason: 'server_mode' },
        );
      }
      const file = readSettingsFile(settingsFile);
      writeSettingsFile(settingsFile, { ...file, database: choice });
      logger.warn('the connection settings of this desk changed', { kind: choice.kind, by: ctx.session.userId });
      return { ...settings(), restartRequired: true };
    },
    'settings.testServer': async (input: KontorServer) => checkServer(input),
  } as unknown as Handlers;

  // The desk's own procedures run through a router of their own: the same validation and
  // permission check, with the session the server has for the window.
  const desk = createRouter({
    handlers,
    logger,
    sessions: {
      async resolve(meta) {
        const status = await remote.call('auth.status', {}, { meta });
        if (!status.ok) return null;
        const parsed = authStatusSchema.safeParse(status.value);
        if (!parsed.success || parsed.data.state !== 'signed_in') return null;
        const { user, tenant, permissions, locked, mustChangePassword, mustEnrollTwoFactor } = parsed.data;
        return {
          id: `server:${user.id}`,
          userId: user.id,
          userName: user.name,
          email: user.email,
          tenantId: tenant?.id ?? null,
          permissions: new Set(permissions),
          locked,
          mustChangePassword,
          mustEnrollTwoFactor,
          passwordStamp: '',
        };
      },
    },
  });

  // Exports write on the server; the file comes down after the call that wrote it.
  const pendingDownloads = new Map<string, { connection: string; path: string }>();

  async function forward(name: string, input: unknown, options?: CallOptions): Promise<Result<unknown>> {
    const result = await remote.call(name, input, options);
    const fileId = (input as { fileId?: unknown } | null)?.fileId;
    const target = typeof fileId === 'string' ? pendingDownloads.get(fileId) : undefined;
    if (!target || typeof fileId !== 'string') return result;
    pendingDownloads.delete(fileId);
    if (!result.ok) return result;
    try {
      await remote.download(target.connection, fileId, target.path);
      return result;
    } catch (error) {
      logger.warn('an export could not be fetched from the server', { error: String(error) });
      return {
        ok: false,
        error: new AppError('locked', 'the server wrote the file, but it could not be fetched; try the export again', {
          reason: 'server_unreachable',
          retryable: true,
        }).toShape(),
      };
    }
  }

  return {
    kontor: null,
    async grantFile(connection, path, access) {
      if (access === 'read') return remote.upload(connection, path);
      const fileId = await remote.newFile(connection, basename(path));
      pendingDownloads.set(fileId, { connection, path });
      return fileId;
    },
    revokeFiles(connection) {
      for (const [id, target] of pendingDownloads) if (target.connection === connection) pendingDownloads.delete(id);
    },
    async start() {
      // Nothing opens: the server holds the data. Whether it answers shows with the first call.
    },
    async call(name, input, options): Promise<Result<unknown>> {
      return DESK_PROCEDURES.has(name) ? desk.call(name, input, options) : forward(name, input, options);
    },
    async close() {
      remote.close();
    },
  };
}

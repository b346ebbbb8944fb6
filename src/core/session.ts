// Who is calling, in which tenant, with which permissions. Sessions live in the process that
// runs the router (the Electron main process, the web host, one CLI command); the renderer only
// has a connection (its window, or the web host's connection cookie), never a token.
import type { Grant } from '../shared/contract';
import { AppError } from '../shared/errors';

export interface Session {
  readonly id: string;
  readonly userId: string;
  readonly userName: string;
  readonly email: string;
  /** The tenant every call of this session runs in; null when the user belongs to none. */
  readonly tenantId: string | null;
  /** The role's permissions in the tenant, plus installation.manage for an installation administrator. */
  readonly permissions: ReadonlySet<Grant>;
  /** Idle too long: only procedures marked whileLocked run until auth.unlock. */
  readonly locked: boolean;
  /** Set by an admin reset or a new account: only procedures marked beforeAccountReady run. */
  readonly mustChangePassword: boolean;
  /** The tenant requires 2FA and the user has none yet. */
  readonly mustEnrollTwoFactor: boolean;
  /** When the password last changed: a session from before a change is over. */
  readonly passwordStamp: string;
}

/** The company a session works in; refused (no_company) for a user who belongs to none yet. */
export function tenantOf(session: Session): string {
  if (session.tenantId === null)
    throw new AppError('not_found', 'you are not working in a company', { reason: 'no_company' });
  return session.tenantId;
}

/** What the transport knows about a call. */
export interface CallMeta {
  /** The caller's connection: an Electron window, a web host connection cookie, a CLI process. */
  readonly connection?: string;
}

export interface SessionResolver {
  /** The session of this connection, or null; `touch` counts the call as activity. */
  resolve(meta: CallMeta, touch: boolean): Promise<Session | null>;
}

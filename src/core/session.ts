// Who is calling, in which tenant, with which permissions. Until the identity issue lands,
// every caller is the built-in local administrator; the checks below are already the real ones.
import type { Permission } from '../shared/contract';
import { permissions } from '../shared/contract';

export interface Session {
  readonly id: string;
  readonly userId: string;
  readonly userName: string;
  /** The tenant every call of this session runs in; null before a company exists. */
  readonly tenantId: string | null;
  readonly permissions: ReadonlySet<Permission>;
}

/** What the transport knows about a call; the resolver turns it into a session. */
export interface CallMeta {
  /** Transport-level identity of the caller, e.g. the web host's connection or the CLI's tenant. */
  readonly tenantName?: string;
}

export interface SessionResolver {
  resolve(meta: CallMeta): Promise<Session | null>;
}

export const LOCAL_ADMIN_ID = 'local-admin';

export function localAdminSession(tenantId: string | null): Session {
  return {
    id: `local-admin:${tenantId ?? 'none'}`,
    userId: LOCAL_ADMIN_ID,
    userName: 'Local administrator',
    tenantId,
    permissions: new Set(permissions),
  };
}

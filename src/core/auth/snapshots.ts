// What a session knows of its user: company, permissions, pending duties. Made at sign-in and
// remade on calls (revalidate), so a deactivated user, a changed password or a changed role takes
// effect at the next call. Depends only on the repository and the rules, so the session manager
// and the identity service can both be built on it, in that order.
import { INSTALLATION_ADMIN, type Grant } from '../../shared/contract';
import type { Session } from '../session';
import type { IdentityRepo, UserRow } from './identity.repo';
import { resolveRole } from './roles';
import type { SecurityRules } from './security-settings';

export type Snapshot = Omit<Session, 'id' | 'locked'>;

export function createSnapshots({ repo, rules }: { repo: IdentityRepo; rules: SecurityRules }) {
  async function snapshotFor(user: UserRow, preferredTenant: string | null): Promise<Snapshot> {
    const memberships = await repo.membershipsOf(user.id);
    const membership = memberships.find((m) => m.tenantId === preferredTenant) ?? memberships[0] ?? null;
    const role = membership ? await resolveRole(repo, membership.tenantId, membership.roleId) : null;
    const tenantId = membership?.tenantId ?? null;
    const granted = new Set<Grant>(role?.permissions ?? []);
    if (user.installationAdmin) granted.add(INSTALLATION_ADMIN);
    return {
      userId: user.id,
      userName: user.name,
      email: user.email,
      tenantId,
      permissions: granted,
      mustChangePassword: user.mustChangePassword,
      mustEnrollTwoFactor: user.totpEnabledAt === null && (await rules.requireTwoFactor(tenantId)),
      passwordStamp: user.passwordChangedAt,
    };
  }

  return {
    snapshotFor,
    /** What a session's user looks like now; null ends the session. */
    async revalidate(session: Session): Promise<Snapshot | null> {
      const user = await repo.user(session.userId);
      if (!user || !user.active || user.passwordChangedAt !== session.passwordStamp) return null;
      return snapshotFor(user, session.tenantId);
    },
  };
}

export type Snapshots = ReturnType<typeof createSnapshots>;

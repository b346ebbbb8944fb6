// Companies as their administrators manage them: who may see and change which company, who
// becomes its administrator, and what an archive does to the people working in it. Every change
// and its audit entry are written in one transaction of the system store.
import { INSTALLATION_ADMIN, type Tenant } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { auditActor, type AuditService } from '../audit/audit.service';
import type { IdentityRepo } from '../auth/identity.repo';
import { companiesGranting } from '../auth/roles';
import type { SessionManager } from '../auth/sessions';
import type { Clock } from '../deps';
import type { Session } from '../session';
import type { TenantsService } from './tenants.service';

export interface TenantsAdminDeps {
  readonly tenants: TenantsService;
  readonly repo: IdentityRepo;
  readonly sessions: SessionManager;
  readonly audit: AuditService;
  readonly clock: Clock;
}

export function createTenantsAdmin({ tenants, repo, sessions, audit, clock }: TenantsAdminDeps) {
  /** An installation administrator acts on every company; anyone else on those they administer. */
  async function requireAdministers(session: Session, tenantId: string): Promise<void> {
    if (session.permissions.has(INSTALLATION_ADMIN)) return;
    if (!(await companiesGranting(repo, session.userId, 'tenants.manage')).has(tenantId)) {
      throw new AppError('forbidden', 'forbidden: you do not administer that company', {
        reason: 'other_company',
        target: tenantId,
      });
    }
  }

  return {
    /** A new company, administered by whoever creates it. A name in use (in any case) is refused. */
    async setup(session: Session, name: string): Promise<Tenant> {
      await tenants.requireFreeName(name);
      const made = await tenants.prepare(name);
      const tenant = await audit.record(async (tx) => {
        await tenants.insert(made, tx);
        await repo.setMembership(session.userId, made.id, 'administrator', clock.now().toISOString(), tx);
        const entry = { ...auditActor(session), action: 'tenants.created', tenantId: made.id, details: { name } };
        return { value: made, entry };
      });
      await sessions.refreshUser(session.userId);
      return tenant;
    },

    async list(session: Session): Promise<Tenant[]> {
      const all = await tenants.list();
      if (session.permissions.has(INSTALLATION_ADMIN)) return all;
      const mine = await companiesGranting(repo, session.userId, 'tenants.manage');
      return all.filter((t) => mine.has(t.id));
    },

    async rename(session: Session, id: string, name: string): Promise<Tenant> {
      await requireAdministers(session, id);
      return audit.record(async (tx) => {
        const tenant = await tenants.rename(id, name, tx);
        const entry = { ...auditActor(session), action: 'tenants.renamed', tenantId: id, details: { name } };
        return { value: tenant, entry };
      });
    },

    async setArchived(session: Session, id: string, archived: boolean): Promise<Tenant> {
      await requireAdministers(session, id);
      if (archived && id === session.tenantId) {
        throw new AppError('conflict', 'you are working in this company; switch to another one before archiving it', {
          reason: 'company_in_use',
        });
      }
      const tenant = await audit.record(async (tx) => {
        const changed = await tenants.setArchived(id, archived, tx);
        const action = archived ? 'tenants.archived' : 'tenants.restored';
        return { value: changed, entry: { ...auditActor(session), action, tenantId: id } };
      });
      // Members working in it move on at their next call, not in half a minute.
      for (const member of await repo.membersOf(id)) await sessions.refreshUser(member.id);
      return tenant;
    },
  };
}

export type TenantsAdmin = ReturnType<typeof createTenantsAdmin>;

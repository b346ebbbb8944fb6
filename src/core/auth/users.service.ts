// Administration of the users and roles of one tenant. Callers hold users.manage (the router checks).
// Users are installation-wide while users.manage is granted per company, so a change to a user is
// allowed only to someone who administers every company that user belongs to; an existing user of
// another company is invited, never taken over.
import type { Permission, Role, User } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { AuditService } from '../audit/audit.service';
import type { Executor } from '../db/executor';
import type { Clock, IdSource } from '../deps';
import { tenantOf, type Session } from '../session';
import type { TenantsService } from '../tenants/tenants.service';
import { newUserRow, type IdentityRepo, type UserRow } from './identity.repo';
import { checkPasswordPolicy, type PasswordHasher } from './passwords';
import { companiesGranting, resolveRole, rolesOf, toRole, type ResolvedRole } from './roles';
import type { SessionManager } from './sessions';

export interface UsersDeps {
  readonly db: Executor;
  readonly repo: IdentityRepo;
  readonly audit: AuditService;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly hasher: PasswordHasher;
  readonly sessions: SessionManager;
  readonly tenants: TenantsService;
  /** Mails a new user the code that confirms their address. */
  readonly sendVerification: (user: UserRow, tx?: Executor) => Promise<void>;
}

const ADMIN = 'administrator';
type Member = UserRow & { roleId: string; invited: boolean };

export function createUsersService(deps: UsersDeps) {
  const { repo, audit, clock, ids, hasher, sessions, tenants } = deps;
  const iso = () => clock.now().toISOString();

  async function role(tenantId: string, roleId: string): Promise<ResolvedRole> {
    const found = await resolveRole(repo, tenantId, roleId);
    if (!found) {
      throw new AppError('validation', `no role '${roleId}' in this company`, {
        issues: [{ path: 'roleId', rule: 'one_of', message: 'Unknown role' }],
      });
    }
    return found;
  }

  async function toUser(tenantId: string, user: UserRow, roleId: string, invited = false): Promise<User> {
    const resolved = await resolveRole(repo, tenantId, roleId);
    const locked = user.lockedUntil !== null && Date.parse(user.lockedUntil) > clock.now().getTime();
    return {
      id: user.id,
      email: user.email,
      name: user.name,
      active: user.active,
      roleId,
      roleName: resolved?.name ?? roleId,
      emailVerified: user.emailVerifiedAt !== null,
      twoFactor: user.totpEnabledAt !== null,
      mustChangePassword: user.mustChangePassword,
      lockedUntil: locked ? user.lockedUntil : null,
      invited,
      installationAdmin: user.installationAdmin,
      createdAt: user.createdAt,
    };
  }

  async function member(tenantId: string, userId: string, tx?: Executor): Promise<Member> {
    const found = (await repo.membersOf(tenantId, tx)).find((m) => m.id === userId);
    if (!found) throw new AppError('not_found', `no user ${userId} in this company`, { reason: 'no_user' });
    return found;
  }

  const userOf = (tenantId: string, m: Member) => toUser(tenantId, m, m.roleId, m.invited);

  /**
   * Refuses a change to a user who also belongs to a company the caller does not administer
   * (holds users.manage in). Checked before anything else, so the refusal says nothing about the
   * user; the router records it in the audit log.
   */
  async function mayChange(session: Session, userId: string): Promise<void> {
    const administered = await companiesGranting(repo, session.userId, 'users.manage');
    for (const company of await repo.belongsTo(userId)) {
      if (!administered.has(company.tenantId)) {
        throw new AppError(
          'forbidden',
          'forbidden: this user also belongs to a company you do not administer; ask an administrator of every company they belong to',
          { reason: 'user_in_other_company', target: userId },
        );
      }
    }
  }

  /** The last active installation administrator can neither lose that role nor be deactivated. */
  async function keepAnInstallationAdministrator(userId: string, tx: Executor): Promise<void> {
    const admins = await repo.installationAdmins(tx);
    if (admins.length === 1 && admins[0]?.id === userId) {
      throw new AppError(
        'conflict',
        'the last installation administrator cannot be deactivated or lose that role; make someone else installation administrator first',
        { reason: 'last_installation_admin' },
      );
    }
  }

  /** The last active administrator of a tenant can neither leave that role nor be deactivated. */
  async function keepAnAdministrator(tenantId: string, userId: string, tx: Executor): Promise<void> {
    const admins = (await repo.membersOf(tenantId, tx)).filter((m) => m.active && !m.invited && m.roleId === ADMIN);
    if (admins.length === 1 && admins[0]?.id === userId) {
      throw new AppError(
        'conflict',
        'the last active administrator cannot be deactivated or demoted; make someone else administrator first',
        { reason: 'last_admin' },
      );
    }
  }

  async function companies(userId: string, extra: string[] = []): Promise<string[]> {
    return [...(await repo.membershipsOf(userId)).map((m) => m.tenantName), ...extra];
  }

  const actor = (session: Session) => ({ actorId: session.userId, actor: session.email, tenantId: session.tenantId });

  return {
    async list(session: Session): Promise<User[]> {
      const tenantId = tenantOf(session);
      return Promise.all((await repo.membersOf(tenantId)).map((m) => userOf(tenantId, m)));
    },

    async owners(session: Session) {
      const tenantId = tenantOf(session);
      const members = await Promise.all((await repo.membersOf(tenantId)).map((m) => userOf(tenantId, m)));
      return members
        .filter((u) => u.active && !u.invited)
        .map(({ id, name, email }) => ({ id, name, email }))
        .sort((a, b) => a.name.localeCompare(b.name));
    },

    async create(
      session: Session,
      input: { email: string; name: string; roleId: string; password: string },
    ): Promise<User> {
      const tenantId = tenantOf(session);
      await role(tenantId, input.roleId);
      const tenant = await tenants.get(tenantId);
      const existing = await repo.userByEmail(input.email);
      const at = iso();
      if (existing) {
        // A person with an account in another company is invited: they join when they accept at
        // their next sign-in, and their password, name and email stay theirs.
        if ((await repo.membersOf(tenantId)).some((m) => m.id === existing.id)) {
          throw new AppError(
            'conflict',
            `a user with the email ${input.email} is a member of this company or invited already`,
            { issues: [{ path: 'email', rule: 'unique', message: 'Already a user of this company' }] },
          );
        }
        await deps.db.transaction(async (tx) => {
          await repo.invite(existing.id, tenantId, input.roleId, at, tx);
          await audit.append(
            {
              ...actor(session),
              action: 'users.invited',
              target: existing.id,
              details: { email: existing.email, roleId: input.roleId },
            },
            tx,
          );
        });
        return toUser(tenantId, existing, input.roleId, true);
      }
      checkPasswordPolicy(input.password, { email: input.email, companies: tenant ? [tenant.name] : [] });
      const user = newUserRow({
        id: ids.next(),
        email: input.email,
        name: input.name,
        passwordHash: await hasher.hash(input.password),
        mustChangePassword: true,
        at,
      });
      await deps.db.transaction(async (tx) => {
        await repo.insertUser(user, tx);
        await repo.setMembership(user.id, tenantId, input.roleId, at, tx);
        await audit.append(
          {
            ...actor(session),
            action: 'users.created',
            target: user.id,
            details: { email: user.email, roleId: input.roleId },
          },
          tx,
        );
        await deps.sendVerification(user, tx);
      });
      return toUser(tenantId, user, input.roleId);
    },

    async update(
      session: Session,
      input: { id: string; name?: string | undefined; email?: string | undefined; roleId?: string | undefined },
    ): Promise<User> {
      const tenantId = tenantOf(session);
      await mayChange(session, input.id);
      if (input.roleId !== undefined) await role(tenantId, input.roleId);
      const at = iso();
      await deps.db.transaction(async (tx) => {
        const current = await member(tenantId, input.id, tx);
        if (input.roleId !== undefined && input.roleId !== current.roleId && current.roleId === ADMIN) {
          await keepAnAdministrator(tenantId, input.id, tx);
        }
        if (input.email !== undefined && input.email !== current.email) {
          const taken = await repo.userByEmail(input.email, tx);
          if (taken) {
            throw new AppError('conflict', `the email ${input.email} belongs to another user`, {
              issues: [{ path: 'email', rule: 'unique', message: 'Belongs to another user' }],
            });
          }
        }
        await repo.updateUser(
          input.id,
          {
            ...(input.name !== undefined && { name: input.name }),
            ...(input.email !== undefined &&
              input.email !== current.email && { email: input.email, emailVerifiedAt: null }),
            updatedAt: at,
          },
          tx,
        );
        if (input.roleId !== undefined) await repo.setMembership(input.id, tenantId, input.roleId, at, tx);
        await audit.append(
          {
            ...actor(session),
            action: 'users.updated',
            target: input.id,
            details: { name: input.name, email: input.email, roleId: input.roleId },
          },
          tx,
        );
        // A new address is confirmed like the first one: by a code sent to it.
        if (input.email !== undefined && input.email !== current.email) {
          const changed = await repo.user(input.id, tx);
          if (changed) await deps.sendVerification(changed, tx);
        }
      });
      await sessions.refreshUser(input.id);
      return userOf(tenantId, await member(tenantId, input.id));
    },

    async setActive(session: Session, id: string, active: boolean): Promise<User> {
      const tenantId = tenantOf(session);
      await mayChange(session, id);
      await deps.db.transaction(async (tx) => {
        await member(tenantId, id, tx);
        if (!active) {
          await keepAnAdministrator(tenantId, id, tx);
          await keepAnInstallationAdministrator(id, tx);
        }
        await repo.updateUser(id, { active, updatedAt: iso() }, tx);
        await audit.append(
          { ...actor(session), action: active ? 'users.reactivated' : 'users.deactivated', target: id },
          tx,
        );
      });
      if (!active) await sessions.closeUser(id);
      return userOf(tenantId, await member(tenantId, id));
    },

    async resetPassword(session: Session, input: { id: string; password: string }): Promise<User> {
      const tenantId = tenantOf(session);
      await mayChange(session, input.id);
      const target = await member(tenantId, input.id);
      checkPasswordPolicy(input.password, { email: target.email, companies: await companies(target.id) });
      const at = iso();
      await repo.updateUser(target.id, {
        passwordHash: await hasher.hash(input.password),
        passwordChangedAt: at,
        mustChangePassword: true,
        failedLogins: 0,
        nextLoginAt: null,
        lockedUntil: null,
        updatedAt: at,
      });
      await sessions.closeUser(target.id);
      await audit.append({
        ...actor(session),
        action: 'auth.password.reset_by_admin',
        target: target.id,
        details: { email: target.email },
      });
      return userOf(tenantId, await member(tenantId, input.id));
    },

    /** For a user who lost both the phone and the recovery codes: they enrol again at sign-in. */
    async resetTwoFactor(session: Session, id: string): Promise<User> {
      const tenantId = tenantOf(session);
      await mayChange(session, id);
      await member(tenantId, id);
      await deps.db.transaction(async (tx) => {
        await repo.updateUser(id, { totpSecret: null, totpEnabledAt: null, totpLastStep: null, updatedAt: iso() }, tx);
        await repo.replaceRecoveryCodes(id, [], tx);
        await audit.append({ ...actor(session), action: 'auth.2fa.reset_by_admin', target: id }, tx);
      });
      await sessions.refreshUser(id);
      return userOf(tenantId, await member(tenantId, id));
    },

    /** Lifts a sign-in lockout (failed attempts forgotten), with its audit entry in the same transaction. */
    async unlock(session: Session, id: string): Promise<User> {
      const tenantId = tenantOf(session);
      await mayChange(session, id);
      await member(tenantId, id);
      await deps.db.transaction(async (tx) => {
        await repo.updateUser(id, { failedLogins: 0, lockedUntil: null, updatedAt: iso() }, tx);
        await audit.append({ ...actor(session), action: 'users.unlocked', target: id }, tx);
      });
      return userOf(tenantId, await member(tenantId, id));
    },

    /** Installation administrators only (the router checks); never takes the role from the last one. */
    async setInstallationAdmin(session: Session, id: string, installationAdmin: boolean): Promise<User> {
      const tenantId = tenantOf(session);
      await deps.db.transaction(async (tx) => {
        const target = await member(tenantId, id, tx);
        if (target.invited)
          throw new AppError('conflict', 'the user has not accepted the invitation yet', {
            reason: 'invitation_open',
          });
        if (!installationAdmin) await keepAnInstallationAdministrator(id, tx);
        await repo.updateUser(id, { installationAdmin, updatedAt: iso() }, tx);
        await audit.append(
          {
            ...actor(session),
            action: installationAdmin ? 'users.installation_admin.granted' : 'users.installation_admin.revoked',
            target: id,
          },
          tx,
        );
      });
      await sessions.refreshUser(id);
      return userOf(tenantId, await member(tenantId, id));
    },

    async roles(session: Session): Promise<Role[]> {
      const tenantId = tenantOf(session);
      const counts = await repo.roleMemberCounts(tenantId);
      return (await rolesOf(repo, tenantId)).map((r) => toRole(r, counts.get(r.id) ?? 0));
    },

    async createRole(session: Session, input: { name: string; permissions: Permission[] }): Promise<Role> {
      const tenantId = tenantOf(session);
      const all = await rolesOf(repo, tenantId);
      if (all.some((r) => r.name.toLowerCase() === input.name.toLowerCase())) {
        throw new AppError('conflict', `a role named ${input.name} exists already`, {
          reason: 'role_name_taken',
          name: input.name,
          issues: [{ path: 'name', rule: 'unique', message: 'A role with this name exists' }],
        });
      }
      const created = { id: ids.next(), tenantId, name: input.name, permissions: [...new Set(input.permissions)] };
      await repo.insertRole(created, iso());
      await audit.append({
        ...actor(session),
        action: 'roles.created',
        target: created.id,
        details: { name: created.name, permissions: created.permissions },
      });
      return toRole({ ...created, builtin: false, permissions: created.permissions }, 0);
    },

    async updateRole(
      session: Session,
      input: { id: string; name?: string | undefined; permissions?: Permission[] | undefined },
    ): Promise<Role> {
      const tenantId = tenantOf(session);
      const current = (await rolesOf(repo, tenantId)).find((r) => r.id === input.id);
      if (!current) throw new AppError('not_found', `no role ${input.id} in this company`, { reason: 'no_role' });
      if (current.builtin)
        throw new AppError('forbidden', 'forbidden: built-in roles cannot be changed; make a custom role instead', {
          reason: 'builtin_role',
        });
      const next = {
        id: current.id,
        tenantId,
        name: input.name ?? current.name,
        permissions: input.permissions ? [...new Set(input.permissions)] : [...current.permissions],
      };
      await repo.updateRole(next);
      await audit.append({
        ...actor(session),
        action: 'roles.updated',
        target: next.id,
        details: { name: next.name, permissions: next.permissions },
      });
      for (const m of await repo.membersOf(tenantId)) if (m.roleId === next.id) await sessions.refreshUser(m.id);
      const counts = await repo.roleMemberCounts(tenantId);
      return toRole({ ...next, builtin: false }, counts.get(next.id) ?? 0);
    },

    async deleteRole(session: Session, id: string): Promise<{ deleted: true }> {
      const tenantId = tenantOf(session);
      const current = (await rolesOf(repo, tenantId)).find((r) => r.id === id);
      if (!current) throw new AppError('not_found', `no role ${id} in this company`, { reason: 'no_role' });
      if (current.builtin)
        throw new AppError('forbidden', 'forbidden: built-in roles cannot be deleted', { reason: 'builtin_role' });
      if (((await repo.roleMemberCounts(tenantId)).get(id) ?? 0) > 0) {
        throw new AppError(
          'conflict',
          `the role ${current.name} is still given to users; give them another role first`,
          { reason: 'role_in_use', name: current.name },
        );
      }
      await repo.deleteRole(id, tenantId);
      await audit.append({ ...actor(session), action: 'roles.deleted', target: id, details: { name: current.name } });
      return { deleted: true };
    },
  };
}

export type UsersService = ReturnType<typeof createUsersService>;

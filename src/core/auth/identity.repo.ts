// Users, memberships, custom roles, recovery and one-time codes: the identity tables of
// the system store, written once in SQL for both dialects (see db/executor.ts).
import { sql, type SQL } from 'drizzle-orm';
import type { Executor, Row } from '../db/executor';
import { toNumber } from '../db/executor';

export interface UserRow {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly passwordHash: string;
  readonly active: boolean;
  readonly mustChangePassword: boolean;
  readonly emailVerifiedAt: string | null;
  readonly totpSecret: string | null;
  readonly totpEnabledAt: string | null;
  readonly totpLastStep: number | null;
  readonly failedLogins: number;
  readonly nextLoginAt: string | null;
  readonly lockedUntil: string | null;
  readonly passwordChangedAt: string;
  readonly installationAdmin: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface MembershipRow {
  readonly userId: string;
  readonly tenantId: string;
  readonly tenantName: string;
  readonly roleId: string;
}

export interface CustomRoleRow {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly permissions: string[];
}

/** A user as first stored: active, no 2FA, address not yet confirmed. */
export function newUserRow(user: {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  mustChangePassword: boolean;
  at: string;
  installationAdmin?: boolean;
}): UserRow {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    passwordHash: user.passwordHash,
    active: true,
    mustChangePassword: user.mustChangePassword,
    emailVerifiedAt: null,
    totpSecret: null,
    totpEnabledAt: null,
    totpLastStep: null,
    failedLogins: 0,
    nextLoginAt: null,
    lockedUntil: null,
    passwordChangedAt: user.at,
    installationAdmin: user.installationAdmin ?? false,
    createdAt: user.at,
    updatedAt: user.at,
  };
}

const columns: Record<keyof UserRow, string> = {
  id: 'id',
  email: 'email',
  name: 'name',
  passwordHash: 'password_hash',
  active: 'active',
  mustChangePassword: 'must_change_password',
  emailVerifiedAt: 'email_verified_at',
  totpSecret: 'totp_secret',
  totpEnabledAt: 'totp_enabled_at',
  totpLastStep: 'totp_last_step',
  failedLogins: 'failed_logins',
  nextLoginAt: 'next_login_at',
  lockedUntil: 'locked_until',
  passwordChangedAt: 'password_changed_at',
  installationAdmin: 'installation_admin',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
};

const nullableText = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function toUser(row: Row): UserRow {
  return {
    id: String(row['id']),
    email: String(row['email']),
    name: String(row['name']),
    passwordHash: String(row['password_hash']),
    active: toNumber(row['active']) === 1,
    mustChangePassword: toNumber(row['must_change_password']) === 1,
    emailVerifiedAt: nullableText(row['email_verified_at']),
    totpSecret: nullableText(row['totp_secret']),
    totpEnabledAt: nullableText(row['totp_enabled_at']),
    totpLastStep:
      row['totp_last_step'] === null || row['totp_last_step'] === undefined ? null : toNumber(row['totp_last_step']),
    failedLogins: toNumber(row['failed_logins']),
    nextLoginAt: nullableText(row['next_login_at']),
    lockedUntil: nullableText(row['locked_until']),
    passwordChangedAt: String(row['password_changed_at']),
    installationAdmin: toNumber(row['installation_admin']) === 1,
    createdAt: String(row['created_at']),
    updatedAt: String(row['updated_at']),
  };
}

function toDb(value: unknown): unknown {
  return typeof value === 'boolean' ? (value ? 1 : 0) : value;
}

export function createIdentityRepo(db: Executor) {
  const users = db.table('users');
  const memberships = db.table('memberships');
  const roles = db.table('roles');
  const tenants = db.table('tenants');
  const recovery = db.table('recovery_codes');
  const codes = db.table('one_time_codes');

  async function membershipRows(tx: Executor, where: SQL): Promise<MembershipRow[]> {
    const rows = await tx.rows(sql`SELECT m.user_id, m.tenant_id, t.name AS tenant_name, m.role_id
      FROM ${memberships} m JOIN ${tenants} t ON CAST(t.id AS TEXT) = m.tenant_id
      WHERE ${where} ORDER BY t.name, t.id`);
    return rows.map((r) => ({
      userId: String(r['user_id']),
      tenantId: String(r['tenant_id']),
      tenantName: String(r['tenant_name']),
      roleId: String(r['role_id']),
    }));
  }

  return {
    async countUsers(tx: Executor = db): Promise<number> {
      const [row] = await tx.rows(sql`SELECT count(*) AS n FROM ${users}`);
      return toNumber(row?.['n']);
    },
    async userByEmail(email: string, tx: Executor = db): Promise<UserRow | null> {
      const [row] = await tx.rows(sql`SELECT * FROM ${users} WHERE email = ${email}`);
      return row ? toUser(row) : null;
    },
    async user(id: string, tx: Executor = db): Promise<UserRow | null> {
      const [row] = await tx.rows(sql`SELECT * FROM ${users} WHERE id = ${id}`);
      return row ? toUser(row) : null;
    },
    async insertUser(user: UserRow, tx: Executor = db): Promise<void> {
      const keys = Object.keys(columns) as (keyof UserRow)[];
      await tx.run(
        sql`INSERT INTO ${users} (${sql.raw(keys.map((k) => columns[k]).join(', '))})
            VALUES (${sql.join(
              keys.map((k) => sql`${toDb(user[k])}`),
              sql`, `,
            )})`,
      );
    },
    async updateUser(id: string, changes: Partial<Omit<UserRow, 'id'>>, tx: Executor = db): Promise<void> {
      const sets: SQL[] = Object.entries(changes).map(
        ([key, value]) => sql`${sql.raw(columns[key as keyof UserRow])} = ${toDb(value)}`,
      );
      if (sets.length === 0) return;
      await tx.run(sql`UPDATE ${users} SET ${sql.join(sets, sql`, `)} WHERE id = ${id}`);
    },

    /** The companies a user is a member of (accepted, not archived): what sessions can work in. */
    async membershipsOf(userId: string, tx: Executor = db): Promise<MembershipRow[]> {
      return membershipRows(tx, sql`m.user_id = ${userId} AND m.invited_at IS NULL AND t.archived_at IS NULL`);
    },
    /** Invitations the user has not answered yet (companies not archived). */
    async invitationsOf(userId: string, tx: Executor = db): Promise<MembershipRow[]> {
      return membershipRows(tx, sql`m.user_id = ${userId} AND m.invited_at IS NOT NULL AND t.archived_at IS NULL`);
    },
    /** Every company a user belongs to, archived ones included: whoever changes the user must administer all. */
    async belongsTo(userId: string, tx: Executor = db): Promise<MembershipRow[]> {
      return membershipRows(tx, sql`m.user_id = ${userId} AND m.invited_at IS NULL`);
    },
    /** Members and invited users of a company. */
    async membersOf(tenantId: string, tx: Executor = db): Promise<(UserRow & { roleId: string; invited: boolean })[]> {
      const rows = await tx.rows(sql`SELECT u.*, m.role_id, m.invited_at FROM ${users} u
        JOIN ${memberships} m ON m.user_id = u.id
        WHERE m.tenant_id = ${tenantId} ORDER BY u.name, u.email`);
      return rows.map((r) => ({
        ...toUser(r),
        roleId: String(r['role_id']),
        invited: typeof r['invited_at'] === 'string',
      }));
    },
    async setMembership(
      userId: string,
      tenantId: string,
      roleId: string,
      at: string,
      tx: Executor = db,
    ): Promise<void> {
      const changed = await tx.run(
        sql`UPDATE ${memberships} SET role_id = ${roleId} WHERE user_id = ${userId} AND tenant_id = ${tenantId}`,
      );
      if (changed === 0) {
        await tx.run(sql`INSERT INTO ${memberships} (user_id, tenant_id, role_id, created_at)
          VALUES (${userId}, ${tenantId}, ${roleId}, ${at})`);
      }
    },
    async invite(userId: string, tenantId: string, roleId: string, at: string, tx: Executor = db): Promise<void> {
      await tx.run(sql`INSERT INTO ${memberships} (user_id, tenant_id, role_id, created_at, invited_at)
        VALUES (${userId}, ${tenantId}, ${roleId}, ${at}, ${at})`);
    },
    /** Accepts (a member from now on) or declines (the invitation is gone); false when there was none. */
    async answerInvitation(userId: string, tenantId: string, accept: boolean, tx: Executor = db): Promise<boolean> {
      const open = sql`user_id = ${userId} AND tenant_id = ${tenantId} AND invited_at IS NOT NULL`;
      const changed = accept
        ? await tx.run(sql`UPDATE ${memberships} SET invited_at = NULL WHERE ${open}`)
        : await tx.run(sql`DELETE FROM ${memberships} WHERE ${open}`);
      return changed === 1;
    },
    async installationAdmins(tx: Executor = db): Promise<UserRow[]> {
      const rows = await tx.rows(sql`SELECT * FROM ${users} WHERE installation_admin = 1 AND active = 1`);
      return rows.map(toUser);
    },

    async customRoles(tenantId: string, tx: Executor = db): Promise<CustomRoleRow[]> {
      const rows = await tx.rows(sql`SELECT * FROM ${roles} WHERE tenant_id = ${tenantId} ORDER BY name`);
      return rows.map((r) => ({
        id: String(r['id']),
        tenantId: String(r['tenant_id']),
        name: String(r['name']),
        permissions: JSON.parse(String(r['permissions'])) as string[],
      }));
    },
    async insertRole(role: CustomRoleRow, at: string, tx: Executor = db): Promise<void> {
      await tx.run(sql`INSERT INTO ${roles} (id, tenant_id, name, permissions, builtin, created_at)
        VALUES (${role.id}, ${role.tenantId}, ${role.name}, ${JSON.stringify(role.permissions)}, 0, ${at})`);
    },
    async updateRole(role: CustomRoleRow, tx: Executor = db): Promise<void> {
      await tx.run(sql`UPDATE ${roles} SET name = ${role.name}, permissions = ${JSON.stringify(role.permissions)}
        WHERE id = ${role.id} AND tenant_id = ${role.tenantId}`);
    },
    async deleteRole(id: string, tenantId: string, tx: Executor = db): Promise<void> {
      await tx.run(sql`DELETE FROM ${roles} WHERE id = ${id} AND tenant_id = ${tenantId}`);
    },
    async roleMemberCounts(tenantId: string, tx: Executor = db): Promise<Map<string, number>> {
      const rows = await tx.rows(
        sql`SELECT role_id, count(*) AS n FROM ${memberships} WHERE tenant_id = ${tenantId} GROUP BY role_id`,
      );
      return new Map(rows.map((r) => [String(r['role_id']), toNumber(r['n'])]));
    },

    async replaceRecoveryCodes(userId: string, hashes: string[], tx: Executor = db): Promise<void> {
      await tx.run(sql`DELETE FROM ${recovery} WHERE user_id = ${userId}`);
      for (const hash of hashes) {
        await tx.run(sql`INSERT INTO ${recovery} (user_id, code_hash) VALUES (${userId}, ${hash})`);
      }
    },
    /**
     * Records the TOTP step a sign-in used, only if it is later than the last one: of two sign-ins
     * racing with the same code, exactly one gets true.
     */
    async claimTotpStep(userId: string, step: number, tx: Executor = db): Promise<boolean> {
      const changed = await tx.run(sql`UPDATE ${users} SET totp_last_step = ${step}
        WHERE id = ${userId} AND (totp_last_step IS NULL OR totp_last_step < ${step})`);
      return changed === 1;
    },
    /** Marks the code used; false when it does not exist or was used before. */
    async useRecoveryCode(userId: string, hash: string, at: string, tx: Executor = db): Promise<boolean> {
      const changed = await tx.run(sql`UPDATE ${recovery} SET used_at = ${at}
        WHERE user_id = ${userId} AND code_hash = ${hash} AND used_at IS NULL`);
      return changed === 1;
    },

    async insertCode(
      code: { id: string; userId: string; purpose: string; codeHash: string; expiresAt: string; createdAt: string },
      tx: Executor = db,
    ): Promise<void> {
      await tx.run(sql`INSERT INTO ${codes} (id, user_id, purpose, code_hash, expires_at, created_at)
        VALUES (${code.id}, ${code.userId}, ${code.purpose}, ${code.codeHash}, ${code.expiresAt}, ${code.createdAt})`);
    },
    /** Retires every open code of a purpose (a new one replaces them). */
    async retireCodes(userId: string, purpose: string, now: string, tx: Executor = db): Promise<void> {
      await tx.run(
        sql`UPDATE ${codes} SET used_at = ${now} WHERE user_id = ${userId} AND purpose = ${purpose} AND used_at IS NULL`,
      );
    },
    /** The newest unused, unexpired code of a purpose. */
    async openCode(userId: string, purpose: string, now: string, tx: Executor = db) {
      const [row] = await tx.rows(sql`SELECT id, code_hash, attempts FROM ${codes}
        WHERE user_id = ${userId} AND purpose = ${purpose} AND used_at IS NULL AND expires_at > ${now}
        ORDER BY created_at DESC LIMIT 1`);
      return row
        ? { id: String(row['id']), codeHash: String(row['code_hash']), attempts: toNumber(row['attempts']) }
        : null;
    },
    async useCode(id: string, now: string, tx: Executor = db): Promise<boolean> {
      return (await tx.run(sql`UPDATE ${codes} SET used_at = ${now} WHERE id = ${id} AND used_at IS NULL`)) === 1;
    },
    async markCode(id: string, change: { usedAt?: string; attempts?: number }, tx: Executor = db): Promise<void> {
      if (change.usedAt !== undefined)
        await tx.run(sql`UPDATE ${codes} SET used_at = ${change.usedAt} WHERE id = ${id}`);
      if (change.attempts !== undefined)
        await tx.run(sql`UPDATE ${codes} SET attempts = ${change.attempts} WHERE id = ${id}`);
    },
    async countCodesSince(userId: string, purpose: string, since: string, tx: Executor = db): Promise<number> {
      const [row] = await tx.rows(sql`SELECT count(*) AS n FROM ${codes}
        WHERE user_id = ${userId} AND purpose = ${purpose} AND created_at > ${since}`);
      return toNumber(row?.['n']);
    },
  };
}

export type IdentityRepo = ReturnType<typeof createIdentityRepo>;

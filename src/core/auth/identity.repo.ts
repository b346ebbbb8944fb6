// Users, memberships, custom roles, recovery and one-time codes: the identity tables of
// the system store, written once in SQL for both dialects (see db/executor.ts). Column names come
// from the table definitions in auth.schema.ts (col, selectColumns), so a rename is a compile error.
import { getTableName, sql, type SQL, type Table } from 'drizzle-orm';
import { col, columnName, selectColumns, toNumber, type Executor } from '../db/executor';
import { tenantsSqlite } from '../tenants/tenants.schema';
import { membershipsSqlite, oneTimeCodesSqlite, recoveryCodesSqlite, rolesSqlite, usersSqlite } from './auth.schema';

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

const u = usersSqlite;
const m = membershipsSqlite;
const r = rolesSqlite;
const rc = recoveryCodesSqlite;
const oc = oneTimeCodesSqlite;
const t = tenantsSqlite;

/** A row read with `selectColumns`: keyed by the definition's property names. */
type Read<T extends Table> = Record<keyof T['$inferSelect'], unknown>;

const nullableText = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function toUser(row: Read<typeof u>): UserRow {
  return {
    id: String(row.id),
    email: String(row.email),
    name: String(row.name),
    passwordHash: String(row.passwordHash),
    active: toNumber(row.active) === 1,
    mustChangePassword: toNumber(row.mustChangePassword) === 1,
    emailVerifiedAt: nullableText(row.emailVerifiedAt),
    totpSecret: nullableText(row.totpSecret),
    totpEnabledAt: nullableText(row.totpEnabledAt),
    totpLastStep: row.totpLastStep === null || row.totpLastStep === undefined ? null : toNumber(row.totpLastStep),
    failedLogins: toNumber(row.failedLogins),
    nextLoginAt: nullableText(row.nextLoginAt),
    lockedUntil: nullableText(row.lockedUntil),
    passwordChangedAt: String(row.passwordChangedAt),
    installationAdmin: toNumber(row.installationAdmin) === 1,
    createdAt: String(row.createdAt),
    updatedAt: String(row.updatedAt),
  };
}

/** Flags are integers in the store (on both dialects). */
const flag = (value: boolean): number => (value ? 1 : 0);
function toDb(value: unknown): unknown {
  return typeof value === 'boolean' ? flag(value) : value;
}

export function createIdentityRepo(db: Executor) {
  const users = db.table(getTableName(u));
  const memberships = db.table(getTableName(m));
  const roles = db.table(getTableName(r));
  const tenants = db.table(getTableName(t));
  const recovery = db.table(getTableName(rc));
  const codes = db.table(getTableName(oc));

  async function membershipRows(tx: Executor, where: SQL): Promise<MembershipRow[]> {
    const rows = await tx.rows(sql`SELECT ${col(m.userId, 'm')} AS "userId", ${col(m.tenantId, 'm')} AS "tenantId",
        ${col(t.name, 't')} AS "tenantName", ${col(m.roleId, 'm')} AS "roleId"
      FROM ${memberships} m JOIN ${tenants} t ON CAST(${col(t.id, 't')} AS TEXT) = ${col(m.tenantId, 'm')}
      WHERE ${where} ORDER BY ${col(t.name, 't')}, ${col(t.id, 't')}`);
    return rows.map((row) => ({
      userId: String(row['userId']),
      tenantId: String(row['tenantId']),
      tenantName: String(row['tenantName']),
      roleId: String(row['roleId']),
    }));
  }
  /** A membership of the user that is (or is not) still an invitation, in a company not archived. */
  const ofUser = (userId: string, invited: boolean, archivedToo = false) =>
    sql.join(
      [
        sql`${col(m.userId, 'm')} = ${userId}`,
        sql`${col(m.invitedAt, 'm')} ${sql.raw(invited ? 'IS NOT NULL' : 'IS NULL')}`,
        ...(archivedToo ? [] : [sql`${col(t.archivedAt, 't')} IS NULL`]),
      ],
      sql` AND `,
    );
  const userWhere = async (where: SQL, tx: Executor) =>
    (await tx.rows<Read<typeof u>>(sql`SELECT ${selectColumns(u)} FROM ${users} WHERE ${where}`)).map(toUser);

  return {
    async countUsers(tx: Executor = db): Promise<number> {
      const [row] = await tx.rows(sql`SELECT count(*) AS n FROM ${users}`);
      return toNumber(row?.['n']);
    },
    async userByEmail(email: string, tx: Executor = db): Promise<UserRow | null> {
      return (await userWhere(sql`${col(u.email)} = ${email}`, tx))[0] ?? null;
    },
    async user(id: string, tx: Executor = db): Promise<UserRow | null> {
      return (await userWhere(sql`${col(u.id)} = ${id}`, tx))[0] ?? null;
    },
    async insertUser(user: UserRow, tx: Executor = db): Promise<void> {
      await tx.insert(u, [
        {
          ...user,
          active: flag(user.active),
          mustChangePassword: flag(user.mustChangePassword),
          installationAdmin: flag(user.installationAdmin),
        },
      ]);
    },
    async updateUser(id: string, changes: Partial<Omit<UserRow, 'id'>>, tx: Executor = db): Promise<void> {
      const sets: SQL[] = Object.entries(changes).map(
        ([key, value]) => sql`${sql.identifier(columnName(u, key as keyof UserRow))} = ${toDb(value)}`,
      );
      if (sets.length === 0) return;
      await tx.run(sql`UPDATE ${users} SET ${sql.join(sets, sql`, `)} WHERE ${col(u.id)} = ${id}`);
    },

    /** The companies a user is a member of (accepted, not archived): what sessions can work in. */
    async membershipsOf(userId: string, tx: Executor = db): Promise<MembershipRow[]> {
      return membershipRows(tx, ofUser(userId, false));
    },
    /** Invitations the user has not answered yet (companies not archived). */
    async invitationsOf(userId: string, tx: Executor = db): Promise<MembershipRow[]> {
      return membershipRows(tx, ofUser(userId, true));
    },
    /** Every company a user belongs to, archived ones included: whoever changes the user must administer all. */
    async belongsTo(userId: string, tx: Executor = db): Promise<MembershipRow[]> {
      return membershipRows(tx, ofUser(userId, false, true));
    },
    /** Members and invited users of a company. */
    async membersOf(tenantId: string, tx: Executor = db): Promise<(UserRow & { roleId: string; invited: boolean })[]> {
      const rows = await tx.rows<Read<typeof u> & { memberRole: unknown; invitedAt: unknown }>(
        sql`SELECT ${selectColumns(u, 'u')}, ${col(m.roleId, 'm')} AS "memberRole", ${col(m.invitedAt, 'm')} AS "invitedAt"
          FROM ${users} u JOIN ${memberships} m ON ${col(m.userId, 'm')} = ${col(u.id, 'u')}
          WHERE ${col(m.tenantId, 'm')} = ${tenantId} ORDER BY ${col(u.name, 'u')}, ${col(u.email, 'u')}`,
      );
      return rows.map((row) => ({
        ...toUser(row),
        roleId: String(row.memberRole),
        invited: typeof row.invitedAt === 'string',
      }));
    },
    async setMembership(
      userId: string,
      tenantId: string,
      roleId: string,
      at: string,
      tx: Executor = db,
    ): Promise<void> {
      const changed = await tx.run(sql`UPDATE ${memberships} SET ${col(m.roleId)} = ${roleId}
        WHERE ${col(m.userId)} = ${userId} AND ${col(m.tenantId)} = ${tenantId}`);
      if (changed === 0) await tx.insert(m, [{ userId, tenantId, roleId, createdAt: at }]);
    },
    async invite(userId: string, tenantId: string, roleId: string, at: string, tx: Executor = db): Promise<void> {
      await tx.insert(m, [{ userId, tenantId, roleId, createdAt: at, invitedAt: at }]);
    },
    /** Accepts (a member from now on) or declines (the invitation is gone); false when there was none. */
    async answerInvitation(userId: string, tenantId: string, accept: boolean, tx: Executor = db): Promise<boolean> {
      const open = sql`${col(m.userId)} = ${userId} AND ${col(m.tenantId)} = ${tenantId} AND ${col(m.invitedAt)} IS NOT NULL`;
      const changed = accept
        ? await tx.run(sql`UPDATE ${memberships} SET ${col(m.invitedAt)} = NULL WHERE ${open}`)
        : await tx.run(sql`DELETE FROM ${memberships} WHERE ${open}`);
      return changed === 1;
    },
    async installationAdmins(tx: Executor = db): Promise<UserRow[]> {
      return userWhere(sql`${col(u.installationAdmin)} = 1 AND ${col(u.active)} = 1`, tx);
    },

    async customRoles(tenantId: string, tx: Executor = db): Promise<CustomRoleRow[]> {
      const rows = await tx.rows<Read<typeof r>>(
        sql`SELECT ${selectColumns(r)} FROM ${roles} WHERE ${col(r.tenantId)} = ${tenantId} ORDER BY ${col(r.name)}`,
      );
      return rows.map((row) => ({
        id: String(row.id),
        tenantId: String(row.tenantId),
        name: String(row.name),
        permissions: JSON.parse(String(row.permissions)) as string[],
      }));
    },
    async insertRole(role: CustomRoleRow, at: string, tx: Executor = db): Promise<void> {
      await tx.insert(r, [{ ...role, permissions: JSON.stringify(role.permissions), builtin: 0, createdAt: at }]);
    },
    async updateRole(role: CustomRoleRow, tx: Executor = db): Promise<void> {
      await tx.run(sql`UPDATE ${roles} SET ${col(r.name)} = ${role.name}, ${col(r.permissions)} = ${JSON.stringify(role.permissions)}
        WHERE ${col(r.id)} = ${role.id} AND ${col(r.tenantId)} = ${role.tenantId}`);
    },
    async deleteRole(id: string, tenantId: string, tx: Executor = db): Promise<void> {
      await tx.run(sql`DELETE FROM ${roles} WHERE ${col(r.id)} = ${id} AND ${col(r.tenantId)} = ${tenantId}`);
    },
    async roleMemberCounts(tenantId: string, tx: Executor = db): Promise<Map<string, number>> {
      const rows = await tx.rows(sql`SELECT ${col(m.roleId)} AS "roleId", count(*) AS n FROM ${memberships}
        WHERE ${col(m.tenantId)} = ${tenantId} GROUP BY ${col(m.roleId)}`);
      return new Map(rows.map((row) => [String(row['roleId']), toNumber(row['n'])]));
    },

    async replaceRecoveryCodes(userId: string, hashes: string[], tx: Executor = db): Promise<void> {
      await tx.run(sql`DELETE FROM ${recovery} WHERE ${col(rc.userId)} = ${userId}`);
      await tx.insert(
        rc,
        hashes.map((codeHash) => ({ userId, codeHash })),
      );
    },
    /**
     * Records the TOTP step a sign-in used, only if it is later than the last one: of two sign-ins
     * racing with the same code, exactly one gets true.
     */
    async claimTotpStep(userId: string, step: number, tx: Executor = db): Promise<boolean> {
      const last = col(u.totpLastStep);
      const changed = await tx.run(sql`UPDATE ${users} SET ${last} = ${step}
        WHERE ${col(u.id)} = ${userId} AND (${last} IS NULL OR ${last} < ${step})`);
      return changed === 1;
    },
    /** Marks the code used; false when it does not exist or was used before. */
    async useRecoveryCode(userId: string, hash: string, at: string, tx: Executor = db): Promise<boolean> {
      const changed = await tx.run(sql`UPDATE ${recovery} SET ${col(rc.usedAt)} = ${at}
        WHERE ${col(rc.userId)} = ${userId} AND ${col(rc.codeHash)} = ${hash} AND ${col(rc.usedAt)} IS NULL`);
      return changed === 1;
    },

    async insertCode(
      code: { id: string; userId: string; purpose: string; codeHash: string; expiresAt: string; createdAt: string },
      tx: Executor = db,
    ): Promise<void> {
      await tx.insert(oc, [code]);
    },
    /** Retires every open code of a purpose (a new one replaces them). */
    async retireCodes(userId: string, purpose: string, now: string, tx: Executor = db): Promise<void> {
      await tx.run(sql`UPDATE ${codes} SET ${col(oc.usedAt)} = ${now}
        WHERE ${col(oc.userId)} = ${userId} AND ${col(oc.purpose)} = ${purpose} AND ${col(oc.usedAt)} IS NULL`);
    },
    /** The newest unused, unexpired code of a purpose. */
    async openCode(userId: string, purpose: string, now: string, tx: Executor = db) {
      const [row] = await tx.rows<Read<typeof oc>>(sql`SELECT ${selectColumns(oc)} FROM ${codes}
        WHERE ${col(oc.userId)} = ${userId} AND ${col(oc.purpose)} = ${purpose} AND ${col(oc.usedAt)} IS NULL
          AND ${col(oc.expiresAt)} > ${now}
        ORDER BY ${col(oc.createdAt)} DESC LIMIT 1`);
      return row ? { id: String(row.id), codeHash: String(row.codeHash), attempts: toNumber(row.attempts) } : null;
    },
    async useCode(id: string, now: string, tx: Executor = db): Promise<boolean> {
      const changed = await tx.run(
        sql`UPDATE ${codes} SET ${col(oc.usedAt)} = ${now} WHERE ${col(oc.id)} = ${id} AND ${col(oc.usedAt)} IS NULL`,
      );
      return changed === 1;
    },
    async markCode(id: string, change: { usedAt?: string; attempts?: number }, tx: Executor = db): Promise<void> {
      if (change.usedAt !== undefined)
        await tx.run(sql`UPDATE ${codes} SET ${col(oc.usedAt)} = ${change.usedAt} WHERE ${col(oc.id)} = ${id}`);
      if (change.attempts !== undefined)
        await tx.run(sql`UPDATE ${codes} SET ${col(oc.attempts)} = ${change.attempts} WHERE ${col(oc.id)} = ${id}`);
    },
    async countCodesSince(userId: string, purpose: string, since: string, tx: Executor = db): Promise<number> {
      const [row] = await tx.rows(sql`SELECT count(*) AS n FROM ${codes}
        WHERE ${col(oc.userId)} = ${userId} AND ${col(oc.purpose)} = ${purpose} AND ${col(oc.createdAt)} > ${since}`);
      return toNumber(row?.['n']);
    },
  };
}

export type IdentityRepo = ReturnType<typeof createIdentityRepo>;

// Identity tables of the system store, for both dialects side by side. Timestamps are ISO-8601
// text and flags are integers on both dialects, so one SQL text serves both (see db/executor.ts).
import { integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import {
  integer as pgInteger,
  pgTable,
  primaryKey as pgPrimaryKey,
  text as pgText,
  uniqueIndex as pgUniqueIndex,
} from 'drizzle-orm/pg-core';

export const usersSqlite = sqliteTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  active: integer('active').notNull().default(1),
  mustChangePassword: integer('must_change_password').notNull().default(0),
  emailVerifiedAt: text('email_verified_at'),
  totpSecret: text('totp_secret'),
  totpEnabledAt: text('totp_enabled_at'),
  totpLastStep: integer('totp_last_step'),
  failedLogins: integer('failed_logins').notNull().default(0),
  nextLoginAt: text('next_login_at'),
  lockedUntil: text('locked_until'),
  passwordChangedAt: text('password_changed_at').notNull(),
  /** 1: an installation administrator (database, SMTP, sign-in rules, companies, key backup). */
  installationAdmin: integer('installation_admin').notNull().default(0),
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
});

export const usersPg = pgTable('users', {
  id: pgText('id').primaryKey(),
  email: pgText('email').notNull().unique(),
  name: pgText('name').notNull(),
  passwordHash: pgText('password_hash').notNull(),
  active: pgInteger('active').notNull().default(1),
  mustChangePassword: pgInteger('must_change_password').notNull().default(0),
  emailVerifiedAt: pgText('email_verified_at'),
  totpSecret: pgText('totp_secret'),
  totpEnabledAt: pgText('totp_enabled_at'),
  totpLastStep: pgInteger('totp_last_step'),
  failedLogins: pgInteger('failed_logins').notNull().default(0),
  nextLoginAt: pgText('next_login_at'),
  lockedUntil: pgText('locked_until'),
  passwordChangedAt: pgText('password_changed_at').notNull(),
  installationAdmin: pgInteger('installation_admin').notNull().default(0),
  createdAt: pgText('created_at').notNull(),
  updatedAt: pgText('updated_at').notNull(),
});

export const rolesSqlite = sqliteTable(
  'roles',
  {
    id: text('id').primaryKey(),
    /** Null for the built-in roles, which every tenant has. */
    tenantId: text('tenant_id'),
    name: text('name').notNull(),
    permissions: text('permissions').notNull(),
    builtin: integer('builtin').notNull().default(0),
    createdAt: text('created_at').notNull(),
  },
  (t) => [uniqueIndex('roles_tenant_name_idx').on(t.tenantId, t.name)],
);

export const rolesPg = pgTable(
  'roles',
  {
    id: pgText('id').primaryKey(),
    tenantId: pgText('tenant_id'),
    name: pgText('name').notNull(),
    permissions: pgText('permissions').notNull(),
    builtin: pgInteger('builtin').notNull().default(0),
    createdAt: pgText('created_at').notNull(),
  },
  (t) => [pgUniqueIndex('roles_tenant_name_idx').on(t.tenantId, t.name)],
);

export const membershipsSqlite = sqliteTable(
  'memberships',
  {
    userId: text('user_id').notNull(),
    tenantId: text('tenant_id').notNull(),
    roleId: text('role_id').notNull(),
    createdAt: text('created_at').notNull(),
    /** Set while the user has been invited but has not accepted yet: not a member until then. */
    invitedAt: text('invited_at'),
  },
  (t) => [primaryKey({ columns: [t.userId, t.tenantId] })],
);

export const membershipsPg = pgTable(
  'memberships',
  {
    userId: pgText('user_id').notNull(),
    tenantId: pgText('tenant_id').notNull(),
    roleId: pgText('role_id').notNull(),
    createdAt: pgText('created_at').notNull(),
    invitedAt: pgText('invited_at'),
  },
  (t) => [pgPrimaryKey({ columns: [t.userId, t.tenantId] })],
);

export const recoveryCodesSqlite = sqliteTable(
  'recovery_codes',
  {
    userId: text('user_id').notNull(),
    codeHash: text('code_hash').notNull(),
    usedAt: text('used_at'),
  },
  (t) => [primaryKey({ columns: [t.userId, t.codeHash] })],
);

export const recoveryCodesPg = pgTable(
  'recovery_codes',
  {
    userId: pgText('user_id').notNull(),
    codeHash: pgText('code_hash').notNull(),
    usedAt: pgText('used_at'),
  },
  (t) => [pgPrimaryKey({ columns: [t.userId, t.codeHash] })],
);

export const oneTimeCodesSqlite = sqliteTable('one_time_codes', {
  id: text('id').primaryKey(),
  userId: text('user_id').notNull(),
  purpose: text('purpose').notNull(),
  codeHash: text('code_hash').notNull(),
  expiresAt: text('expires_at').notNull(),
  usedAt: text('used_at'),
  /** Wrong guesses so far; the code dies after a few, so six or eight digits cannot be brute-forced. */
  attempts: integer('attempts').notNull().default(0),
  createdAt: text('created_at').notNull(),
});

export const oneTimeCodesPg = pgTable('one_time_codes', {
  id: pgText('id').primaryKey(),
  userId: pgText('user_id').notNull(),
  purpose: pgText('purpose').notNull(),
  codeHash: pgText('code_hash').notNull(),
  expiresAt: pgText('expires_at').notNull(),
  usedAt: pgText('used_at'),
  attempts: pgInteger('attempts').notNull().default(0),
  createdAt: pgText('created_at').notNull(),
});

import { z } from 'zod';
import { emailSchema, newPasswordSchema, personNameSchema } from './auth';
import { permissions } from './permissions';
import { procedure } from './procedure';

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  active: z.boolean(),
  roleId: z.string(),
  roleName: z.string(),
  emailVerified: z.boolean(),
  twoFactor: z.boolean(),
  mustChangePassword: z.boolean(),
  lockedUntil: z.string().nullable(),
  /** Invited into this company and not accepted yet. */
  invited: z.boolean(),
  installationAdmin: z.boolean(),
  createdAt: z.string(),
});
export type User = z.infer<typeof userSchema>;

export const roleSchema = z.object({
  id: z.string(),
  name: z.string(),
  permissions: z.array(z.enum(permissions)),
  builtin: z.boolean(),
  members: z.number().int(),
});
export type Role = z.infer<typeof roleSchema>;

const roleNameSchema = z.string().trim().min(1, 'Name is required').max(60);
const permissionListSchema = z.array(z.enum(permissions)).max(permissions.length);
const idInput = z.strictObject({ id: z.string().min(1).max(100) });

export const securitySettingsSchema = z.strictObject({
  maxFailedLogins: z.number().int().min(3).max(20),
  lockoutMinutes: z.number().int().min(1).max(1440),
  idleMinutes: z.number().int().min(1).max(240),
  absoluteHours: z.number().int().min(1).max(72),
  /** For the current tenant: every member must use 2FA. */
  requireTwoFactor: z.boolean(),
});
export type SecuritySettings = z.infer<typeof securitySettingsSchema>;

export const usersContract = {
  'users.list': procedure({
    summary: 'List the users of the current company',
    input: z.strictObject({}),
    output: z.array(userSchema),
    permission: 'users.manage',
  }),
  'users.create': procedure({
    summary:
      'Create a user in the current company with an initial password (changed at first sign-in); an existing user of another company is invited instead and keeps their account',
    input: z.strictObject({
      email: emailSchema,
      name: personNameSchema,
      roleId: z.string().min(1, 'Role is required').max(100),
      password: newPasswordSchema,
    }),
    output: userSchema,
    permission: 'users.manage',
  }),
  'users.update': procedure({
    summary: "Change a user's name, email or role in the current company",
    input: z.strictObject({
      id: z.string().min(1).max(100),
      name: personNameSchema.optional(),
      email: emailSchema.optional(),
      roleId: z.string().min(1).max(100).optional(),
    }),
    output: userSchema,
    permission: 'users.manage',
  }),
  'users.deactivate': procedure({
    summary: 'Deactivate a user: no more sign-ins, open sessions end',
    input: idInput,
    output: userSchema,
    permission: 'users.manage',
  }),
  'users.reactivate': procedure({
    summary: 'Reactivate a user',
    input: idInput,
    output: userSchema,
    permission: 'users.manage',
  }),
  'users.resetPassword': procedure({
    summary: "Set a user's password; they must change it at the next sign-in",
    input: z.strictObject({ id: z.string().min(1).max(100), password: newPasswordSchema }),
    output: userSchema,
    permission: 'users.manage',
  }),
  'users.resetTwoFactor': procedure({
    summary: "Switch a user's 2FA off (lost phone and recovery codes); they enrol again",
    input: idInput,
    output: userSchema,
    permission: 'users.manage',
  }),
  'users.unlock': procedure({
    summary: 'Lift the lockout of a user who failed to sign in too often',
    input: idInput,
    output: userSchema,
    permission: 'users.manage',
  }),
  'users.setInstallationAdmin': procedure({
    summary: 'Make a user an installation administrator, or take that away (never from the last one)',
    input: z.strictObject({ id: z.string().min(1).max(100), installationAdmin: z.boolean() }),
    output: userSchema,
    permission: 'installation.manage',
  }),
  'roles.list': procedure({
    summary: 'List the roles of the current company, built-in and custom',
    input: z.strictObject({}),
    output: z.array(roleSchema),
    permission: 'users.manage',
  }),
  'roles.create': procedure({
    summary: 'Create a custom role from permissions',
    input: z.strictObject({ name: roleNameSchema, permissions: permissionListSchema }),
    output: roleSchema,
    permission: 'users.manage',
  }),
  'roles.update': procedure({
    summary: 'Rename a custom role or change its permissions',
    input: z.strictObject({
      id: z.string().min(1).max(100),
      name: roleNameSchema.optional(),
      permissions: permissionListSchema.optional(),
    }),
    output: roleSchema,
    permission: 'users.manage',
  }),
  'roles.delete': procedure({
    summary: 'Delete a custom role that nobody has',
    input: idInput,
    output: z.object({ deleted: z.literal(true) }),
    permission: 'users.manage',
  }),
  'security.get': procedure({
    summary: 'Sign-in and session rules',
    input: z.strictObject({}),
    output: securitySettingsSchema,
    permission: 'settings.manage',
  }),
  'security.set': procedure({
    summary:
      "Change sign-in and session rules (the installation's limits need an installation administrator; 2FA per company)",
    input: securitySettingsSchema.partial(),
    output: securitySettingsSchema,
    permission: 'settings.manage',
  }),
} as const;

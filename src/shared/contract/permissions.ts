// Permissions are declared here once; roles are sets of them.
export const permissions = [
  'customers.read',
  'customers.write',
  'customers.delete',
  'analytics.read',
  'users.manage',
  'audit.read',
  'settings.manage',
  'tenants.manage',
  /** GDPR: export everything about a person, erase them, run retention rules. */
  'gdpr.manage',
] as const;
export type Permission = (typeof permissions)[number];

/**
 * What an installation administrator may do: everything that affects more than one company (the
 * database, SMTP, the sign-in rules, creating companies, the key backup, the whole audit log).
 * It comes from the user's installation-administrator flag, never from a role of one company.
 */
export const INSTALLATION_ADMIN = 'installation.manage';
export const grants = [...permissions, INSTALLATION_ADMIN] as const;
/** What a session can hold: the permissions of its role, and possibly the installation grant. */
export type Grant = (typeof grants)[number];

export const builtinRoleIds = ['administrator', 'manager', 'clerk', 'viewer'] as const;
export type BuiltinRoleId = (typeof builtinRoleIds)[number];

/** The built-in roles every tenant has. Custom roles are made in the admin screen. */
export const builtinRoles: Record<BuiltinRoleId, { name: string; permissions: readonly Permission[] }> = {
  administrator: { name: 'Administrator', permissions },
  manager: {
    name: 'Manager',
    permissions: ['customers.read', 'customers.write', 'customers.delete', 'analytics.read', 'audit.read'],
  },
  clerk: { name: 'Clerk', permissions: ['customers.read', 'customers.write'] },
  viewer: { name: 'Viewer', permissions: ['customers.read', 'analytics.read'] },
};

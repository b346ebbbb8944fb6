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

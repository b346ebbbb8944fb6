// Permissions are declared here once; roles (a later issue) are sets of them.
export const permissions = ['customers.read', 'customers.write', 'settings.manage', 'tenants.manage'] as const;
export type Permission = (typeof permissions)[number];

// Roles: the built-in ones from the contract, plus the custom roles of each tenant.
import { builtinRoleIds, builtinRoles, permissions, type Permission, type Role } from '../../shared/contract';
import type { IdentityRepo } from './identity.repo';

export interface ResolvedRole {
  readonly id: string;
  readonly name: string;
  readonly permissions: readonly Permission[];
  readonly builtin: boolean;
}

const isBuiltin = (id: string): id is (typeof builtinRoleIds)[number] =>
  (builtinRoleIds as readonly string[]).includes(id);
const known = (p: string): p is Permission => (permissions as readonly string[]).includes(p);

export async function rolesOf(repo: IdentityRepo, tenantId: string): Promise<ResolvedRole[]> {
  const builtin = builtinRoleIds.map((id) => ({ id, ...builtinRoles[id], builtin: true }));
  const custom = (await repo.customRoles(tenantId)).map((r) => ({
    id: r.id,
    name: r.name,
    permissions: r.permissions.filter(known),
    builtin: false,
  }));
  return [...builtin, ...custom];
}

export async function resolveRole(repo: IdentityRepo, tenantId: string, roleId: string): Promise<ResolvedRole | null> {
  if (isBuiltin(roleId)) return { id: roleId, ...builtinRoles[roleId], builtin: true };
  return (await rolesOf(repo, tenantId)).find((r) => r.id === roleId) ?? null;
}

/** The companies in which a user's role grants a permission (archived companies included). */
export async function companiesGranting(
  repo: IdentityRepo,
  userId: string,
  permission: Permission,
): Promise<Set<string>> {
  const granted = new Set<string>();
  for (const m of await repo.belongsTo(userId)) {
    if ((await resolveRole(repo, m.tenantId, m.roleId))?.permissions.includes(permission)) granted.add(m.tenantId);
  }
  return granted;
}

export function toRole(role: ResolvedRole, members: number): Role {
  return { id: role.id, name: role.name, permissions: [...role.permissions], builtin: role.builtin, members };
}

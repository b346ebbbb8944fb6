// Built-in roles read in the user's language; custom roles by the name their company gave them.
import type { TFunction } from 'i18next';
import { builtinRoleIds, type BuiltinRoleId } from '../../../shared/contract';

export function roleLabel(role: { id: string; name: string }, t: TFunction): string {
  return (builtinRoleIds as readonly string[]).includes(role.id) ? t(`roles.${role.id as BuiltinRoleId}`) : role.name;
}

import type { Role } from '../../api/types';
import { t, type MessageKey } from '../../i18n';

/** Roles that can be given through the UI. Only owners can make (or change) owners. */
export function assignableRoles(myRole: Role): Role[] {
  return myRole === 'owner' ? ['owner', 'admin', 'agent'] : ['admin', 'agent'];
}

/** Roles an invitation can carry. */
export const INVITABLE_ROLES: Role[] = ['admin', 'agent'];

export function roleLabel(role: Role): string {
  const key = `role.${role}` as MessageKey;
  return ['owner', 'admin', 'agent'].includes(role) ? t(key) : role;
}


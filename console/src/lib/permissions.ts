// What each role may do, mirrored from the console API so the UI can hide or disable actions.
// The API stays the judge: a hidden button is a convenience, a 403 is the rule.
import type { Permission, Principal, Role } from '../api/types.js';

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  Admin: ['apps:read', 'apps:write', 'pipeline:read', 'pipeline:write', 'health:read', 'analytics:read', 'analytics:write', 'metadata:write', 'users:manage'],
  Operator: ['apps:read', 'apps:write', 'pipeline:read', 'pipeline:write', 'health:read'],
  Analyst: ['apps:read', 'health:read', 'analytics:read', 'analytics:write', 'metadata:write'],
  AnalystReader: ['apps:read', 'health:read', 'analytics:read'],
};

export function permissionsOf(principal: Principal | undefined): Set<Permission> {
  if (!principal) return new Set();
  if (principal.permissions) return new Set(principal.permissions);
  return new Set(principal.roles.flatMap((r) => ROLE_PERMISSIONS[r as Role] ?? []));
}

/** The roles that grant a permission, for "needs the Operator role" hints. */
export function rolesWith(permission: Permission): Role[] {
  return (Object.keys(ROLE_PERMISSIONS) as Role[]).filter((r) => ROLE_PERMISSIONS[r].includes(permission));
}

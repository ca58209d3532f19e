import * as z from 'zod';
import type { Permission, Principal } from './router.js';

/** The console's roles (issue 8). Identity providers name them in a claim; local users have one. */
export const Role = z.enum(['Admin', 'Operator', 'Analyst', 'AnalystReader']);
export type Role = z.infer<typeof Role>;
export const roles: readonly Role[] = Role.options;

type Granted = Exclude<Permission, 'public' | 'authenticated'>;

/**
 * What each role may do. Pipeline configuration stays with Admin and Operator: plugin options can
 * hold secrets (e.g. a redaction salt). Every role sees pipeline health: freshness matters to
 * whoever reads the numbers.
 */
export const rolePermissions: Readonly<Record<Role, readonly Granted[]>> = {
  Admin: [
    'apps:read',
    'apps:write',
    'pipeline:read',
    'pipeline:write',
    'health:read',
    'analytics:read',
    'analytics:write',
    'metadata:write',
    'users:manage',
  ],
  Operator: ['apps:read', 'apps:write', 'pipeline:read', 'pipeline:write', 'health:read'],
  Analyst: ['apps:read', 'health:read', 'analytics:read', 'analytics:write', 'metadata:write'],
  AnalystReader: ['apps:read', 'health:read', 'analytics:read'],
};

/**
 * The known roles among the names an identity provider sent, matched case-insensitively, with an
 * optional mapping of the provider's group names (`clickstream-admins` → Admin).
 */
export function knownRoles(names: readonly string[], groupMap: Readonly<Record<string, Role>> = {}): Role[] {
  const byLower = new Map(roles.map((r) => [r.toLowerCase(), r]));
  const out = new Set<Role>();
  for (const name of names) {
    const role = groupMap[name] ?? byLower.get(name.trim().toLowerCase());
    if (role) out.add(role);
  }
  return roles.filter((r) => out.has(r));
}

export function permissionsOf(principal: Pick<Principal, 'roles'>): Granted[] {
  const granted = new Set<Granted>();
  for (const role of knownRoles(principal.roles)) for (const p of rolePermissions[role]) granted.add(p);
  return [...granted].sort();
}

/** Whether a signed-in caller may use a route that needs `permission`. */
export function allows(principal: Pick<Principal, 'roles'>, permission: Permission): boolean {
  if (permission === 'public' || permission === 'authenticated') return true;
  return permissionsOf(principal).includes(permission);
}

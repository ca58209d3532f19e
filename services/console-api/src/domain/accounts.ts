import { AppError } from '@clickstream/lambda-kit';
import type { Clock } from '@clickstream/lambda-kit';
import type { AccountStore } from '../ports/accounts.js';
import type { AuthSetup, ConsoleApiPorts } from '../ports/index.js';
import { conflict } from './errors.js';
import type { LocalUser } from './model.js';
import { generatePassword, hashPassword, verifyPassword, type ScryptCost } from './passwords.js';
import { permissionsOf, type Role } from './roles.js';

export const ADMIN_USERNAME = 'admin';

/** Local accounts exist only in embedded mode without OIDC; elsewhere users live in the identity provider. */
export function localAuth(ports: Pick<ConsoleApiPorts, 'auth'>): Extract<AuthSetup, { mode: 'local' }> {
  if (ports.auth.mode !== 'local') {
    throw new AppError(404, 'LOCAL_ACCOUNTS_DISABLED', 'Users are managed in the identity provider (OIDC), not here.');
  }
  return ports.auth;
}

export const localAccounts = (ports: Pick<ConsoleApiPorts, 'auth'>): AccountStore => localAuth(ports).accounts;

/** What the API shows of a user: never the hash. */
export const publicUser = (u: LocalUser) => ({
  username: u.username,
  role: u.role,
  disabled: u.disabled,
  permissions: permissionsOf({ roles: [u.role] }),
  createdAt: u.createdAt,
  updatedAt: u.updatedAt,
});

// Unknown users are checked against this hash, so a wrong name takes as long as a wrong password.
let decoy: Promise<string> | undefined;

/** The user when the password is right and the account enabled; undefined otherwise (one answer for every failure). */
export async function checkCredentials(accounts: AccountStore, username: string, password: string): Promise<LocalUser | undefined> {
  const user = await accounts.getUser(username);
  const ok = await verifyPassword(password, user?.passwordHash ?? (await (decoy ??= hashPassword(generatePassword()))));
  return ok && user && !user.disabled ? user : undefined;
}

/**
 * The first start creates `admin` with the given password or a generated one (returned once, for
 * the start-up banner). With a password given, later starts reset `admin` to it: the way back in
 * when the password is lost.
 */
export async function ensureAdmin(
  accounts: AccountStore,
  clock: Clock,
  password: string | undefined,
  cost?: ScryptCost,
): Promise<{ username: string; generatedPassword?: string } | undefined> {
  const now = new Date(clock.now()).toISOString();
  const existing = await accounts.getUser(ADMIN_USERNAME);
  if ((await accounts.countUsers()) > 0 && !password) return undefined;
  if (existing && password) {
    if (!existing.disabled && existing.role === 'Admin' && (await verifyPassword(password, existing.passwordHash))) return undefined;
    await accounts.updateUser({ ...existing, role: 'Admin', disabled: false, passwordHash: await hashPassword(password, cost), updatedAt: now });
    await accounts.deleteSessionsOf(ADMIN_USERNAME);
    return { username: ADMIN_USERNAME };
  }
  const chosen = password ?? generatePassword();
  const admin: LocalUser = {
    username: ADMIN_USERNAME,
    role: 'Admin',
    disabled: false,
    passwordHash: await hashPassword(chosen, cost),
    createdAt: now,
    updatedAt: now,
  };
  if (!(await accounts.createUser(admin))) return undefined;
  return password ? { username: ADMIN_USERNAME } : { username: ADMIN_USERNAME, generatedPassword: chosen };
}

/** Refuses a change that would leave no enabled Admin: nobody could manage users any more. */
export async function keepAnAdmin(accounts: AccountStore, username: string, next: { role: Role; disabled: boolean } | 'deleted'): Promise<void> {
  const stillAdmin = next !== 'deleted' && next.role === 'Admin' && !next.disabled;
  if (stillAdmin) return;
  const admins = (await accounts.listUsers()).filter((u) => u.role === 'Admin' && !u.disabled && u.username !== username);
  if (admins.length === 0) throw conflict('LAST_ADMIN', 'This is the last enabled Admin: make someone else Admin first.');
}

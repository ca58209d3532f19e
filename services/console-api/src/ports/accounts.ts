import type { LocalSession, LocalUser } from '../domain/model.js';

/** Local users and their sessions (embedded mode without OIDC; SQLite). */
export interface AccountStore {
  countUsers(): Promise<number>;
  listUsers(): Promise<LocalUser[]>;
  getUser(username: string): Promise<LocalUser | undefined>;
  /** False when the name is taken. */
  createUser(user: LocalUser): Promise<boolean>;
  /** False when there is no such user. */
  updateUser(user: LocalUser): Promise<boolean>;
  /** Removes the user and their sessions; false when there was none. */
  deleteUser(username: string): Promise<boolean>;

  createSession(session: LocalSession): Promise<void>;
  getSession(idHash: string): Promise<LocalSession | undefined>;
  /** Slides the expiry of a session in use. */
  extendSession(idHash: string, expiresAt: string): Promise<void>;
  deleteSession(idHash: string): Promise<void>;
  /** Signs a user out everywhere (password change, role change, disabling). */
  deleteSessionsOf(username: string): Promise<void>;
  deleteExpiredSessions(now: string): Promise<number>;
}

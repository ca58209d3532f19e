import { LocalUser, type LocalSession } from '../../domain/model.js';
import type { AccountStore } from '../../ports/accounts.js';
import type { SqliteDatabase } from './sqlite-database.js';

interface UserRow {
  username: string;
  role: string;
  disabled: number;
  password_hash: string;
  created_at: string;
  updated_at: string;
}

const toUser = (r: UserRow): LocalUser =>
  LocalUser.parse({
    username: r.username,
    role: r.role,
    disabled: r.disabled === 1,
    passwordHash: r.password_hash,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  });

export class SqliteAccountStore implements AccountStore {
  constructor(private readonly db: SqliteDatabase) {}

  async countUsers(): Promise<number> {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  async listUsers(): Promise<LocalUser[]> {
    return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as UserRow[]).map(toUser);
  }

  async getUser(username: string): Promise<LocalUser | undefined> {
    const row = this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as UserRow | undefined;
    return row ? toUser(row) : undefined;
  }

  async createUser(u: LocalUser): Promise<boolean> {
    const out = this.db
      .prepare(
        `INSERT INTO users (username, role, disabled, password_hash, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (username) DO NOTHING`,
      )
      .run(u.username, u.role, u.disabled ? 1 : 0, u.passwordHash, u.createdAt, u.updatedAt);
    return out.changes === 1;
  }

  async updateUser(u: LocalUser): Promise<boolean> {
    const out = this.db
      .prepare('UPDATE users SET role = ?, disabled = ?, password_hash = ?, updated_at = ? WHERE username = ?')
      .run(u.role, u.disabled ? 1 : 0, u.passwordHash, u.updatedAt, u.username);
    return out.changes === 1;
  }

  async deleteUser(username: string): Promise<boolean> {
    // Sessions go with the user (ON DELETE CASCADE).
    return this.db.prepare('DELETE FROM users WHERE username = ?').run(username).changes === 1;
  }

  async createSession(s: LocalSession): Promise<void> {
    this.db
      .prepare('INSERT INTO sessions (id_hash, username, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)')
      .run(s.idHash, s.username, s.csrfToken, s.createdAt, s.expiresAt);
  }

  async getSession(idHash: string): Promise<LocalSession | undefined> {
    const row = this.db.prepare('SELECT * FROM sessions WHERE id_hash = ?').get(idHash) as
      | { id_hash: string; username: string; csrf_token: string; created_at: string; expires_at: string }
      | undefined;
    return row
      ? { idHash: row.id_hash, username: row.username, csrfToken: row.csrf_token, createdAt: row.created_at, expiresAt: row.expires_at }
      : undefined;
  }

  async extendSession(idHash: string, expiresAt: string): Promise<void> {
    this.db.prepare('UPDATE sessions SET expires_at = ? WHERE id_hash = ? AND expires_at < ?').run(expiresAt, idHash, expiresAt);
  }

  async deleteSession(idHash: string): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE id_hash = ?').run(idHash);
  }

  async deleteSessionsOf(username: string): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE username = ?').run(username);
  }

  async deleteExpiredSessions(now: string): Promise<number> {
    return this.db.prepare('DELETE FROM sessions WHERE expires_at <= ?').run(now).changes;
  }
}

import type { AttemptState, SignInAttemptStore } from '../../ports/sign-in-attempts.js';
import type { SqliteDatabase } from './sqlite-database.js';

interface Row {
  key: string;
  failures: number;
  last_failure_at: number;
  blocked_until: number;
}

export class SqliteSignInAttemptStore implements SignInAttemptStore {
  constructor(private readonly db: SqliteDatabase) {}

  async get(keys: readonly string[]): Promise<Map<string, AttemptState>> {
    const read = this.db.prepare('SELECT * FROM sign_in_attempts WHERE key = ?');
    const out = new Map<string, AttemptState>();
    for (const key of keys) {
      const row = read.get(key) as Row | undefined;
      if (row) out.set(key, { failures: row.failures, lastFailureAt: row.last_failure_at, blockedUntil: row.blocked_until });
    }
    return out;
  }

  async put(key: string, s: AttemptState, expiresAt: number): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO sign_in_attempts (key, failures, last_failure_at, blocked_until, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, last_failure_at = excluded.last_failure_at,
           blocked_until = excluded.blocked_until, expires_at = excluded.expires_at`,
      )
      .run(key, s.failures, s.lastFailureAt, s.blockedUntil, expiresAt);
  }

  async delete(key: string): Promise<void> {
    this.db.prepare('DELETE FROM sign_in_attempts WHERE key = ?').run(key);
  }

  async prune(now: number, maxRows: number): Promise<number> {
    return this.db.transaction(() => {
      let removed = this.db.prepare('DELETE FROM sign_in_attempts WHERE expires_at <= ?').run(now).changes;
      const { n } = this.db.prepare('SELECT count(*) AS n FROM sign_in_attempts').get() as { n: number };
      if (n > maxRows) {
        // Running blocks are the last to go: evicting them would hand an attacker fresh guesses.
        removed += this.db
          .prepare(
            `DELETE FROM sign_in_attempts WHERE key IN (
               SELECT key FROM sign_in_attempts ORDER BY blocked_until > ?, expires_at LIMIT ?)`,
          )
          .run(now, n - maxRows).changes;
      }
      return removed;
    })();
  }
}

import type { Outbox, OutboxMessage, OutboxRecord } from '../../ports/outbox.js';
import type { SqliteDatabase } from './sqlite-database.js';

interface Row {
  aggregate: string;
  seq: number;
  detail_type: string;
  detail: string;
  created_at: string;
  attempts: number;
  next_attempt_at: string | null;
  last_error: string | null;
}

const toRecord = (r: Row): OutboxRecord => ({
  aggregate: r.aggregate,
  seq: r.seq,
  detailType: r.detail_type,
  detail: JSON.parse(r.detail),
  createdAt: r.created_at,
  attempts: r.attempts,
  ...(r.next_attempt_at ? { nextAttemptAt: r.next_attempt_at } : {}),
  ...(r.last_error ? { lastError: r.last_error } : {}),
});

/**
 * Adds a message to the outbox. Call it inside the transaction of the change it announces; an
 * existing (aggregate, seq) is a bug (seq is the change's own revision), so it throws and rolls back.
 */
export function insertOutboxMessage(db: SqliteDatabase, m: OutboxMessage): void {
  db.prepare('INSERT INTO outbox (aggregate, seq, detail_type, detail, created_at) VALUES (?, ?, ?, ?, ?)').run(
    m.aggregate,
    m.seq,
    m.detailType,
    JSON.stringify(m.detail),
    m.createdAt,
  );
}

export class SqliteOutbox implements Outbox {
  constructor(private readonly db: SqliteDatabase) {}

  async pending({ aggregate, limit }: { aggregate?: string; limit: number }): Promise<OutboxRecord[]> {
    const rows = (
      aggregate === undefined
        ? this.db.prepare('SELECT * FROM outbox WHERE sent_at IS NULL ORDER BY aggregate, seq LIMIT ?').all(limit)
        : this.db.prepare('SELECT * FROM outbox WHERE sent_at IS NULL AND aggregate = ? ORDER BY seq LIMIT ?').all(aggregate, limit)
    ) as Row[];
    return rows.map(toRecord);
  }

  async claim(r: OutboxRecord, owner: string, now: string, until: string): Promise<boolean> {
    const out = this.db
      .prepare(
        `UPDATE outbox SET claimed_by = ?, claimed_until = ?
         WHERE aggregate = ? AND seq = ? AND sent_at IS NULL AND (claimed_until IS NULL OR claimed_until <= ?)`,
      )
      .run(owner, until, r.aggregate, r.seq, now);
    return out.changes === 1;
  }

  async markSent(r: OutboxRecord, sentAt: string): Promise<void> {
    this.db
      .prepare('UPDATE outbox SET sent_at = ?, claimed_by = NULL, claimed_until = NULL WHERE aggregate = ? AND seq = ? AND sent_at IS NULL')
      .run(sentAt, r.aggregate, r.seq);
  }

  async markFailed(r: OutboxRecord, owner: string, f: { attempts: number; error: string; nextAttemptAt: string }): Promise<void> {
    this.db
      .prepare(
        `UPDATE outbox SET attempts = ?, last_error = ?, next_attempt_at = ?, claimed_by = NULL, claimed_until = NULL
         WHERE aggregate = ? AND seq = ? AND sent_at IS NULL AND claimed_by = ?`,
      )
      .run(f.attempts, f.error.slice(0, 2_000), f.nextAttemptAt, r.aggregate, r.seq, owner);
  }

  async prune(before: string): Promise<number> {
    return this.db.prepare('DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < ?').run(before).changes;
  }
}

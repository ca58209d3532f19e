/**
 * A contract event written in the same transaction as the change it announces (the transactional
 * outbox): the change and its announcement are stored together or not at all, and a dispatcher
 * publishes it afterwards, retrying until the bus takes it.
 */
export interface OutboxMessage {
  /** What the change happened to, e.g. `APP#shop_web`: one aggregate's events go out in `seq` order. */
  aggregate: string;
  /** Strictly increasing within the aggregate (the app's revision, the pipeline's version). */
  seq: number;
  detailType: string;
  /** The detail as the contract parsed it when the message was made; published exactly so. */
  detail: unknown;
  createdAt: string;
}

/** A stored message that has not been published yet. */
export interface OutboxRecord extends OutboxMessage {
  /** Failed publish attempts so far. */
  attempts: number;
  /** After a failure: no attempt before this time. */
  nextAttemptAt?: string;
  lastError?: string;
}

/**
 * The unsent messages (SQLite locally, DynamoDB on AWS). The write side is the stores' own: each
 * announcing write of AppStore / PipelineConfigStore takes its OutboxMessage and stores both at once.
 */
export interface Outbox {
  /** Unsent records ordered by aggregate then seq (all aggregates, or one), at most `limit`. */
  pending(options: { aggregate?: string; limit: number }): Promise<OutboxRecord[]>;
  /**
   * Takes the record for `owner` until `until` unless it is sent or another owner's claim still
   * runs: concurrent dispatchers never publish one aggregate's records out of order.
   */
  claim(record: OutboxRecord, owner: string, now: string, until: string): Promise<boolean>;
  /** Publish first, mark after: a crash in between publishes the record again (consumers are idempotent). */
  markSent(record: OutboxRecord, sentAt: string): Promise<void>;
  /** Records a failed attempt and frees the claim (only while `owner` holds it). */
  markFailed(record: OutboxRecord, owner: string, failure: { attempts: number; error: string; nextAttemptAt: string }): Promise<void>;
  /** Forgets sent records older than `before` (locally; DynamoDB expires them by TTL). */
  prune(before: string): Promise<number>;
}

/** Failed sign-ins of one key (`user:<name>` or `ip:<address>`), as the throttle counts them. */
export interface AttemptState {
  /** Failures since the counter last started over. */
  failures: number;
  /** Epoch ms of the latest failure. */
  lastFailureAt: number;
  /** Epoch ms until which sign-ins under this key are refused; 0 when not blocked. */
  blockedUntil: number;
}

/**
 * The sign-in throttle's counters (SQLite, so they survive a restart). Rows carry the time after
 * which they mean nothing any more; `prune` drops those and keeps the table under a size cap.
 */
export interface SignInAttemptStore {
  get(keys: readonly string[]): Promise<Map<string, AttemptState>>;
  put(key: string, state: AttemptState, expiresAt: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Drops rows expired at `now`, then the soonest-expiring ones above `maxRows`; returns how many went. */
  prune(now: number, maxRows: number): Promise<number>;
}

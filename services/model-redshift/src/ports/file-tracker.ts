import type { TableName } from '@clickstream/contracts';

/**
 * EXPIRED: the file's day fell out of the app's retention before it was loaded (process deleted
 * it). Kept as a tombstone rather than removed, so a replayed ProcessingCompleted.v1 cannot record
 * the vanished file as NEW again.
 */
export type FileStatus = 'NEW' | 'LOADING' | 'LOADED' | 'FAILED' | 'EXPIRED';

/** Narrows a status listing to one table and/or app. */
export interface FileFilter {
  table?: TableName;
  appId?: string;
}

export interface TrackedFile {
  key: string;
  table: TableName;
  appId: string;
  rows: number;
  jobId: string;
}

/** A file's load state, as the tracker stores it. */
export interface FileRecord extends TrackedFile {
  status: FileStatus;
  /** Failed load attempts so far. */
  attempts: number;
  /** The load that claimed it (LOADING) or last touched it. */
  loadId?: string;
  /** FAILED: epoch ms from which a load may retry it; absent once attempts are exhausted (operator). */
  nextAttemptAt?: number;
  lastError?: string;
  updatedAt?: number;
}

/** A claimed file as the state machine carries it between steps. */
export interface ClaimedFile {
  key: string;
  appId: string;
  rows: number;
  /** Failed attempts before this load. */
  attempts: number;
}

export interface FailureOutcome {
  key: string;
  attempts: number;
  /** Undefined: attempts exhausted, the file waits for an operator. */
  nextAttemptAt?: number;
}

/** Which processed files exist and how far each has got into Redshift. */
export interface FileTracker {
  /** Records a file as NEW unless it is already known (a replay records nothing). True when recorded. */
  recordNew(file: TrackedFile): Promise<boolean>;
  countByStatus(status: FileStatus): Promise<number>;
  /** Every file in a status (all tables unless `where` narrows it), e.g. for the operator's retry script. */
  listByStatus(status: FileStatus, where?: FileFilter): Promise<FileRecord[]>;
  get(key: string): Promise<FileRecord | undefined>;
  /**
   * Up to `limit` files of `table` a load may take at `now`, oldest job first: NEW ones, FAILED ones
   * whose retry time has come, and LOADING ones left by another load (the caller holds the table's
   * lease, so such a load is dead).
   */
  candidates(table: TableName, now: number, limit: number, currentLoadId?: string): Promise<FileRecord[]>;
  /**
   * Moves a file read as `file` to LOADING for `loadId`, only if nobody changed it since (same
   * status and loadId): two loads can never both claim one file.
   */
  claim(file: FileRecord, loadId: string, now: number): Promise<boolean>;
  /** LOADING (by `loadId`) → LOADED. A file no longer held by that load is left alone. */
  markLoaded(keys: readonly string[], loadId: string, now: number): Promise<number>;
  /** LOADING (by `loadId`) → FAILED with the new attempt count and retry time. */
  markFailed(outcomes: readonly FailureOutcome[], loadId: string, error: string, now: number): Promise<number>;
  /**
   * Moves a file read as `file` to EXPIRED, only if nobody changed it since (same status and
   * loadId, as `claim`): a load that claimed it meanwhile keeps it, and this answers false.
   */
  expire(file: FileRecord, now: number): Promise<boolean>;
  /** FAILED with no retry time (exhausted) → NEW with attempts 0, for an operator. Returns the keys reset. */
  resetExhausted(now: number, table?: TableName): Promise<string[]>;
}

/** One running load per table: a lease with an owner and an expiry, stored beside the files. */
export interface LeaseStore {
  /** Takes the lease if free, expired or already held by `owner` (a child execution inherits it). */
  acquire(table: TableName, owner: string, now: number, ttlMs: number): Promise<boolean>;
  /** Frees the lease if `owner` still holds it. */
  release(table: TableName, owner: string): Promise<void>;
  holder(table: TableName, now: number): Promise<{ owner: string; expiresAt: number } | undefined>;
  /** Operator: frees a lease whoever holds it. */
  forceRelease(table: TableName): Promise<void>;
}

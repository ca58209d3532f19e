/**
 * Where a job leaves the open server sessions it hands to the next run (as the core's
 * `{"table":"session_state","row":…}` lines) and where the next run finds them.
 */
export interface SessionStateStore {
  read(key: string): AsyncIterable<string>;
  /** Stores a job's hand-over; the key depends only on the job, so a rerun overwrites it. */
  write(jobId: string, lines: readonly string[]): Promise<string>;
  delete(key: string): Promise<void>;
}

/** A job that was started but not committed: rerunning it must produce exactly the same files. */
export interface PendingJob {
  jobId: string;
  from: number;
  to: number;
  startedAt: number;
  /** Shards the job's input is split into (one file per shard and partition); 1 when absent. */
  shards?: number;
}

export interface Checkpoint {
  /** Every record before this position is in the warehouse. */
  committed: number;
  /** The open server sessions the last committed job handed over (a SessionStateStore key). */
  sessionState?: string;
  pending?: PendingJob;
}

export interface CheckpointStore {
  load(): Promise<Checkpoint>;
  /** Atomic and durable: after it resolves, a crash cannot bring back the previous value. */
  save(checkpoint: Checkpoint): Promise<void>;
}

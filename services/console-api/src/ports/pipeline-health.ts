/** The latest event of each kind: `{ 'ProcessingCompleted.v1': { at, summary } }`. */
export type LatestByKind = Record<string, { at: string; summary: Record<string, unknown> }>;

/** What one processing run did for one app. */
export interface AppRunCounts {
  events: number;
  badRows: number;
}

/** A processing run as ProcessingCompleted.v1 reported it. */
export interface CompletedRun {
  jobId: string;
  startedAt: string;
  completedAt: string;
  apps: Record<string, AppRunCounts>;
}

/** A Redshift load outcome, with the apps whose files it carried. */
export interface LoadOutcome {
  loadId: string;
  table: string;
  status: 'completed' | 'failed';
  at: string;
  appIds: string[];
  attempt?: number;
  error?: { code: string; message: string };
}

/**
 * One PartitionsExpired.v1 as the health view keeps it: one table's part of an app's retention
 * run. The events of one run share `expiredAt`; a table with more than 500 expired partitions is
 * split over several events, told apart by `first`.
 */
export interface ExpiredPartitions {
  appId: string;
  table: string;
  /** When the run expired them (the event's `expiredAt`, canonical UTC). */
  expiredAt: string;
  /** The first UTC day kept (`YYYY-MM-DD`). */
  cutoff: string;
  retentionDays: number;
  /** The location of the event's earliest partition: the event's identity within its run and table. */
  first: string;
  partitions: number;
  /** Earliest and latest UTC day removed (`YYYY-MM-DD`). */
  oldestDay: string;
  newestDay: string;
}

/** What the store knows about one app's pipeline, for the health view to judge. */
export interface AppHealthRecords {
  /** Runs that carried the app's data and completed at or after `since`, one per job. */
  runs: (AppRunCounts & { jobId: string; startedAt: string; completedAt: string })[];
  /** The newest run carrying the app's data, however old. */
  lastRun?: { jobId: string; startedAt: string; completedAt: string };
  /**
   * The newest run carrying the app's data whose partitions are queryable: everything the app sent
   * before `startedAt` can be queried.
   */
  queryable?: { jobId: string; startedAt: string; queryableAt: string };
  /** Loads whose latest outcome is a failure. */
  failedLoads: { loadId: string; table: string; attempt: number; error: { code: string; message: string }; failedAt: string }[];
  /** The events of the app's last retention run (the newest `expiredAt`, however old); empty before the first. */
  retention: ExpiredPartitions[];
}

/**
 * Pipeline progress as on-pipeline-event saw it. Every write is keyed by what it describes (job,
 * load, kind) and keeps the newer of two versions, so replays and late deliveries change nothing.
 */
export interface PipelineHealthStore {
  /** Keeps the latest event of a kind (newer `at` wins). */
  record(kind: string, at: string, summary: Record<string, unknown>): Promise<void>;
  recordRun(run: CompletedRun): Promise<void>;
  /** The partitions of a job became queryable (AthenaPartitionsAdded); may arrive before the run itself. */
  recordQueryable(jobId: string, queryableAt: string): Promise<void>;
  recordLoad(load: LoadOutcome): Promise<void>;
  /**
   * Adds one event to the app's last retention run: an event of a newer run starts a new one
   * (the older run is forgotten), an event of an older run changes nothing, the same event again
   * (by `expiredAt`, `table`, `first`) changes nothing.
   */
  recordRetention(expired: ExpiredPartitions): Promise<void>;
  latest(): Promise<LatestByKind>;
  appRecords(appId: string, since: string): Promise<AppHealthRecords>;
}

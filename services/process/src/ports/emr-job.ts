import type { DetailInputOf, ProcessingCompleted } from '@clickstream/contracts';
import type { PipeConfig } from '../pipe/pipe-config.js';

/** A run on EMR Serverless that was started and not yet committed. */
export interface EmrPendingJob {
  jobId: string;
  /** Raw objects last modified in [from, to) (epoch ms) are its input. */
  from: number;
  to: number;
  startedAt: number;
}

/** Where the AWS side of processing stands (one item in the service's state table). */
export interface EmrJobState {
  /** Raw objects last modified before this are processed. */
  processedUntil: number;
  /** S3 prefix (under the warehouse bucket) of the last committed run's session hand-over. */
  sessionState?: string;
  pending?: EmrPendingJob;
}

export interface EmrJobStateStore {
  load(): Promise<EmrJobState>;
  /** Records a new pending job unless one is pending already (false then). */
  start(job: EmrPendingJob, expectedProcessedUntil: number): Promise<boolean>;
  /** Marks `jobId` done: its range is processed, its hand-over is the next run's. Idempotent. */
  commit(jobId: string): Promise<void>;
}

/** What the driver reads: its input, the previous hand-over, and the core's configuration. */
export interface JobManifest {
  jobId: string;
  inputRange: { from: string; to: string };
  rawBucket: string;
  objects: string[];
  sessionStateIn: string | null;
  config: PipeConfig;
}

export interface EmrRuns {
  /** A run of the application is still submitted, pending, scheduled, queued or running. */
  active(): Promise<boolean>;
  start(jobId: string, manifestKey: string, attempt: string): Promise<string>;
}

export interface RawObjects {
  /** Keys of raw objects last modified in [from, to), sorted. */
  list(from: number, to: number): Promise<string[]>;
}

export interface JobFiles {
  writeManifest(manifest: JobManifest): Promise<string>;
  readResult(jobId: string): Promise<DetailInputOf<typeof ProcessingCompleted> | undefined>;
}

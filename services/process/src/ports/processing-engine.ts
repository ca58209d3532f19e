import type { CoreStats, ProcessingSettings } from '../domain/core/processing-core.js';
import type { OpenSession } from '../domain/core/session-state.js';
import type { WriteResult } from './table-writer.js';

export interface EngineResult {
  stats: CoreStats;
  /** The open server sessions handed to the next run, shard by shard. */
  openSessions: OpenSession[];
  written: WriteResult;
}

/** One job's pass over its input: records in, files out. */
export interface EngineRun {
  /**
   * One stored record (an envelope or a handed-over session line). When it returns a promise, the
   * caller waits for it before pushing more: the shards are busy and input must not pile up.
   */
  push(record: string): Promise<void> | undefined;
  /** End of input: flushes every shard, writes the files (named after the job, and the shard), reports. */
  finish(): Promise<EngineResult>;
  /** Drops everything staged after a failure; nothing reaches the warehouse. */
  abort(): Promise<void>;
}

/**
 * Runs the processing core over a job's input, split into `shards` by user (`shardOf`): each
 * shard is an unchanged core over its share of the records, in input order, writing its own
 * files. The shard count is fixed when the job is created and stored with it, so a rerun splits
 * the input the same way and writes the same files, wherever it runs.
 */
export interface ProcessingEngine {
  /** Shards for a new job of this many records. */
  shardsFor(records: number): number;
  start(jobId: string, settings: ProcessingSettings, shards: number): Promise<EngineRun>;
}

import type { Partition, TableName } from '@clickstream/contracts';
import type { OutputTable, RowOf } from '../domain/core/processing-core.js';

export interface WrittenFile {
  table: TableName;
  appId: string;
  key: string;
  rows: number;
}

export interface WriteResult {
  files: WrittenFile[];
  partitions: Partition[];
  /** Rows written per table. */
  rowCounts: Partial<Record<TableName, number>>;
}

/** The output of one job: rows are appended as the core emits them; files appear on commit. */
export interface TableOutput {
  append<T extends OutputTable>(table: T, row: RowOf[T]): void;
  /** Writes the Parquet files (atomically, named after the job) and reports them. */
  commit(): Promise<WriteResult>;
  /** Drops what was staged (after a failure); nothing reaches the warehouse. */
  abort(): Promise<void>;
}

/**
 * Writes a job's rows as Parquet, hive-partitioned. Files are named after the job (and the shard,
 * for a job split over several cores: each shard writes its own files), so writing the same job
 * again replaces its files instead of adding copies. Files appear atomically.
 */
export interface TableWriter {
  open(jobId: string, shard?: number): Promise<TableOutput>;
}


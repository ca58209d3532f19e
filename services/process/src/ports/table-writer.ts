import type { Partition, TableName } from '@clickstream/contracts';
import type { TableRows } from '../domain/rows.js';

export interface WrittenFile {
  table: TableName;
  appId: string;
  key: string;
  rows: number;
}

/**
 * Writes a job's rows as Parquet, hive-partitioned. Files are named after the job, so writing the
 * same job again replaces its files instead of adding copies. Files appear atomically.
 */
export interface TableWriter {
  write(jobId: string, rows: TableRows): Promise<{ files: WrittenFile[]; partitions: Partition[] }>;
}

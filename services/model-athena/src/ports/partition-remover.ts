import type { Partition } from '@clickstream/contracts';

/** Drops partitions from the query engine's catalog (Glue on AWS, the DuckDB catalog locally). */
export interface PartitionRemover {
  /** Partitions not in the catalog count as success (`alreadyGone`): replays are harmless. */
  removePartitions(partitions: readonly Partition[]): Promise<{ removed: number; alreadyGone: number }>;
}

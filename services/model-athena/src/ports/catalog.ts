import type { Partition } from '@clickstream/contracts';

/** The query engine's catalog: Glue on AWS, DuckDB views locally. */
export interface Catalog {
  /** Registers partitions; those already registered count as success (replays are harmless). */
  addPartitions(partitions: readonly Partition[]): Promise<{ added: number; alreadyPresent: number }>;
  /** App ids that have any registered partition. */
  activeApps(): Promise<string[]>;
}

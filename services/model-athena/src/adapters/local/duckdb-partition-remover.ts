import type { Partition } from '@clickstream/contracts';
import type { DuckDbWarehouse } from '@clickstream/runtime';
import type { PartitionRemover } from '../../ports/partition-remover.js';
import type { DuckDbCatalog } from './duckdb-catalog.js';

/**
 * The embedded stand-in for Glue's BatchDeletePartition: drops the rows of the catalog's
 * partitions table, then has the catalog recreate its views over the files that are left (a table
 * whose last file went becomes an empty view instead of a failing glob).
 */
export class DuckDbPartitionRemover implements PartitionRemover {
  constructor(
    private readonly warehouse: DuckDbWarehouse,
    private readonly catalog: Pick<DuckDbCatalog, 'ensureSchema' | 'refreshViews'>,
  ) {}

  async removePartitions(partitions: readonly Partition[]): Promise<{ removed: number; alreadyGone: number }> {
    await this.catalog.ensureSchema();
    let removed = 0;
    for (const p of partitions) {
      const rows = await this.warehouse.query<{ n: number }>(
        `DELETE FROM _catalog_partitions WHERE table_name = $table AND app_id = $app AND year = $year AND month = $month AND day = $day
         RETURNING 1 AS n`,
        { table: p.table, app: p.appId, year: p.year, month: p.month, day: p.day },
      );
      removed += rows.length;
    }
    await this.catalog.refreshViews();
    return { removed, alreadyGone: partitions.length - removed };
  }
}

import { DuckDbType, WarehouseTables, type Partition } from '@clickstream/contracts';
import { sqlString, type DuckDbWarehouse } from '@clickstream/runtime';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ViewSql } from '../../domain/analysis-views.js';
import type { Catalog } from '../../ports/catalog.js';
import type { ViewDeployer } from '../../ports/view-deployer.js';

/**
 * The embedded catalog: a partitions table (primary key, so a replay adds nothing) and DuckDB
 * views named like the Glue tables over the Parquet files, plus the same analysis views Athena
 * gets. A table without files yet is an empty view with the right columns, so queries never fail
 * on a fresh install.
 */
export class DuckDbCatalog implements Catalog, ViewDeployer {
  constructor(
    private readonly warehouse: DuckDbWarehouse,
    private views: readonly ViewSql[],
  ) {}

  /** Makes `views` the analysis views from now on and (re)creates everything. */
  async apply(views: readonly ViewSql[]): Promise<{ applied: string[] }> {
    this.views = views;
    await this.refreshViews();
    return { applied: views.map((v) => v.name) };
  }

  async addPartitions(partitions: readonly Partition[]): Promise<{ added: number; alreadyPresent: number }> {
    await this.ensureSchema();
    let added = 0;
    for (const p of partitions) {
      const rows = await this.warehouse.query<{ n: number }>(
        `INSERT INTO _catalog_partitions VALUES ($table, $app, $year, $month, $day, $location, now())
         ON CONFLICT DO NOTHING RETURNING 1 AS n`,
        { table: p.table, app: p.appId, year: p.year, month: p.month, day: p.day, location: p.location },
      );
      added += rows.length;
    }
    await this.refreshViews();
    return { added, alreadyPresent: partitions.length - added };
  }

  async activeApps(): Promise<string[]> {
    await this.ensureSchema();
    const rows = await this.warehouse.query<{ app_id: string }>(
      'SELECT DISTINCT app_id FROM _catalog_partitions ORDER BY app_id',
    );
    return rows.map((r) => r.app_id);
  }

  async ensureSchema(): Promise<void> {
    await this.warehouse.run(`CREATE TABLE IF NOT EXISTS _catalog_partitions (
      table_name VARCHAR, app_id VARCHAR, year INTEGER, month INTEGER, day INTEGER, location VARCHAR,
      added_at TIMESTAMP WITH TIME ZONE, PRIMARY KEY (table_name, app_id, year, month, day))`);
  }

  /** (Re)creates the table views over whatever files exist now, then the analysis views. */
  async refreshViews(): Promise<void> {
    for (const spec of Object.values(WarehouseTables)) {
      const columns = [...spec.columns, ...spec.partitionKeys];
      const tableDir = join(this.warehouse.root, spec.name);
      const files = `read_parquet(${sqlString(`${tableDir}/*/*/*/*/*.parquet`)}, hive_partitioning = true, union_by_name = true,
             hive_types = {'app_id': VARCHAR, 'year': INTEGER, 'month': INTEGER, 'day': INTEGER})`;
      let source = `SELECT ${columns.map((c) => `CAST(NULL AS ${DuckDbType[c.type]}) AS "${c.name}"`).join(', ')} WHERE false`;
      if (await hasParquet(tableDir)) {
        // union_by_name gives NULL to a column only some files lack; when every file predates it
        // (columns are appended to the contract over time), the view has to supply the NULL.
        const present = new Set(
          (await this.warehouse.query<{ column_name: string }>(`SELECT column_name FROM (DESCRIBE SELECT * FROM ${files})`)).map((r) => r.column_name),
        );
        const select = columns.map((c) => `CAST(${present.has(c.name) ? `"${c.name}"` : 'NULL'} AS ${DuckDbType[c.type]}) AS "${c.name}"`).join(', ');
        source = `SELECT ${select} FROM ${files}`;
      }
      await this.warehouse.run(`CREATE OR REPLACE VIEW "${spec.name}" AS ${source}`);
    }
    for (const view of this.views) await this.warehouse.run(view.sql);
  }
}

async function hasParquet(dir: string): Promise<boolean> {
  try {
    const entries = await readdir(dir, { recursive: true });
    return entries.some((e) => e.endsWith('.parquet'));
  } catch {
    return false;
  }
}

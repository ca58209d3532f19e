import { DuckDbType, partitionLocation, WarehouseTables, type Partition, type TableName } from '@clickstream/contracts';
import { sqlString, type DuckDbWarehouse } from '@clickstream/runtime';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { finished } from 'node:stream/promises';
import type { TableRows } from '../../domain/rows.js';
import type { TableWriter, WrittenFile } from '../../ports/table-writer.js';

type Row = { app_id: string; year: number; month: number; day: number };

/**
 * Writes Parquet with DuckDB: rows go to a JSON-lines file, DuckDB copies them into
 * hive partitions in a staging folder, and each file is then renamed into the warehouse under a
 * name derived from the job id. Rename is atomic, so readers never see half a file, and a rerun
 * of the same job replaces its files rather than adding copies.
 */
export class DuckDbTableWriter implements TableWriter {
  constructor(
    private readonly warehouse: DuckDbWarehouse,
    private readonly stagingRoot: string,
  ) {}

  async write(jobId: string, rows: TableRows): Promise<{ files: WrittenFile[]; partitions: Partition[] }> {
    const files: WrittenFile[] = [];
    const partitions: Partition[] = [];
    const jobDir = join(this.stagingRoot, jobId);
    await rm(jobDir, { recursive: true, force: true });
    await mkdir(jobDir, { recursive: true });
    try {
      for (const table of Object.keys(rows) as (keyof TableRows)[]) {
        const tableRows: Row[] = rows[table];
        if (tableRows.length === 0) continue;
        const written = await this.writeTable(jobId, jobDir, table, tableRows);
        files.push(...written.files);
        partitions.push(...written.partitions);
      }
    } finally {
      await rm(jobDir, { recursive: true, force: true });
    }
    return { files, partitions };
  }

  private async writeTable(jobId: string, jobDir: string, table: TableName & keyof typeof WarehouseTables, rows: Row[]) {
    const spec = WarehouseTables[table];
    const linesPath = join(jobDir, `${table}.jsonl`);
    const out = createWriteStream(linesPath);
    for (const row of rows) {
      if (!out.write(`${JSON.stringify(row)}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    out.end();
    await finished(out);

    const columns = [...spec.columns, ...spec.partitionKeys];
    const columnTypes = columns.map((c) => `${sqlString(c.name)}: ${sqlString(DuckDbType[c.type])}`).join(', ');
    const select = columns.map((c) => `"${c.name}"`).join(', ');
    const stagingDir = join(jobDir, table);
    await this.warehouse.run(
      `COPY (SELECT ${select} FROM read_json(${sqlString(linesPath)}, format = 'newline_delimited', columns = {${columnTypes}}) ORDER BY app_id, year, month, day)
       TO ${sqlString(stagingDir)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (app_id, year, month, day))`,
    );

    const counts = new Map<string, number>();
    for (const r of rows) {
      const loc = partitionLocation({ table, appId: r.app_id, year: r.year, month: r.month, day: r.day });
      counts.set(loc, (counts.get(loc) ?? 0) + 1);
    }
    const files: WrittenFile[] = [];
    const partitions: Partition[] = [];
    for (const staged of await listParquet(stagingDir)) {
      const relDir = relative(stagingDir, dirname(staged)).split(sep).join('/');
      const location = `${table}/${relDir}`;
      const key = `${location}/${jobId}.parquet`;
      const target = join(this.warehouse.root, key);
      await mkdir(dirname(target), { recursive: true });
      await fsyncPath(staged);
      await rename(staged, target);
      await fsyncPath(dirname(target));
      const p = parseLocation(location);
      files.push({ table, appId: p.appId, key, rows: counts.get(location) ?? 0 });
      partitions.push({ table, ...p, location });
    }
    return { files, partitions };
  }
}

async function listParquet(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const found = entries.filter((e) => e.isFile() && e.name.endsWith('.parquet')).map((e) => join(e.parentPath, e.name));
  // One COPY writes one file per partition; two would share a name below and lose rows.
  const dirs = new Set(found.map((f) => dirname(f)));
  if (dirs.size !== found.length) throw new Error(`DuckDB wrote several files into one partition under ${dir}`);
  return found.sort();
}

function parseLocation(location: string): Omit<Partition, 'table' | 'location'> {
  const get = (k: string) => new RegExp(`(?:^|/)${k}=([^/]+)`).exec(location)?.[1];
  const appId = get('app_id');
  if (!appId) throw new Error(`no app_id in ${location}`);
  return { appId: decodeURIComponent(appId), year: Number(get('year')), month: Number(get('month')), day: Number(get('day')) };
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

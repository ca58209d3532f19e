import { DuckDbType, WarehouseTables, type Partition, type TableName } from '@clickstream/contracts';
import { DuckDbWarehouse, sqlString } from '@clickstream/runtime';
import { rmSync } from 'node:fs';
import { mkdir, open, rename } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import type { OutputTable, RowOf } from '../../domain/core/processing-core.js';
import type { TableRows } from '../../domain/rows.js';
import type { TableOutput, TableWriter, WriteResult, WrittenFile } from '../../ports/table-writer.js';
import { CSV_QUOTE, CsvStaging, type StagedFile } from './csv-staging.js';

const TABLES = Object.keys(WarehouseTables) as (TableName & OutputTable)[];

/**
 * Writes Parquet with DuckDB: rows are staged as CSV per table and partition (`CsvStaging`),
 * DuckDB copies each into one Parquet file, which is then renamed into the warehouse as
 * `<table>/app_id=…/year=…/month=…/day=…/<jobId>.parquet` (`<jobId>-<shard>.parquet` for a shard
 * of a job split over several cores). Rename is atomic, so readers never see half a file, and a
 * rerun of the same job replaces its files rather than adding copies. One plain COPY per
 * partition keeps the rows in the order they came (DuckDB's partitioned COPY does not), so a
 * rerun writes byte-identical files without sorting.
 */
export class DuckDbTableWriter implements TableWriter {
  /** COPYs in flight at once, across every job and shard of this writer. */
  private readonly copies: Limiter;

  constructor(
    /**
     * The DuckDB that copies: any instance will do (no table is read or written), best one of
     * its own with one thread per query (`openCopier`) — why: several single-threaded COPYs side
     * by side took three quarters of the CPU that parallel COPYs took for the same files, and a
     * job's shards hand over their files at about the same time.
     */
    private readonly copier: DuckDbWarehouse,
    private readonly stagingRoot: string,
    /** Where the files go (relative keys are under it); the copier's root by default. */
    private readonly targetRoot: string = copier.root,
    /** Default: one per core, at most 4 (each holds its read buffers and a row group per table). */
    concurrentCopies = Math.min(availableParallelism(), 4),
  ) {
    this.copies = new Limiter(Math.max(1, concurrentCopies));
  }

  /** A DuckDB instance for a writer to copy with: in memory, one thread per query. Close it after the writer's last job. */
  static openCopier(root: string): Promise<DuckDbWarehouse> {
    return DuckDbWarehouse.open(':memory:', root, { threads: 1 });
  }

  /** The staging folder of a job (or of one of its shards); a shard's worker stages there itself. */
  stagingDir(jobId: string, shard?: number): string {
    return join(this.stagingRoot, fileStem(jobId, shard));
  }

  async open(jobId: string, shard?: number): Promise<TableOutput> {
    const staging = new CsvStaging(this.stagingDir(jobId, shard));
    let done = false;
    return {
      append: <T extends OutputTable>(table: T, row: RowOf[T]) => staging.append(table, row),
      commit: async () => {
        if (done) throw new Error('output already committed or aborted');
        done = true;
        try {
          return await this.commitStaged(jobId, shard, staging.close());
        } finally {
          staging.discard();
        }
      },
      abort: async () => {
        done = true;
        staging.discard();
      },
    };
  }

  /**
   * Copies staged CSV files (from `open`, or from a shard's worker) into the warehouse as Parquet,
   * then removes them.
   */
  async commitStaged(jobId: string, shard: number | undefined, staged: readonly StagedFile[]): Promise<WriteResult> {
    const files: WrittenFile[] = [];
    const partitions: Partition[] = [];
    const rowCounts: WriteResult['rowCounts'] = Object.fromEntries(TABLES.map((t) => [t, 0]));
    try {
      const keys = await Promise.all(staged.map((s) => this.copies.run(() => this.copyPartition(s, fileStem(jobId, shard)))));
      staged.forEach((s, i) => {
        files.push({ table: s.table, appId: s.partition.appId, key: keys[i]!, rows: s.rows });
        partitions.push({ table: s.table, ...s.partition, location: s.location });
        rowCounts[s.table] = (rowCounts[s.table] ?? 0) + s.rows;
      });
    } finally {
      rmSync(this.stagingDir(jobId, shard), { recursive: true, force: true });
    }
    return { files, partitions, rowCounts };
  }

  /** All of a job's rows at once (tests and small jobs). */
  async write(jobId: string, rows: TableRows): Promise<WriteResult> {
    const output = await this.open(jobId);
    for (const table of TABLES) for (const row of rows[table]) output.append(table, row as RowOf[typeof table]);
    return output.commit();
  }

  /** One partition's staged rows → one Parquet file (without the partition columns, which the path holds). */
  private async copyPartition(s: StagedFile, stem: string): Promise<string> {
    const spec = WarehouseTables[s.table];
    const columnTypes = spec.columns.map((c) => `${sqlString(c.name)}: ${sqlString(DuckDbType[c.type])}`).join(', ');
    const staged = `${s.path}.parquet`;
    // Small read buffers bound DuckDB's memory; a partition holding a huge row gets buffers that fit it.
    let maxLine = MAX_LINE;
    while (maxLine < 3 * s.longest + 2) maxLine *= 2;
    await this.copier.run(
      `COPY (SELECT * FROM read_csv(${sqlString(s.path)}, header = false, delim = ',', quote = '${CSV_QUOTE}', escape = '${CSV_QUOTE}', columns = {${columnTypes}},
             allow_quoted_nulls = false, timestampformat = '%Y-%m-%d %H:%M:%S.%g', max_line_size = ${maxLine}, buffer_size = ${2 * maxLine}))
       TO ${sqlString(staged)} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL ${ZSTD_LEVEL}, ROW_GROUP_SIZE ${ROW_GROUP_SIZE})`,
    );
    const key = `${s.location}/${stem}.parquet`;
    const target = join(this.targetRoot, key);
    await mkdir(dirname(target), { recursive: true });
    await fsyncPath(staged);
    await rename(staged, target);
    await fsyncPath(dirname(target));
    return key;
  }
}

/** Runs at most `max` tasks at once, the others in the order they came. */
class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/** A job's file name without extension: the job id, and the shard when the job is split. */
const fileStem = (jobId: string, shard: number | undefined) => (shard === undefined ? jobId : `${jobId}-${shard}`);

/**
 * zstd level 1, not DuckDB's default 3: the files came out the same size (±1%) and the COPY took a
 * tenth less CPU. Readers do not care which level wrote a file.
 */
export const ZSTD_LEVEL = 1;

/** Rows per Parquet row group: DuckDB holds one per writing thread in memory (an events row is ~2 KB). */
const ROW_GROUP_SIZE = 16_384;
/**
 * DuckDB sizes its CSV read buffers from the longest line allowed, so this bounds the COPY's
 * memory (64 MiB lines took 2 GB of RSS on a 400k-row partition, 4 MiB ~0.6 GB). Rows are far
 * smaller (an upload is at most 1 MiB); a partition with a longer one gets larger buffers.
 */
const MAX_LINE = 4 * 1024 * 1024;

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

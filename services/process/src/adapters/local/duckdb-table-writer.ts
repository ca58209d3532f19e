import { DuckDbType, partitionLocation, WarehouseTables, type Partition, type TableName } from '@clickstream/contracts';
import { sqlString, type DuckDbWarehouse } from '@clickstream/runtime';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { OutputTable, RowOf } from '../../domain/core/processing-core.js';
import type { TableRows } from '../../domain/rows.js';
import type { TableOutput, TableWriter, WriteResult, WrittenFile } from '../../ports/table-writer.js';

const TABLES = Object.keys(WarehouseTables) as (TableName & OutputTable)[];
/**
 * Staged text is encoded line by line into a buffer of this size per file and written when it is
 * full: few syscalls, bounded memory, and no large strings to join (joining 1 MiB of lines and
 * encoding the result cost more than building the lines, mostly in the garbage collector).
 */
const CHUNK = 256 * 1024;

/**
 * Writes Parquet with DuckDB: rows are appended as the core emits them to one CSV file per
 * table and partition in a staging folder (memory holds one chunk per file), DuckDB copies each
 * into one Parquet file, which is then renamed into the warehouse as
 * `<table>/app_id=…/year=…/month=…/day=…/<jobId>.parquet`. Rename is atomic, so readers never see
 * half a file, and a rerun of the same job replaces its files rather than adding copies. One plain
 * COPY per partition keeps the rows in the order they came (DuckDB's partitioned COPY does not),
 * so a rerun writes byte-identical files without sorting.
 */
export class DuckDbTableWriter implements TableWriter {
  constructor(
    private readonly warehouse: DuckDbWarehouse,
    private readonly stagingRoot: string,
    /** Where the files go (relative keys are under it); the warehouse root by default. */
    private readonly targetRoot: string = warehouse.root,
  ) {}

  async open(jobId: string): Promise<TableOutput> {
    const jobDir = join(this.stagingRoot, jobId);
    await rm(jobDir, { recursive: true, force: true });
    await mkdir(jobDir, { recursive: true });
    return new StagedOutput(this.warehouse, this.targetRoot, jobId, jobDir);
  }

  /** All of a job's rows at once (tests and small jobs). */
  async write(jobId: string, rows: TableRows): Promise<WriteResult> {
    const output = await this.open(jobId);
    for (const table of TABLES) for (const row of rows[table]) output.append(table, row as RowOf[typeof table]);
    return output.commit();
  }
}

interface Staged {
  table: TableName;
  partition: Omit<Partition, 'table' | 'location'>;
  location: string;
  path: string;
  fd: number;
  buffer: Buffer;
  /** Bytes of `buffer` in use. */
  used: number;
  rows: number;
  /** Longest line staged (UTF-16 units; UTF-8 bytes are at most 3 per unit). */
  longest: number;
}

class StagedOutput implements TableOutput {
  private readonly staged = new Map<string, Staged>();
  private done = false;

  constructor(
    private readonly warehouse: DuckDbWarehouse,
    private readonly targetRoot: string,
    private readonly jobId: string,
    private readonly jobDir: string,
  ) {}

  append<T extends OutputTable>(table: T, row: RowOf[T]): void {
    const partition = { appId: row.app_id, year: row.year, month: row.month, day: row.day };
    const location = partitionLocation({ table, ...partition });
    let s = this.staged.get(location);
    if (!s) {
      const path = join(this.jobDir, `${this.staged.size}.csv`);
      s = { table, partition, location, path, fd: openSync(path, 'w'), buffer: Buffer.allocUnsafe(CHUNK), used: 0, rows: 0, longest: 0 };
      this.staged.set(location, s);
    }
    const line = csvLine(CSV_COLUMNS[table], row as unknown as Record<string, unknown>);
    if (line.length > s.longest) s.longest = line.length;
    s.rows++;
    stageLine(s, line);
  }

  async commit(): Promise<WriteResult> {
    if (this.done) throw new Error('output already committed or aborted');
    this.done = true;
    const files: WrittenFile[] = [];
    const partitions: Partition[] = [];
    const rowCounts: WriteResult['rowCounts'] = Object.fromEntries(TABLES.map((t) => [t, 0]));
    try {
      const ordered = [...this.staged.values()].sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
      for (const s of ordered) {
        flushBuffer(s);
        closeSync(s.fd);
        s.fd = -1;
        s.buffer = NO_BUFFER;
        const key = await this.copyPartition(s);
        files.push({ table: s.table, appId: s.partition.appId, key, rows: s.rows });
        partitions.push({ table: s.table, ...s.partition, location: s.location });
        rowCounts[s.table] = (rowCounts[s.table] ?? 0) + s.rows;
      }
    } finally {
      await this.cleanUp();
    }
    return { files, partitions, rowCounts };
  }

  async abort(): Promise<void> {
    this.done = true;
    await this.cleanUp();
  }

  private async cleanUp(): Promise<void> {
    for (const s of this.staged.values()) {
      if (s.fd >= 0) closeSync(s.fd);
      s.fd = -1;
    }
    await rm(this.jobDir, { recursive: true, force: true });
  }

  /** One partition's staged rows → one Parquet file (without the partition columns, which the path holds). */
  private async copyPartition(s: Staged): Promise<string> {
    const spec = WarehouseTables[s.table];
    const columnTypes = spec.columns.map((c) => `${sqlString(c.name)}: ${sqlString(DuckDbType[c.type])}`).join(', ');
    const staged = `${s.path}.parquet`;
    // Small read buffers bound DuckDB's memory; a partition holding a huge row gets buffers that fit it.
    let maxLine = MAX_LINE;
    while (maxLine < 3 * s.longest + 2) maxLine *= 2;
    await this.warehouse.run(
      `COPY (SELECT * FROM read_csv(${sqlString(s.path)}, header = false, delim = ',', quote = '\x01', escape = '\x01', columns = {${columnTypes}},
             allow_quoted_nulls = false, timestampformat = '%Y-%m-%d %H:%M:%S.%g', max_line_size = ${maxLine}, buffer_size = ${2 * maxLine}))
       TO ${sqlString(staged)} (FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${ROW_GROUP_SIZE})`,
    );
    const key = `${s.location}/${this.jobId}.parquet`;
    const target = join(this.targetRoot, key);
    await mkdir(dirname(target), { recursive: true });
    await fsyncPath(staged);
    await rename(staged, target);
    await fsyncPath(dirname(target));
    return key;
  }
}

/**
 * Rows are staged as CSV, not JSON: no column names repeated on every row, and DuckDB's CSV reader
 * is its fastest. Strings are always quoted (so a quoted empty field is an empty string, an
 * unquoted one NULL). The quote is the control character U+0001, not `"`: the JSON-text columns
 * (attributes …) are full of `"`, and doubling them cost more than the rest of the line; U+0001
 * is doubled the same way on the rare value that holds one.
 */
const CSV_COLUMNS = Object.fromEntries(TABLES.map((t) => [t, WarehouseTables[t].columns.map((c) => c.name)])) as Record<TableName, string[]>;

const Q = '\u0001';
const NO_BUFFER = Buffer.alloc(0);
/** Rows per Parquet row group: DuckDB holds one per writing thread in memory (an events row is ~2 KB). */
const ROW_GROUP_SIZE = 16_384;
/**
 * DuckDB sizes its CSV read buffers from the longest line allowed, so this bounds the COPY's
 * memory (64 MiB lines took 2 GB of RSS on a 400k-row partition, 4 MiB ~0.6 GB). Rows are far
 * smaller (an upload is at most 1 MiB); a partition with a longer one gets larger buffers.
 */
const MAX_LINE = 4 * 1024 * 1024;

function csvLine(columns: readonly string[], row: Record<string, unknown>): string {
  let line = '';
  for (let i = 0; i < columns.length; i++) {
    const v = row[columns[i]!];
    if (i > 0) line += ',';
    if (v === null || v === undefined) continue;
    if (typeof v === 'string') line += v.includes(Q) ? `${Q}${v.replaceAll(Q, Q + Q)}${Q}` : `${Q}${v}${Q}`;
    else line += String(v);
  }
  return line;
}

/** Appends a line (and its newline) to the staged file's buffer; a UTF-16 unit is at most 3 UTF-8 bytes. */
function stageLine(s: Staged, line: string): void {
  if (s.used + 3 * line.length + 1 > CHUNK) {
    flushBuffer(s);
    if (3 * line.length + 1 > CHUNK) {
      writeSync(s.fd, `${line}\n`);
      return;
    }
  }
  s.used += s.buffer.write(line, s.used);
  s.buffer[s.used++] = 0x0a;
}

function flushBuffer(s: Staged): void {
  if (s.used === 0) return;
  let written = 0;
  while (written < s.used) written += writeSync(s.fd, s.buffer, written, s.used - written);
  s.used = 0;
}

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

import { partitionLocation, WarehouseTables, type Partition, type TableName } from '@clickstream/contracts';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { OutputTable, RowOf } from '../../domain/core/processing-core.js';

/** One table partition's rows, staged as a CSV file, ready for DuckDB to copy into Parquet. */
export interface StagedFile {
  table: TableName;
  partition: Omit<Partition, 'table' | 'location'>;
  location: string;
  path: string;
  rows: number;
  /** Longest line staged (UTF-16 units; UTF-8 bytes are at most 3 per unit). */
  longest: number;
}

interface OpenFile extends StagedFile {
  fd: number;
  buffer: Buffer;
  /** Bytes of `buffer` in use. */
  used: number;
}

/**
 * Staged text is encoded line by line into a buffer of this size per file and written when it is
 * full: few syscalls, bounded memory, and no large strings to join (joining 1 MiB of lines and
 * encoding the result cost more than building the lines, mostly in the garbage collector).
 */
const CHUNK = 256 * 1024;
const NO_BUFFER = Buffer.alloc(0);

/**
 * Rows as the core emits them, appended to one CSV file per table and partition in a folder of
 * its own (memory holds one chunk per file). Plain file system work, no DuckDB: it runs in a
 * shard's worker thread as well as in the job's own thread.
 */
export class CsvStaging {
  private readonly files = new Map<string, OpenFile>();
  /** Per table, the file of its last row: consecutive rows mostly share a partition, so most rows skip building its location. */
  private readonly lastOf = new Map<OutputTable, { appId: string; year: number; month: number; day: number; file: OpenFile }>();
  private closed = false;

  constructor(private readonly dir: string) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }

  append<T extends OutputTable>(table: T, row: RowOf[T]): void {
    const line = LINE_OF[table](row);
    const f = this.fileOf(table, row.app_id, row.year, row.month, row.day);
    if (line.length > f.longest) f.longest = line.length;
    f.rows++;
    stageLine(f, line);
  }

  /** Writes what is buffered and closes the files; returns them in location order. */
  close(): StagedFile[] {
    if (this.closed) throw new Error('staging already closed');
    this.closed = true;
    const out: StagedFile[] = [];
    for (const f of this.files.values()) {
      flushBuffer(f);
      closeSync(f.fd);
      f.fd = -1;
      f.buffer = NO_BUFFER;
      out.push({ table: f.table, partition: f.partition, location: f.location, path: f.path, rows: f.rows, longest: f.longest });
    }
    return out.sort((a, b) => (a.location < b.location ? -1 : a.location > b.location ? 1 : 0));
  }

  /** Closes the files and removes the folder (after a failure, or once the files were copied). */
  discard(): void {
    this.closed = true;
    for (const f of this.files.values()) {
      if (f.fd >= 0) closeSync(f.fd);
      f.fd = -1;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private fileOf(table: OutputTable, appId: string, year: number, month: number, day: number): OpenFile {
    const last = this.lastOf.get(table);
    if (last && last.appId === appId && last.day === day && last.month === month && last.year === year) return last.file;
    const partition = { appId, year, month, day };
    const location = partitionLocation({ table, ...partition });
    let f = this.files.get(location);
    if (!f) {
      const path = join(this.dir, `${this.files.size}.csv`);
      f = { table, partition, location, path, rows: 0, longest: 0, fd: openSync(path, 'w'), buffer: Buffer.allocUnsafe(CHUNK), used: 0 };
      this.files.set(location, f);
    }
    this.lastOf.set(table, { appId, year, month, day, file: f });
    return f;
  }
}

/**
 * Rows are staged as CSV, not JSON: no column names repeated on every row, and DuckDB's CSV reader
 * is its fastest. Strings are always quoted (so a quoted empty field is an empty string, an
 * unquoted one NULL). The quote is the control character U+0001, not `"`: the JSON-text columns
 * (attributes …) are full of `"`, and doubling them cost more than the rest of the line; U+0001
 * is doubled the same way on the rare value that holds one.
 */
export const CSV_QUOTE = '\u0001';

/**
 * One line per row, by a function generated per table from the warehouse contract — why: a loop
 * over the column names reads `row[name]` with a different name each time, a slow generic
 * property load; the generated code reads each column by a constant name (half the time).
 */
type LineOf = (row: object) => string;

function lineFunctionOf(columns: readonly string[]): LineOf {
  const body = columns.map((name, i) => `${i === 0 ? 'let line =' : "line += ',' +"} field(row[${JSON.stringify(name)}]);`).join('\n');
  return new Function('field', `return (row) => {\n${body}\nreturn line;\n};`)(field) as LineOf;
}

/** A field's text: empty for NULL, a quoted string, or a number or boolean as is. */
function field(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'string') return String(v);
  return v.indexOf(CSV_QUOTE) === -1 ? CSV_QUOTE + v + CSV_QUOTE : CSV_QUOTE + v.split(CSV_QUOTE).join(CSV_QUOTE + CSV_QUOTE) + CSV_QUOTE;
}

const LINE_OF = Object.fromEntries(
  (Object.keys(WarehouseTables) as TableName[]).map((t) => [t, lineFunctionOf(WarehouseTables[t].columns.map((c) => c.name))]),
) as Record<TableName, LineOf>;

/** Appends a line (and its newline) to the staged file's buffer; a UTF-16 unit is at most 3 UTF-8 bytes. */
function stageLine(f: OpenFile, line: string): void {
  if (f.used + 3 * line.length + 1 > CHUNK) {
    flushBuffer(f);
    if (3 * line.length + 1 > CHUNK) {
      writeSync(f.fd, `${line}\n`);
      return;
    }
  }
  f.used += f.buffer.write(line, f.used);
  f.buffer[f.used++] = 0x0a;
}

function flushBuffer(f: OpenFile): void {
  if (f.used === 0) return;
  let written = 0;
  while (written < f.used) written += writeSync(f.fd, f.buffer, written, f.used - written);
  f.used = 0;
}

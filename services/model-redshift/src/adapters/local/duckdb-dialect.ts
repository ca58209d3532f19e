import { sqlString } from '@clickstream/runtime';
import { fileURLToPath } from 'node:url';
import { CopyManifest } from '../../domain/manifest.js';
import type { LoadStatement } from '../../ports/statement-runner.js';

/**
 * Where Redshift and DuckDB differ, for the statements this service runs. Everything else — CREATE
 * TABLE with Redshift types, window functions, DELETE … USING, MERGE, CREATE TEMP TABLE AS — is
 * accepted by both as written, so the SQL files stay in one dialect.
 */
const REWRITES: readonly [RegExp, string | ((...groups: string[]) => string)][] = [
  // Table attributes that only matter to Redshift's storage.
  [/\s+DISTSTYLE\s+(?:AUTO|EVEN|ALL|KEY)\b/gi, ''],
  [/\s+DISTKEY\s*\(\s*\w+\s*\)/gi, ''],
  [/\s+(?:COMPOUND\s+|INTERLEAVED\s+)?SORTKEY\s*(?:\([^)]*\)|AUTO)/gi, ''],
  [/\s+ENCODE\s+\w+/gi, ''],
  // Redshift's current transaction time; DuckDB's now() is a TIMESTAMPTZ.
  [/\bGETDATE\s*\(\s*\)/gi, 'CAST(now() AS TIMESTAMP)'],
  // DATEDIFF(millisecond, a, b): the part is a keyword in Redshift, a string in DuckDB.
  [/\bDATEDIFF\s*\(\s*(\w+)\s*,/gi, (_m, part: string) => `date_diff('${part.toLowerCase()}',`],
];

export function toDuckDbSql(sql: string): string {
  return REWRITES.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement as string), sql);
}

/**
 * One load statement as DuckDB runs it. COPY FROM a manifest becomes an INSERT of `read_parquet`
 * over exactly the manifest's files, by position like COPY (a file whose columns differ fails the
 * same way).
 */
export async function renderForDuckDb(statement: LoadStatement, readManifest: (uri: string) => Promise<string>): Promise<string> {
  if (statement.kind === 'sql') return toDuckDbSql(statement.sql);
  const manifest = CopyManifest.parse(JSON.parse(await readManifest(statement.manifest)));
  const paths = manifest.entries.map((e) => {
    if (!e.url.startsWith('file://')) throw new Error(`the embedded engine reads file:// manifests only, got ${e.url}`);
    return fileURLToPath(e.url);
  });
  if (!/^\w+$/.test(statement.table)) throw new Error(`bad COPY target ${statement.table}`);
  // hive_partitioning off: COPY reads only the file's own columns, never the app_id=…/year=… of its path.
  return `INSERT INTO ${statement.table} SELECT * FROM read_parquet([${paths.map(sqlString).join(', ')}], hive_partitioning = false)`;
}

import { WarehouseTables, type TableName } from '@clickstream/contracts';
import type { LoadStatement } from '../ports/statement-runner.js';
import { partitionOfKey } from './file-keys.js';
import { loadMergeStatements } from './sql-files.js';

const literal = (value: string) => `'${value.replaceAll("'", "''")}'`;

/**
 * The copy phase of one batch, as one transaction: empty the table's staging (a failed merge may
 * have left rows), then for each file COPY it through its manifest into `stage_<table>_raw`, move
 * the rows to `stage_<table>` tagged with the file and its partition, and empty the raw table.
 */
export function copyStatements(table: TableName, fileKeys: readonly string[], manifests: readonly string[]): LoadStatement[] {
  if (fileKeys.length !== manifests.length) throw new Error(`${fileKeys.length} files but ${manifests.length} manifests`);
  if (fileKeys.length === 0) throw new Error('a copy needs at least one file');
  const spec = WarehouseTables[table];
  const fileColumns = spec.columns.map((c) => c.name).join(', ');
  const allColumns = [...spec.columns, ...spec.partitionKeys].map((c) => c.name).join(', ');
  const statements: LoadStatement[] = [{ kind: 'sql', sql: `DELETE FROM stage_${table}` }];
  fileKeys.forEach((key, i) => {
    const p = partitionOfKey(key);
    if (p.table !== table) throw new Error(`${key} is not a file of table ${table}`);
    statements.push(
      { kind: 'copy', table: `stage_${table}_raw`, manifest: manifests[i] as string },
      {
        kind: 'sql',
        sql:
          `INSERT INTO stage_${table} (${allColumns}, source_file) ` +
          `SELECT ${fileColumns}, ${literal(p.appId)}, ${p.year}, ${p.month}, ${p.day}, ${literal(key)} FROM stage_${table}_raw`,
      },
      { kind: 'sql', sql: `DELETE FROM stage_${table}_raw` },
    );
  });
  return statements;
}

/** The merge phase: the table's merge file (sql/merge/<table>.sql), one transaction. */
export function mergeStatements(table: TableName, sqlDir?: string): LoadStatement[] {
  return loadMergeStatements(table, sqlDir).map((sql) => ({ kind: 'sql', sql }));
}

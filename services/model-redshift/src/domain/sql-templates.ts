import { WarehouseTables, type Column, type ColumnType } from '@clickstream/contracts';
import type { Tables } from './schema-history.js';

/** Redshift's names for the contract's neutral types; DuckDB accepts every one of them as is. */
export const RedshiftType: Record<ColumnType, string> = {
  // Redshift's widest VARCHAR (bytes); a longer value fails the COPY and the file ends FAILED.
  string: 'VARCHAR(65535)',
  bigint: 'BIGINT',
  int: 'INTEGER',
  double: 'DOUBLE PRECISION',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
};

type Lists = Record<string, (alias: string | undefined) => string>;

function listsOf(columns: readonly Column[]): Lists {
  const names = (alias: string | undefined) => columns.map((c) => (alias ? `${alias}.${c.name}` : c.name)).join(', ');
  return {
    columns: names,
    column_defs: () => columns.map((c) => `${c.name} ${RedshiftType[c.type]}`).join(',\n  '),
    set: (alias) => {
      if (!alias) throw new Error('a set list needs a source alias, e.g. {{items.set:src}}');
      return columns.map((c) => `${c.name} = ${alias}.${c.name}`).join(', ');
    },
  };
}

/**
 * Fills the placeholders of the service's SQL files from the warehouse contract, so every table,
 * staging table and merge lists exactly the contract's columns:
 *
 *   {{events.columns}}            file columns then partition keys (app_id, year, month, day)
 *   {{events.file_columns}}       the columns inside the Parquet files (no partition keys)
 *   {{events.columns:s}}          the same, each prefixed with `s.`
 *   {{events.column_defs}}        `name TYPE` pairs (Redshift types), also file_column_defs
 *   {{events.set:s}}              `name = s.name` assignments, also file_set
 *
 * Migrations pass the contract as they saw it (schema-history.ts); everything else the current one.
 */
export function renderSql(name: string, text: string, tables: Tables = WarehouseTables): string {
  return text.replace(/\{\{(\w+)\.(\w+)(?::(\w+))?\}\}/g, (_match, table: string, list: string, alias: string | undefined) => {
    // Own keys only: `constructor` or `__proto__` must be unknown tables, not Object's members.
    const spec = Object.hasOwn(tables, table) ? tables[table as keyof Tables] : undefined;
    if (!spec) throw new Error(`${name}: unknown table ${table}`);
    const fileOnly = list.startsWith('file_');
    const lists = listsOf(fileOnly ? spec.columns : [...spec.columns, ...spec.partitionKeys]);
    const render = Object.hasOwn(lists, fileOnly ? list.slice('file_'.length) : list) ? lists[fileOnly ? list.slice('file_'.length) : list] : undefined;
    if (!render) throw new Error(`${name}: unknown column list ${list} (columns, column_defs, set, or file_ + one of them)`);
    return render(alias);
  });
}

/**
 * Splits a file into statements at semicolons that end a line. The files never put `;` at a line
 * end inside a string or comment, so no SQL parser is needed; comment-only pieces are dropped.
 */
export function splitStatements(text: string): string[] {
  return text
    .split(/;[ \t]*(?:\r?\n|$)/)
    .map((s) => s.trim())
    .filter((s) => s.split('\n').some((line) => line.trim() !== '' && !line.trim().startsWith('--')));
}

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TableName } from '@clickstream/contracts';
import { contractAsOf } from './schema-history.js';
import { renderSql, splitStatements } from './sql-templates.js';

/** One versioned migration: `sql/migrations/NNN_name.sql`, applied once, in version order. */
export interface Migration {
  version: number;
  name: string;
  statements: string[];
}

/** One reporting view file, re-applied on every deploy (CREATE OR REPLACE VIEW). */
export interface ViewFile {
  name: string;
  statements: string[];
}

// The folder of SQL files: next to src/ in the repo, and in the Lambda zip (package.patterns) next
// to the bundle's src/handlers/ folder — both two levels up from here.
export const defaultSqlDir = (): string => fileURLToPath(new URL('../../sql/', import.meta.url));

function sqlNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => n.endsWith('.sql'))
    .sort();
}

export function loadMigrations(sqlDir = defaultSqlDir()): Migration[] {
  const dir = join(sqlDir, 'migrations');
  const migrations = sqlNames(dir).map((name) => {
    const m = /^(\d+)_[\w-]+\.sql$/.exec(name);
    if (!m) throw new Error(`migration file ${name} must be named NNN_description.sql`);
    const version = Number(m[1]);
    return { version, name, statements: splitStatements(renderSql(name, readFileSync(join(dir, name), 'utf8'), contractAsOf(version))) };
  });
  const versions = new Set<number>();
  for (const m of migrations) {
    if (versions.has(m.version)) throw new Error(`two migrations share version ${m.version}`);
    versions.add(m.version);
  }
  return migrations.sort((a, b) => a.version - b.version);
}

export function loadViews(sqlDir = defaultSqlDir()): ViewFile[] {
  const dir = join(sqlDir, 'views');
  return sqlNames(dir).map((name) => ({ name, statements: splitStatements(renderSql(name, readFileSync(join(dir, name), 'utf8'))) }));
}

/** The merge of one table: the statements that move its staging table into the target tables. */
export function loadMergeStatements(table: TableName, sqlDir = defaultSqlDir()): string[] {
  const name = `${table}.sql`;
  return splitStatements(renderSql(name, readFileSync(join(sqlDir, 'merge', name), 'utf8')));
}

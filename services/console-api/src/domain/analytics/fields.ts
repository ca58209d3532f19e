import { EventsTable, SessionsTable, type Column } from '@clickstream/contracts';
import * as z from 'zod';
import { ATTRIBUTE_NAME, type Dialect } from './dialects.js';
import { ident, sql, type Sql } from './sql.js';

/**
 * The fields a query may name, derived from the warehouse contract (shared/contracts
 * warehouse.ts): every scalar column of `events` is a dimension, plus the derived ones below.
 * Nothing else becomes an identifier. JSON columns are reached through attribute names instead.
 */
const JSON_COLUMNS = new Set(['attributes', 'user_attributes', 'items']);
const SCALAR_TYPES = new Set<Column['type']>(['string', 'boolean', 'int', 'bigint']);

const eventColumns = new Map<string, Column>(EventsTable.columns.map((c) => [c.name, c]));

/** Derived dimensions: SQL from this file only. */
const DERIVED = {
  /** The page without its query string, or the app screen. */
  page: (e: Sql) => sql`COALESCE(split_part(${e}."page_url", '?', 1), ${e}."screen_name")`,
  source_medium: (e: Sql) => sql`(COALESCE(${e}."traffic_source_source", '(not set)') || ' / ' || COALESCE(${e}."traffic_source_medium", '(not set)'))`,
  /** Width x height in pixels, e.g. 1920x1080; NULL unless the SDK reported both. */
  screen_size: (e: Sql) =>
    sql`CASE WHEN ${e}."screen_width" IS NOT NULL AND ${e}."screen_height" IS NOT NULL THEN CAST(${e}."screen_width" AS VARCHAR) || 'x' || CAST(${e}."screen_height" AS VARCHAR) END`,
} as const;

export const EVENT_DIMENSIONS = [
  ...EventsTable.columns.filter((c) => SCALAR_TYPES.has(c.type) && !JSON_COLUMNS.has(c.name)).map((c) => c.name),
  ...Object.keys(DERIVED),
] as [string, ...string[]];

export const Dimension = z.enum(EVENT_DIMENSIONS).describe('A column of the events table (warehouse contract) or page / source_medium / screen_size');
export type Dimension = string;

export const AttributeName = z.string().regex(ATTRIBUTE_NAME, 'attribute names: letters, digits and underscores, ≤ 50, not starting with a digit');

/** Whether a query can name this dimension: a scalar events column of the warehouse contract, or a derived one. */
export function isDimension(name: string): boolean {
  return (EVENT_DIMENSIONS as readonly string[]).includes(name);
}

export function dimensionType(name: Dimension): 'string' | 'boolean' | 'number' {
  const column = eventColumns.get(name);
  if (!column) return 'string';
  return column.type === 'boolean' ? 'boolean' : column.type === 'string' ? 'string' : 'number';
}

/** The SQL of a dimension over the events row alias `e` (e.g. `e`). */
export function dimensionSql(name: Dimension, e: Sql): Sql {
  if (Object.hasOwn(DERIVED, name)) return DERIVED[name as keyof typeof DERIVED](e);
  if (!eventColumns.has(name) || JSON_COLUMNS.has(name)) throw new Error(`unknown dimension ${name}`);
  return sql`${e}.${ident(name)}`;
}

/** A field filters and breakdowns can name: a dimension, an event attribute or a user attribute. */
export const FieldRef = z.union([
  z.object({ dimension: Dimension }).strict(),
  z.object({ attribute: AttributeName }).strict(),
  z.object({ userAttribute: AttributeName }).strict(),
]);
export type FieldRef = z.infer<typeof FieldRef>;

export function fieldSql(field: FieldRef, e: Sql, dialect: Dialect): Sql {
  if ('dimension' in field) return dimensionSql(field.dimension, e);
  if ('attribute' in field) return dialect.jsonText(sql`${e}."attributes"`, field.attribute);
  return dialect.userAttributeText(sql`${e}."user_attributes"`, field.userAttribute);
}

export function fieldLabel(field: FieldRef): string {
  if ('dimension' in field) return field.dimension;
  if ('attribute' in field) return `attribute.${field.attribute}`;
  return `user.${field.userAttribute}`;
}

const sessionColumns = new Set(SessionsTable.columns.map((c) => c.name));

/**
 * The session-level column that means the same as an event dimension for session metrics (the
 * value of the session's first event), if sessions_merged has it.
 */
export function sessionColumnFor(field: FieldRef): string | undefined {
  if (!('dimension' in field)) return undefined;
  const name = field.dimension;
  // user_id differs: the session keeps the latest login id, an event the one it carried.
  return sessionColumns.has(name) && eventColumns.has(name) && name !== 'user_id' ? name : undefined;
}

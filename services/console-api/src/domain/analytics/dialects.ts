import { sql, trusted, type Sql, type SqlValue } from './sql.js';

export type DialectName = 'duckdb' | 'athena' | 'redshift';
export type TruncUnit = 'minute' | 'hour' | 'day' | 'week' | 'month';

/**
 * What differs between DuckDB, Athena (Trino) and Redshift in the SQL the compilers write. Every
 * method takes and returns fragments, so parameters stay parameters. Weeks start on Monday in all
 * three engines' date_trunc.
 */
export interface Dialect {
  readonly name: DialectName;
  /** Placeholder for the parameter at `index`; a few constants are written as literals where the engine cannot bind them. */
  bind(value: SqlValue, index: number): { text: string; bound: boolean };
  timestamp(value: Sql): Sql;
  addMillis(ts: Sql, ms: Sql): Sql;
  /** (to − from) in seconds, with millisecond precision. */
  secondsBetween(from: Sql, to: Sql): Sql;
  /** Whole units between two values already truncated to `unit`. */
  unitsBetween(unit: 'day' | 'week' | 'month', from: Sql, to: Sql): Sql;
  trunc(unit: TruncUnit, ts: Sql): Sql;
  /** A scalar of a JSON object column at `$.name` (attribute names are checked), as text. */
  jsonText(column: Sql, name: string): Sql;
  /** A user attribute's value: `user_attributes` holds `{ name: { value, set_timestamp } }`. */
  userAttributeText(column: Sql, name: string): Sql;
  /** Text to a double, NULL when it is not a number. */
  toDouble(text: Sql): Sql;
  median(x: Sql): Sql;
  double: Sql;
}

const DUCKDB_TRUNC: Record<TruncUnit, string> = { minute: "'minute'", hour: "'hour'", day: "'day'", week: "'week'", month: "'month'" };

export const duckdb: Dialect = {
  name: 'duckdb',
  bind: (_value, index) => ({ text: `$${index + 1}`, bound: true }),
  timestamp: (v) => sql`CAST(${v} AS TIMESTAMP)`,
  addMillis: (ts, ms) => sql`(${ts} + to_milliseconds(CAST(${ms} AS BIGINT)))`,
  secondsBetween: (from, to) => sql`((epoch_ms(${to}) - epoch_ms(${from})) / 1000.0)`,
  unitsBetween: (unit, from, to) => sql`date_diff(${trusted(`'${unit}'`)}, ${from}, ${to})`,
  trunc: (unit, ts) => sql`date_trunc(${trusted(DUCKDB_TRUNC[unit])}, ${ts})`,
  jsonText: (column, name) => sql`json_extract_string(${column}, ${jsonPath(name)})`,
  userAttributeText: (column, name) => sql`json_extract_string(${column}, ${`${jsonPath(name)}.value`})`,
  toDouble: (text) => sql`TRY_CAST(${text} AS DOUBLE)`,
  median: (x) => sql`median(${x})`,
  double: trusted('DOUBLE'),
};

/** Athena execution parameters are SQL literals: the adapter quotes them; here they are plain `?`. */
export const athena: Dialect = {
  name: 'athena',
  bind: () => ({ text: '?', bound: true }),
  timestamp: (v) => sql`CAST(${v} AS timestamp)`,
  addMillis: (ts, ms) => sql`date_add('millisecond', CAST(${ms} AS bigint), ${ts})`,
  secondsBetween: (from, to) => sql`(to_unixtime(${to}) - to_unixtime(${from}))`,
  // Trino counts whole units between the values; they are truncated, so that is the calendar difference.
  unitsBetween: (unit, from, to) =>
    unit === 'week' ? sql`(date_diff('day', ${from}, ${to}) / 7)` : sql`date_diff(${trusted(`'${unit}'`)}, ${from}, ${to})`,
  trunc: (unit, ts) => sql`date_trunc(${trusted(`'${unit}'`)}, ${ts})`,
  jsonText: (column, name) => sql`json_extract_scalar(${column}, ${jsonPath(name)})`,
  userAttributeText: (column, name) => sql`json_extract_scalar(${column}, ${`${jsonPath(name)}.value`})`,
  toDouble: (text) => sql`TRY_CAST(${text} AS double)`,
  median: (x) => sql`approx_percentile(${x}, 0.5)`,
  double: trusted('double'),
};

/**
 * Redshift through the Data API: named parameters `:p1…`, whose values are non-empty strings; the
 * empty string and NULL are constants, written as literals (they carry no input).
 */
export const redshift: Dialect = {
  name: 'redshift',
  bind: (value, index) => {
    if (value === null) return { text: 'NULL', bound: false };
    if (value === '') return { text: "''", bound: false };
    return { text: `:p${index + 1}`, bound: true };
  },
  timestamp: (v) => sql`CAST(${v} AS TIMESTAMP)`,
  addMillis: (ts, ms) => sql`DATEADD(millisecond, CAST(${ms} AS INTEGER), ${ts})`,
  secondsBetween: (from, to) => sql`(DATEDIFF(millisecond, ${from}, ${to}) / 1000.0)`,
  unitsBetween: (unit, from, to) => sql`DATEDIFF(${trusted(unit)}, ${from}, ${to})`,
  trunc: (unit, ts) => sql`DATE_TRUNC(${trusted(`'${unit}'`)}, ${ts})`,
  jsonText: (column, name) => sql`NULLIF(JSON_EXTRACT_PATH_TEXT(${column}, ${attributeName(name)}, true), '')`,
  userAttributeText: (column, name) => sql`NULLIF(JSON_EXTRACT_PATH_TEXT(${column}, ${attributeName(name)}, 'value', true), '')`,
  // Redshift has no TRY_CAST: only text that looks like a number is cast.
  toDouble: (text) =>
    sql`CASE WHEN ${text} ~ '^[-+]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][-+]?[0-9]+)?$' THEN CAST(${text} AS DOUBLE PRECISION) END`,
  median: (x) => sql`MEDIAN(${x})`,
  double: trusted('DOUBLE PRECISION'),
};

export const dialects: Record<DialectName, Dialect> = { duckdb, athena, redshift };

/**
 * Attribute names as the ingest protocol allows them (letters, digits, underscores; not starting
 * with a digit; ≤ 50). Checked again here because they become part of a JSON path (still a parameter).
 */
export const ATTRIBUTE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,49}$/;

function attributeName(name: string): string {
  if (!ATTRIBUTE_NAME.test(name)) throw new Error(`not an attribute name: ${JSON.stringify(name)}`);
  return name;
}

function jsonPath(name: string): string {
  return `$.${attributeName(name)}`;
}

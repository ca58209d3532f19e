import type { DiscoveredMetadata, DiscoveredName } from '../../ports/analytics.js';
import type { Dialect } from './dialects.js';
import { n, str, type ColumnSpec, type Row } from './panel.js';
import { relation, sql, type Sql } from './sql.js';

/**
 * Metadata discovery: event names, and the names and JSON types of event and user attributes,
 * with counts and first/last seen, over the app's whole history. Enumerating JSON keys is the one
 * thing the three engines spell completely differently.
 */
export function metadataQueries(dialect: Dialect, appId: string): Record<'events' | 'attributes', { query: Sql; columns: ColumnSpec[] }> {
  const seen = [{ name: 'first_seen', type: 'timestamp' }, { name: 'last_seen', type: 'timestamp' }] satisfies ColumnSpec[];
  return {
    events: {
      query: sql`SELECT e."event_type" AS "name", count(*) AS "count", min(e."event_timestamp") AS "first_seen", max(e."event_timestamp") AS "last_seen"
        FROM ${relation('events_deduped')} e WHERE e."app_id" = ${appId} GROUP BY 1`,
      columns: [str('name'), n('count'), ...seen],
    },
    attributes: {
      query: sql`${attributeKeys(dialect, appId, 'event')} UNION ALL ${attributeKeys(dialect, appId, 'user')}`,
      columns: [str('scope'), str('name'), str('type'), n('count'), ...seen],
    },
  };
}

/** One row per (scope, name, JSON type): string, number, boolean, object, array or null. */
function attributeKeys(dialect: Dialect, appId: string, scope: 'event' | 'user'): Sql {
  const column = scope === 'event' ? sql`e."attributes"` : sql`e."user_attributes"`;
  const where = sql`e."app_id" = ${appId} AND ${column} IS NOT NULL`;
  const tail = sql`count(*) AS "count", min(e."event_timestamp") AS "first_seen", max(e."event_timestamp") AS "last_seen"`;
  switch (dialect.name) {
    case 'duckdb': {
      // json_each's types are DuckDB's: VARCHAR, BIGINT, UBIGINT, DOUBLE, BOOLEAN, OBJECT, ARRAY, NULL.
      const raw = scope === 'event' ? sql`j."type"` : sql`json_type(j."value", '$.value')`;
      const type = sql`CASE ${raw} WHEN 'VARCHAR' THEN 'string' WHEN 'BOOLEAN' THEN 'boolean' WHEN 'OBJECT' THEN 'object'
        WHEN 'ARRAY' THEN 'array' WHEN 'NULL' THEN 'null' ELSE 'number' END`;
      return sql`SELECT * FROM (SELECT ${scope} AS "scope", j."key" AS "name", ${type} AS "type", ${tail}
        FROM ${relation('events_deduped')} e, json_each(${column}) j WHERE ${where} GROUP BY 1, 2, 3) ${scope === 'event' ? sql`ea` : sql`ua`}`;
    }
    case 'athena': {
      const value = scope === 'event' ? sql`t."value"` : sql`json_extract(t."value", '$.value')`;
      const first = sql`substr(json_format(${value}), 1, 1)`;
      const type = sql`CASE WHEN ${value} IS NULL OR ${first} = 'n' THEN 'null' WHEN ${first} = '"' THEN 'string' WHEN ${first} IN ('t', 'f') THEN 'boolean'
        WHEN ${first} = '{' THEN 'object' WHEN ${first} = '[' THEN 'array' ELSE 'number' END`;
      return sql`SELECT * FROM (SELECT ${scope} AS "scope", t."key" AS "name", ${type} AS "type", ${tail}
        FROM ${relation('events_deduped')} e CROSS JOIN UNNEST(CAST(json_parse(${column}) AS MAP(VARCHAR, JSON))) AS t("key", "value")
        WHERE ${where} GROUP BY 1, 2, 3) ${scope === 'event' ? sql`ea` : sql`ua`}`;
    }
    case 'redshift': {
      const value = scope === 'event' ? sql`v` : sql`v."value"`;
      return sql`SELECT * FROM (SELECT ${scope} AS "scope", k AS "name", JSON_TYPEOF(${value}) AS "type", ${tail}
        FROM ${relation('events_deduped')} e, UNPIVOT JSON_PARSE(${column}) AS v AT k
        WHERE ${where} GROUP BY 1, 2, 3) ${scope === 'event' ? sql`ea` : sql`ua`}`;
    }
  }
}

export function shapeMetadata(events: Row[], attributes: Row[]): DiscoveredMetadata {
  const seen = (r: Row): DiscoveredName => ({
    name: String(r.name),
    count: Number(r.count ?? 0),
    firstSeen: typeof r.first_seen === 'string' ? `${r.first_seen}Z` : null,
    lastSeen: typeof r.last_seen === 'string' ? `${r.last_seen}Z` : null,
  });
  const byKey = new Map<string, DiscoveredMetadata['attributes'][number]>();
  for (const r of attributes) {
    const scope = r.scope === 'user' ? 'user' : 'event';
    const key = `${scope}\u0000${String(r.name)}`;
    const found = seen(r);
    const current = byKey.get(key);
    const type = String(r.type ?? 'null');
    if (!current) {
      byKey.set(key, { ...found, scope, types: [type] });
      continue;
    }
    current.count += found.count;
    if (found.firstSeen && (!current.firstSeen || found.firstSeen < current.firstSeen)) current.firstSeen = found.firstSeen;
    if (found.lastSeen && (!current.lastSeen || found.lastSeen > current.lastSeen)) current.lastSeen = found.lastSeen;
    if (!current.types.includes(type)) current.types.push(type);
  }
  const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return {
    events: events.map(seen).sort(byName),
    attributes: [...byKey.values()]
      .map((a) => ({ ...a, types: a.types.sort() }))
      .sort((a, b) => (a.scope === b.scope ? byName(a, b) : a.scope === 'event' ? -1 : 1)),
  };
}

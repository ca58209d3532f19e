import { duckdb, type Dialect } from './dialects.js';
import { dimensionSql } from './fields.js';
import type { Filter } from './filters.js';
import { PAGE_VIEW_EVENTS, type QueryContext } from './scope.js';
import { sql, trusted, type Sql, type SqlValue } from './sql.js';

/**
 * Pre-aggregated relations a warehouse may keep next to events_deduped (the embedded DuckDB one
 * does: duckdb-analytics-snapshot.ts), and when a query may read them instead of the events with
 * exactly the same answer. Athena and Redshift have none: their SQL is the direct one.
 *
 * `activity`: one row per app, 15-minute UTC bucket, user, session and value of the dimensions
 * below, with its events, page views and engagement time. Distinct users and sessions, events and
 * views over any set of whole buckets equal the events' own. A period in a time zone is a set of
 * whole buckets when its offsets (and the instants they change) are multiples of 15 minutes —
 * every zone in use today — so local days, weeks and hours of a bucket are those of its events.
 *
 * `page_activity`: one row per app, 15-minute bucket, user and page (fields.ts's `page`) of the
 * page views, engagement and scroll events, with how many of each and the engagement time.
 *
 * `event_sequence`: each event of a session (session_id set) numbered within its session by
 * (event_timestamp, event_id), over all events and over page/screen views alone. Numbers within a
 * period's events differ from these by a constant per session, so differences are the same.
 */
export const ROLLUP_GRAIN_MS = 15 * 60_000;

/** Event columns `activity` keeps: constant within a session in practice, so they add few rows. */
export const ACTIVITY_DIMENSIONS = [
  'platform',
  'app_version',
  'browser',
  'os',
  'device_category',
  'country',
  'continent',
  'region',
  'city',
  'locale',
  'channel_group',
  'traffic_source_source',
  'traffic_source_medium',
  'traffic_source_campaign',
  'is_bot',
  'screen_width',
  'screen_height',
] as const;
/** Derived dimensions computed from activity's columns only (fields.ts). */
const DERIVED_FROM_ACTIVITY = new Set(['source_medium', 'screen_size']);

export const ENGAGEMENT_EVENT = '_user_engagement';
export const ENGAGEMENT_TIME_ATTRIBUTE = '_engagement_time_msec';

/** `_engagement_time_msec` of an event row as a double, NULL when absent or not a number. */
export function engagementMsec(dialect: Dialect, e: Sql): Sql {
  return dialect.toDouble(dialect.jsonText(sql`${e}."attributes"`, ENGAGEMENT_TIME_ATTRIBUTE));
}

export function isActivityDimension(name: string): boolean {
  return (ACTIVITY_DIMENSIONS as readonly string[]).includes(name) || DERIVED_FROM_ACTIVITY.has(name);
}

/** Whether [fromUtc, toUtc) and the context's local times are made of whole buckets. */
export function alignedToBuckets(ctx: QueryContext, fromUtc = ctx.range.startUtc, toUtc = ctx.range.endUtc): boolean {
  const whole = (ms: number) => ms % ROLLUP_GRAIN_MS === 0;
  return whole(fromUtc) && whole(toUtc) && ctx.shift.segments.every((s, i) => whole(s.offsetMs) && (i === 0 || whole(s.fromUtc)));
}

function filtersOnActivity(filters: readonly Filter[]): boolean {
  return filters.every((f) => 'dimension' in f.field && isActivityDimension(f.field.dimension));
}

/** `activity` answers exactly: the warehouse keeps it, the filters name its columns, the period is whole buckets. */
export function useActivity(ctx: QueryContext, window: { fromUtc?: number; toUtc?: number } = {}): boolean {
  return ctx.rollups === true && filtersOnActivity(ctx.filters) && alignedToBuckets(ctx, window.fromUtc, window.toUtc);
}

/** `page_activity` answers exactly: the warehouse keeps it, there are no filters, the period is whole buckets. */
export function usePageActivity(ctx: QueryContext): boolean {
  return ctx.rollups === true && ctx.filters.length === 0 && alignedToBuckets(ctx);
}

/** `event_sequence` answers exactly: the warehouse keeps it and no filter removes events from a session. */
export function useSequence(ctx: QueryContext): boolean {
  return ctx.rollups === true && ctx.filters.length === 0;
}

// ─── the relations' definitions (DuckDB), for the warehouse that materialises them ──────────────

const e = trusted('e');

/** Renders code-made SQL for DuckDB with its constants as literals (definitions take no input). */
function literalDuckDb(query: Sql): string {
  let text = '';
  for (const token of query.tokens) {
    if (token.kind === 'text') text += token.text;
    else if (token.kind === 'param') text += literal(token.value);
    else throw new Error(`a rollup definition reads only the relation it is given, not ${token.name}`);
  }
  return text;
}

function literal(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return `'${value.replaceAll("'", "''")}'`;
}

const pageView = sql`${e}."event_type" IN (${PAGE_VIEW_EVENTS[0]}, ${PAGE_VIEW_EVENTS[1]})`;

/** The 15-minute UTC bucket of a timestamp column (DuckDB). */
export function bucketOf(column: string): string {
  return `time_bucket(INTERVAL '${ROLLUP_GRAIN_MS / 60_000} minutes', ${column})`;
}

/**
 * `activity` rows of the events in `source` (aliased e) that match `where` (DuckDB SQL over e).
 * Events without a timestamp never fall in a period, so they have no bucket.
 */
export function activityDefinition(source: string, where = 'TRUE'): string {
  const dims = ACTIVITY_DIMENSIONS.map((d) => `e."${d}"`).join(', ');
  const views = literalDuckDb(sql`count(CASE WHEN ${pageView} THEN 1 END)`);
  const engagement = literalDuckDb(sql`sum(CASE WHEN ${e}."event_type" = ${ENGAGEMENT_EVENT} THEN ${engagementMsec(duckdb, e)} END)`);
  return `SELECT e."app_id", ${bucketOf('e."event_timestamp"')} AS "bucket", e."user_pseudo_id", e."session_id", ${dims},
      count(*) AS "events", ${views} AS "views", ${engagement} AS "engagement_msec"
    FROM ${source} e WHERE e."event_timestamp" IS NOT NULL AND (${where})
    GROUP BY e."app_id", "bucket", e."user_pseudo_id", e."session_id", ${dims}`;
}

export const SCROLL_EVENT = '_scroll';

/** `page_activity` rows of the events in `source` (aliased e) that match `where` (DuckDB SQL over e). */
export function pageActivityDefinition(source: string, where = 'TRUE'): string {
  const type = sql`${e}."event_type"`;
  const select = sql`SELECT ${e}."app_id", ${trusted(bucketOf('e."event_timestamp"'))} AS "bucket", ${e}."user_pseudo_id", ${dimensionSql('page', e)} AS "page",
      count(CASE WHEN ${pageView} THEN 1 END) AS "views", count(CASE WHEN ${type} = ${ENGAGEMENT_EVENT} THEN 1 END) AS "engagements",
      sum(CASE WHEN ${type} = ${ENGAGEMENT_EVENT} THEN ${engagementMsec(duckdb, e)} END) AS "engagement_msec",
      count(CASE WHEN ${type} = ${SCROLL_EVENT} THEN 1 END) AS "scrolls"
    FROM ${trusted(source)} e WHERE ${e}."event_timestamp" IS NOT NULL AND (${pageView} OR ${type} IN (${ENGAGEMENT_EVENT}, ${SCROLL_EVENT})) AND (${trusted(where)})
    GROUP BY 1, 2, 3, 4`;
  return literalDuckDb(select);
}

/** `event_sequence` rows of the sessions of `source` (aliased e) matching `where`; whole sessions. */
export function sequenceDefinition(source: string, where = 'TRUE'): string {
  const view = literalDuckDb(pageView);
  const order = 'ORDER BY e."event_timestamp", e."event_id"';
  return `SELECT e."app_id", e."session_id", e."event_timestamp", e."event_type", e."page_url", e."screen_name",
      row_number() OVER (PARTITION BY e."app_id", e."session_id" ${order}) AS "n_all",
      CASE WHEN ${view} THEN row_number() OVER (PARTITION BY e."app_id", e."session_id", ${view} ${order}) END AS "n_view"
    FROM ${source} e WHERE e."session_id" IS NOT NULL AND (${where})`;
}

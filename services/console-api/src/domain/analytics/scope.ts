import type { Dialect } from './dialects.js';
import { sessionColumnFor } from './fields.js';
import { filtersSql, type Filter } from './filters.js';
import { and, ident, relation, sql, trusted, type Sql } from './sql.js';
import { sqlTimestampText, zoneShift, type ResolvedRange, type ZoneShift } from './time-range.js';

/** Everything a compiler needs to know about one query: app, engine, period, time zone, filters, now. */
export interface QueryContext {
  appId: string;
  dialect: Dialect;
  range: ResolvedRange;
  filters: readonly Filter[];
  /** The instant the query runs at (realtime panels), epoch ms. */
  now: number;
  shift: ZoneShift;
  /** The warehouse keeps the pre-aggregates of rollups.ts (the embedded one does). */
  rollups?: boolean;
}

const DAY_MS = 86_400_000;
/** How far around the range local times must be right: MAU looks 30 days back, conversion windows forward. */
const SHIFT_MARGIN_MS = 100 * DAY_MS;

export function queryContext(input: Omit<QueryContext, 'shift'>): QueryContext {
  const { range } = input;
  return { ...input, shift: zoneShift(range.timezone, range.startUtc - SHIFT_MARGIN_MS, range.endUtc + SHIFT_MARGIN_MS) };
}

export const e = trusted('e');
export const s = trusted('s');
export const a = trusted('a');

export function ts(ctx: QueryContext, utcMs: number): Sql {
  return ctx.dialect.timestamp(sql`${sqlTimestampText(utcMs)}`);
}

/** A UTC timestamp column as local wall time: the bound offset of its stretch of constant offset. */
export function localTime(ctx: QueryContext, column: Sql): Sql {
  const { segments } = ctx.shift;
  const { dialect } = ctx;
  if (segments.length === 1) {
    const only = segments[0]!.offsetMs;
    return only === 0 ? column : dialect.addMillis(column, sql`${only}`);
  }
  const whens = segments
    .slice(0, -1)
    .map((seg, i) => sql`WHEN ${column} < ${ts(ctx, segments[i + 1]!.fromUtc)} THEN ${dialect.addMillis(column, sql`${seg.offsetMs}`)} `);
  const last = segments[segments.length - 1]!;
  return sql`(CASE ${whens.reduce((a, b) => sql`${a}${b}`, sql``)}ELSE ${dialect.addMillis(column, sql`${last.offsetMs}`)} END)`;
}

export function localDay(ctx: QueryContext, column: Sql): Sql {
  return sql`CAST(${localTime(ctx, column)} AS DATE)`;
}

export function inRange(ctx: QueryContext, column: Sql, fromUtc = ctx.range.startUtc, toUtc = ctx.range.endUtc): Sql {
  return sql`${column} >= ${ts(ctx, fromUtc)} AND ${column} < ${ts(ctx, toUtc)}`;
}

/**
 * `FROM events_deduped e WHERE <app> AND <period> AND <filters> AND <extra>`: the events a query
 * counts. `fromUtc`/`toUtc` widen the period where a query looks around it.
 */
export function eventsWhere(ctx: QueryContext, options: { extra?: Sql; fromUtc?: number; toUtc?: number; filtered?: boolean } = {}): Sql {
  return sql`FROM ${relation('events_deduped')} e WHERE ${and([
    sql`e."app_id" = ${ctx.appId}`,
    inRange(ctx, sql`e."event_timestamp"`, options.fromUtc, options.toUtc),
    options.filtered === false ? sql`` : filtersSql(ctx.filters, e, ctx.dialect),
    options.extra ?? sql``,
  ])}`;
}

/**
 * `FROM activity a WHERE <app> AND <buckets of the period> AND <filters>`: the same events as
 * eventsWhere, pre-aggregated (only where rollups.ts's useActivity says so).
 */
export function activityWhere(ctx: QueryContext, options: { fromUtc?: number; toUtc?: number } = {}): Sql {
  return sql`FROM ${relation('activity')} a WHERE ${and([
    sql`a."app_id" = ${ctx.appId}`,
    inRange(ctx, sql`a."bucket"`, options.fromUtc, options.toUtc),
    filtersSql(ctx.filters, a, ctx.dialect),
  ])}`;
}

/** Whether every filter can be applied to sessions_merged's own columns. */
function sessionLevel(filters: readonly Filter[]): boolean {
  return filters.every((f) => sessionColumnFor(f.field) !== undefined);
}

/**
 * `FROM sessions_merged s WHERE <app> AND session_start in the period AND <filters>`. Filters on
 * fields sessions carry (source, country, device… of the first event) apply to them; any other
 * filter keeps the sessions with at least one matching event in the period.
 */
export function sessionsWhere(ctx: QueryContext, extra?: Sql): Sql {
  const { filters } = ctx;
  let filter: Sql = sql``;
  if (filters.length > 0) {
    filter = sessionLevel(filters)
      ? filtersSql(
          filters.map((f) => ({ ...f, field: { dimension: sessionColumnFor(f.field)! } })),
          s,
          ctx.dialect,
        )
      : sql`s."session_id" IN (SELECT e."session_id" ${eventsWhere(ctx)})`;
  }
  return sql`FROM ${relation('sessions_merged')} s WHERE ${and([
    sql`s."app_id" = ${ctx.appId}`,
    inRange(ctx, sql`s."session_start"`),
    filter,
    extra ?? sql``,
  ])}`;
}

/** Users of the period's matching events, for user-level relations; no restriction without filters. */
export function userFilter(ctx: QueryContext, column: Sql): Sql {
  if (ctx.filters.length === 0) return sql``;
  return sql`${column} IN (SELECT e."user_pseudo_id" ${eventsWhere(ctx)})`;
}

export const PAGE_VIEW_EVENTS = ['_page_view', '_screen_view'] as const;

export function isPageView(column: Sql): Sql {
  return sql`${column} IN (${PAGE_VIEW_EVENTS[0]}, ${PAGE_VIEW_EVENTS[1]})`;
}

export function col(alias: Sql, name: string): Sql {
  return sql`${alias}.${ident(name)}`;
}

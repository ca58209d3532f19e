import type { Dialect } from './dialects.js';
import { dimensionSql, dimensionType, fieldSql, isDimension, type FieldRef } from './fields.js';
import { n, num, ratio, str, unavailablePanel, type Panel, type Row } from './panel.js';
import { isActivityDimension, useActivity } from './rollups.js';
import { a, activityWhere, e, eventsWhere, isPageView, sessionsWhere, type QueryContext } from './scope.js';
import { sql, trusted, type Sql } from './sql.js';

export const NOT_SET = '(not set)';
export const OTHER = '(other)';

/** A value as text for grouping: NULL is "(not set)"; booleans spelled out (Redshift cannot cast them). */
export function asText(_dialect: Dialect, x: Sql, type: 'string' | 'boolean' | 'number' = 'string'): Sql {
  if (type === 'boolean') return sql`COALESCE(CASE WHEN ${x} THEN 'true' WHEN NOT ${x} THEN 'false' END, ${NOT_SET})`;
  if (type === 'number') return sql`COALESCE(CAST(${x} AS VARCHAR), ${NOT_SET})`;
  return sql`COALESCE(${x}, ${NOT_SET})`;
}

export function fieldText(ctx: QueryContext, field: FieldRef, alias: Sql = e): Sql {
  const type = 'dimension' in field ? dimensionType(field.dimension) : 'string';
  return asText(ctx.dialect, fieldSql(field, alias, ctx.dialect), type);
}

/** Keeps the first `limit` rows of `grouped` by `order` (ties by `value`), numbering them `rank`. */
export function topRows(grouped: Sql, order: Sql, limit: number): Sql {
  return sql`SELECT * FROM (SELECT g.*, row_number() OVER (ORDER BY ${order} DESC, g."value") AS "rank" FROM (${grouped}) g) ranked WHERE "rank" <= CAST(${limit} AS INTEGER)`;
}

const eventBreakdownColumns = [str('value'), n('users'), n('sessions'), n('events'), n('views')];

/** Users, sessions, events and page views by an event dimension, top `limit` by users. */
export function eventBreakdown(ctx: QueryContext, name: string, dimension: string, limit: number): Panel {
  if (!isDimension(dimension)) return unavailablePanel(name, eventBreakdownColumns, `The warehouse contract has no ${dimension} column yet.`);
  const grouped =
    isActivityDimension(dimension) && useActivity(ctx)
      ? sql`SELECT ${asText(ctx.dialect, dimensionSql(dimension, a), dimensionType(dimension))} AS "value", count(DISTINCT a."user_pseudo_id") AS "users",
          count(DISTINCT a."session_id") AS "sessions", sum(a."events") AS "events", sum(a."views") AS "views"
          ${activityWhere(ctx)} GROUP BY 1`
      : sql`SELECT ${asText(ctx.dialect, dimensionSql(dimension, e), dimensionType(dimension))} AS "value", count(DISTINCT e."user_pseudo_id") AS "users",
          count(DISTINCT e."session_id") AS "sessions", count(*) AS "events", count(CASE WHEN ${isPageView(sql`e."event_type"`)} THEN 1 END) AS "views"
          ${eventsWhere(ctx)} GROUP BY 1`;
  return {
    name,
    columns: eventBreakdownColumns,
    parts: { main: { query: topRows(grouped, trusted('g."users"'), limit), columns: [...eventBreakdownColumns, n('rank')] } },
    combine: ({ main }) => main!.map(({ rank: _rank, ...row }) => row),
  };
}

const sessionColumns = [
  str('value'),
  n('sessions'),
  n('users'),
  n('engaged_sessions'),
  n('bounce_rate'),
  n('views'),
  n('views_per_session'),
  n('avg_engagement_seconds'),
];

/** Session metrics by a session-level value (channel, landing page…), top `limit` by sessions. */
export function sessionBreakdown(ctx: QueryContext, name: string, value: Sql, limit: number, extra?: Sql): Panel {
  const text = asText(ctx.dialect, value);
  const grouped = sql`SELECT ${text} AS "value", count(*) AS "sessions", count(DISTINCT s."user_pseudo_id") AS "users",
    count(CASE WHEN NOT s."is_bounce" THEN 1 END) AS "engaged_sessions", count(CASE WHEN s."is_bounce" THEN 1 END) AS "bounces",
    sum(s."page_view_count") AS "views", sum(s."engagement_time_msec") AS "engagement_msec"
    ${sessionsWhere(ctx, extra)} GROUP BY 1`;
  return {
    name,
    columns: sessionColumns,
    parts: {
      main: {
        query: topRows(grouped, trusted('g."sessions"'), limit),
        columns: [str('value'), n('sessions'), n('users'), n('engaged_sessions'), n('bounces'), n('views'), n('engagement_msec'), n('rank')],
      },
    },
    combine: ({ main }) => main!.map(sessionRow),
  };
}

export function sessionRow(r: Row): Row {
  return {
    value: r.value ?? null,
    sessions: num(r.sessions),
    users: num(r.users),
    engaged_sessions: num(r.engaged_sessions),
    bounce_rate: ratio(r.bounces, r.sessions),
    views: num(r.views),
    views_per_session: ratio(r.views, r.sessions),
    avg_engagement_seconds: ratio(num(r.engagement_msec) / 1000, r.sessions),
  };
}

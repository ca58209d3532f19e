import { date, n, num, ratio, str, type Panel, type Row } from '../panel.js';
import { useActivity } from '../rollups.js';
import { activityWhere, eventsWhere, inRange, isPageView, localDay, localTime, sessionsWhere, userFilter, type QueryContext } from '../scope.js';
import { and, relation, sql, type Sql } from '../sql.js';
import { rangeDays, zoneOffset } from '../time-range.js';

const REALTIME_MS = 30 * 60_000;

/** users_merged rows whose first touch is in the period (new users), restricted by the filters. */
export function newUsersWhere(ctx: QueryContext): Sql {
  const u = sql`u."first_touch_timestamp"`;
  return sql`FROM ${relation('users_merged')} u WHERE ${and([sql`u."app_id" = ${ctx.appId}`, inRange(ctx, u), userFilter(ctx, sql`u."user_pseudo_id"`)])}`;
}

const views = sql`count(CASE WHEN ${isPageView(sql`e."event_type"`)} THEN 1 END)`;

const totalsColumns = [
  n('active_users'),
  n('new_users'),
  n('sessions'),
  n('engaged_sessions'),
  n('bounce_rate'),
  n('views'),
  n('events'),
  n('views_per_session'),
  n('sessions_per_user'),
  n('avg_engagement_seconds'),
];

/** Active users, events and views of the period (from the activity pre-aggregate where it answers the same). */
function eventTotals(ctx: QueryContext): Sql {
  if (useActivity(ctx)) {
    return sql`SELECT count(DISTINCT a."user_pseudo_id") AS "active_users", COALESCE(sum(a."events"), 0) AS "events", COALESCE(sum(a."views"), 0) AS "views" ${activityWhere(ctx)}`;
  }
  return sql`SELECT count(DISTINCT e."user_pseudo_id") AS "active_users", count(*) AS "events", ${views} AS "views" ${eventsWhere(ctx)}`;
}

function totals(ctx: QueryContext): Panel {
  const query = sql`SELECT * FROM
    (${eventTotals(ctx)}) a
    CROSS JOIN (SELECT count(*) AS "sessions", count(CASE WHEN s."is_bounce" THEN 1 END) AS "bounces",
                       sum(s."engagement_time_msec") AS "engagement_msec" ${sessionsWhere(ctx)}) b
    CROSS JOIN (SELECT count(*) AS "new_users" ${newUsersWhere(ctx)}) c`;
  return {
    name: 'totals',
    columns: totalsColumns,
    parts: {
      main: { query, columns: ['active_users', 'events', 'views', 'sessions', 'bounces', 'engagement_msec', 'new_users'].map(n) },
    },
    combine: ({ main }) => {
      const r = main![0] ?? {};
      const sessions = num(r.sessions);
      return [
        {
          active_users: num(r.active_users),
          new_users: num(r.new_users),
          sessions,
          engaged_sessions: sessions - num(r.bounces),
          bounce_rate: ratio(r.bounces, sessions),
          views: num(r.views),
          events: num(r.events),
          views_per_session: ratio(r.views, sessions),
          sessions_per_user: ratio(sessions, r.active_users),
          // GA's "average engagement time per active user".
          avg_engagement_seconds: ratio(num(r.engagement_msec) / 1000, r.active_users),
        },
      ];
    },
  };
}

function daily(ctx: QueryContext): Panel {
  const day = (x: Sql) => localDay(ctx, x);
  return {
    name: 'daily',
    columns: [date('date'), n('active_users'), n('new_users'), n('sessions'), n('views'), n('events'), n('bounce_rate'), n('avg_engagement_seconds')],
    parts: {
      events: {
        query: useActivity(ctx)
          ? sql`SELECT ${day(sql`a."bucket"`)} AS "date", count(DISTINCT a."user_pseudo_id") AS "active_users", sum(a."events") AS "events", sum(a."views") AS "views"
              ${activityWhere(ctx)} GROUP BY 1`
          : sql`SELECT ${day(sql`e."event_timestamp"`)} AS "date", count(DISTINCT e."user_pseudo_id") AS "active_users", count(*) AS "events", ${views} AS "views"
              ${eventsWhere(ctx)} GROUP BY 1`,
        columns: [date('date'), n('active_users'), n('events'), n('views')],
      },
      sessions: {
        query: sql`SELECT ${day(sql`s."session_start"`)} AS "date", count(*) AS "sessions", count(CASE WHEN s."is_bounce" THEN 1 END) AS "bounces",
          sum(s."engagement_time_msec") AS "engagement_msec" ${sessionsWhere(ctx)} GROUP BY 1`,
        columns: [date('date'), n('sessions'), n('bounces'), n('engagement_msec')],
      },
      newUsers: {
        query: sql`SELECT ${day(sql`u."first_touch_timestamp"`)} AS "date", count(*) AS "new_users" ${newUsersWhere(ctx)} GROUP BY 1`,
        columns: [date('date'), n('new_users')],
      },
    },
    combine: (parts, c) => {
      const byDay = (rows: Row[] = []) => new Map(rows.map((r) => [String(r.date), r]));
      const [ev, ss, nu] = [byDay(parts.events), byDay(parts.sessions), byDay(parts.newUsers)];
      return rangeDays(c.range).map((d) => {
        const x = ev.get(d) ?? {};
        const y = ss.get(d) ?? {};
        return {
          date: d,
          active_users: num(x.active_users),
          new_users: num(nu.get(d)?.new_users ?? 0),
          sessions: num(y.sessions),
          views: num(x.views),
          events: num(x.events),
          bounce_rate: ratio(y.bounces, y.sessions),
          avg_engagement_seconds: ratio(num(y.engagement_msec) / 1000, x.active_users),
        };
      });
    },
  };
}

/** The last 30 minutes, whatever the date range: totals, per minute (local time) and top events. */
function realtime(ctx: QueryContext, limit: number): Panel[] {
  const window = { fromUtc: ctx.now - REALTIME_MS, toUtc: ctx.now + 60_000 };
  const minute = ctx.dialect.trunc('minute', localTime(ctx, sql`e."event_timestamp"`));
  return [
    {
      name: 'realtime',
      periodic: false,
      columns: [n('active_users'), n('events'), n('views')],
      parts: {
        main: {
          query: sql`SELECT count(DISTINCT e."user_pseudo_id") AS "active_users", count(*) AS "events", ${views} AS "views" ${eventsWhere(ctx, window)}`,
          columns: [n('active_users'), n('events'), n('views')],
        },
      },
    },
    {
      name: 'realtime_minutes',
      periodic: false,
      columns: [{ name: 'minute', type: 'timestamp' }, n('active_users'), n('events')],
      parts: {
        main: {
          query: sql`SELECT ${minute} AS "minute", count(DISTINCT e."user_pseudo_id") AS "active_users", count(*) AS "events" ${eventsWhere(ctx, window)} GROUP BY 1`,
          columns: [{ name: 'minute', type: 'timestamp' }, n('active_users'), n('events')],
        },
      },
      combine: ({ main }, c) => {
        const got = new Map(main!.map((r) => [String(r.minute), r]));
        return Array.from({ length: 30 }, (_, i) => {
          const t = Math.floor((c.now - (29 - i) * 60_000) / 60_000) * 60_000;
          const minuteText = new Date(t + zoneOffset(c.range.timezone, t)).toISOString().slice(0, 19);
          const r = got.get(minuteText);
          return { minute: minuteText, active_users: num(r?.active_users ?? 0), events: num(r?.events ?? 0) };
        });
      },
    },
    {
      name: 'realtime_events',
      periodic: false,
      columns: [str('event_type'), n('events'), n('users')],
      parts: {
        main: {
          query: sql`SELECT * FROM (SELECT e."event_type", count(*) AS "events", count(DISTINCT e."user_pseudo_id") AS "users",
              row_number() OVER (ORDER BY count(*) DESC, e."event_type") AS "rank"
            ${eventsWhere(ctx, window)} GROUP BY e."event_type") t WHERE "rank" <= CAST(${limit} AS INTEGER)`,
          columns: [str('event_type'), n('events'), n('users'), n('rank')],
        },
      },
      combine: ({ main }) => main!.map(({ rank: _rank, ...r }) => r),
    },
  ];
}

export function overview(ctx: QueryContext, limit: number): Panel[] {
  return [totals(ctx), daily(ctx), ...realtime(ctx, limit)];
}

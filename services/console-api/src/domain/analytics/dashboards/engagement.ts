import { asText, topRows } from '../breakdowns.js';
import { dimensionSql } from '../fields.js';
import { date, n, num, ratio, str, type Panel, type Row } from '../panel.js';
import { ENGAGEMENT_EVENT, engagementMsec, SCROLL_EVENT, useActivity, usePageActivity } from '../rollups.js';
import { activityWhere, e, eventsWhere, inRange, isPageView, localDay, type QueryContext } from '../scope.js';
import { relation, sql, trusted, type Sql } from '../sql.js';
import { rangeDays } from '../time-range.js';

const ENGAGEMENT = ENGAGEMENT_EVENT;
const SCROLL = SCROLL_EVENT;

/** page_activity rows of the period holding any of the counts named (the events' WHERE of the direct query). */
function pagesWhere(ctx: QueryContext, any: Sql): Sql {
  return sql`FROM ${relation('page_activity')} p WHERE p."app_id" = ${ctx.appId} AND ${inRange(ctx, sql`p."bucket"`)} AND (${any})`;
}

const withoutRank = ({ main }: Record<string, Row[]>) => main!.map(({ rank: _rank, ...r }) => r);

/** What people look at and do: pages and screens, events, engagement time, scrolling. */
export function engagement(ctx: QueryContext, limit: number): Panel[] {
  const { dialect } = ctx;
  const page = asText(dialect, dimensionSql('page', e));
  const type = sql`e."event_type"`;
  const engagementMs = engagementMsec(dialect, e);
  return [
    {
      name: 'pages',
      columns: [str('value'), n('views'), n('users'), n('views_per_user'), n('engagement_seconds'), n('avg_engagement_seconds')],
      parts: {
        main: {
          query: topRows(
            usePageActivity(ctx)
              ? sql`SELECT ${asText(dialect, sql`p."page"`)} AS "value", sum(p."views") AS "views",
                  count(DISTINCT CASE WHEN p."views" > 0 THEN p."user_pseudo_id" END) AS "users", sum(p."engagement_msec") AS "engagement_msec"
                ${pagesWhere(ctx, sql`p."views" > 0 OR p."engagements" > 0`)} GROUP BY 1`
              : sql`SELECT ${page} AS "value", count(CASE WHEN ${isPageView(type)} THEN 1 END) AS "views",
                  count(DISTINCT CASE WHEN ${isPageView(type)} THEN e."user_pseudo_id" END) AS "users",
                  sum(CASE WHEN ${type} = ${ENGAGEMENT} THEN ${engagementMs} END) AS "engagement_msec"
                ${eventsWhere(ctx, { extra: sql`(${isPageView(type)} OR ${type} = ${ENGAGEMENT})` })} GROUP BY 1`,
            trusted('g."views"'),
            limit,
          ),
          columns: [str('value'), n('views'), n('users'), n('engagement_msec'), n('rank')],
        },
      },
      combine: ({ main }) =>
        main!.map((r) => ({
          value: r.value ?? null,
          views: num(r.views),
          users: num(r.users),
          views_per_user: ratio(r.views, r.users),
          engagement_seconds: num(r.engagement_msec) / 1000,
          avg_engagement_seconds: ratio(num(r.engagement_msec) / 1000, r.users),
        })),
    },
    {
      name: 'events',
      columns: [str('value'), n('events'), n('users'), n('events_per_user')],
      parts: {
        main: {
          query: topRows(
            sql`SELECT e."event_type" AS "value", count(*) AS "events", count(DISTINCT e."user_pseudo_id") AS "users" ${eventsWhere(ctx)} GROUP BY 1`,
            trusted('g."events"'),
            limit,
          ),
          columns: [str('value'), n('events'), n('users'), n('rank')],
        },
      },
      combine: ({ main }) => main!.map((r) => ({ value: r.value ?? null, events: num(r.events), users: num(r.users), events_per_user: ratio(r.events, r.users) })),
    },
    {
      name: 'engagement_daily',
      columns: [date('date'), n('active_users'), n('engagement_seconds'), n('avg_engagement_seconds')],
      parts: {
        main: {
          query: useActivity(ctx)
            ? sql`SELECT ${localDay(ctx, sql`a."bucket"`)} AS "date", count(DISTINCT a."user_pseudo_id") AS "active_users",
                sum(a."engagement_msec") AS "engagement_msec" ${activityWhere(ctx)} GROUP BY 1`
            : sql`SELECT ${localDay(ctx, sql`e."event_timestamp"`)} AS "date", count(DISTINCT e."user_pseudo_id") AS "active_users",
                sum(CASE WHEN ${type} = ${ENGAGEMENT} THEN ${engagementMs} END) AS "engagement_msec" ${eventsWhere(ctx)} GROUP BY 1`,
          columns: [date('date'), n('active_users'), n('engagement_msec')],
        },
      },
      combine: ({ main }, c) => {
        const got = new Map(main!.map((r) => [String(r.date), r]));
        return rangeDays(c.range).map((d) => {
          const r = got.get(d);
          const seconds = num(r?.engagement_msec ?? 0) / 1000;
          return { date: d, active_users: num(r?.active_users ?? 0), engagement_seconds: seconds, avg_engagement_seconds: ratio(seconds, r?.active_users ?? 0) };
        });
      },
    },
    {
      name: 'scroll',
      columns: [str('value'), n('views'), n('scrolls'), n('scroll_users'), n('scroll_rate')],
      parts: {
        main: {
          query: topRows(
            usePageActivity(ctx)
              ? sql`SELECT ${asText(dialect, sql`p."page"`)} AS "value", sum(p."views") AS "views", sum(p."scrolls") AS "scrolls",
                  count(DISTINCT CASE WHEN p."scrolls" > 0 THEN p."user_pseudo_id" END) AS "scroll_users"
                ${pagesWhere(ctx, sql`p."views" > 0 OR p."scrolls" > 0`)} GROUP BY 1`
              : sql`SELECT ${page} AS "value", count(CASE WHEN ${isPageView(type)} THEN 1 END) AS "views",
                  count(CASE WHEN ${type} = ${SCROLL} THEN 1 END) AS "scrolls",
                  count(DISTINCT CASE WHEN ${type} = ${SCROLL} THEN e."user_pseudo_id" END) AS "scroll_users"
                ${eventsWhere(ctx, { extra: sql`(${isPageView(type)} OR ${type} = ${SCROLL})` })} GROUP BY 1`,
            trusted('g."views"'),
            limit,
          ),
          columns: [str('value'), n('views'), n('scrolls'), n('scroll_users'), n('rank')],
        },
      },
      combine: (parts) => withoutRank(parts).map((r) => ({ ...r, scroll_rate: ratio(r.scrolls ?? 0, r.views ?? 0) })),
    },
  ];
}

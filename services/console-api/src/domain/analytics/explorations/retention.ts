import * as z from 'zod';
import { cohortTable, periodsUntil } from '../dashboards/retention.js';
import { date, n, type Panel } from '../panel.js';
import { useActivity } from '../rollups.js';
import { activityWhere, eventsWhere, localTime, type QueryContext } from '../scope.js';
import { and, sql } from '../sql.js';
import { EventName } from './common.js';

export const RetentionExploration = z
  .object({
    type: z.literal('retention'),
    /** The event that puts a user in a cohort (any event when omitted). */
    startEvent: EventName.optional(),
    /** The event that counts as coming back (any event when omitted). */
    returnEvent: EventName.optional(),
    granularity: z.enum(['day', 'week', 'month']).default('week'),
    /** Periods after the cohort's own period to report. */
    periods: z.number().int().min(1).max(60).default(8),
  })
  .strict();
export type RetentionExploration = z.infer<typeof RetentionExploration>;

/**
 * Cohorts by the period of each user's first start event in the date range; period p counts the
 * cohort's users with a return event p periods later, within the range. Period 0 is the cohort size.
 */
export function retentionExploration(ctx: QueryContext, spec: RetentionExploration): Panel[] {
  const { dialect } = ctx;
  const bucket = (x: ReturnType<typeof sql>) => dialect.trunc(spec.granularity, localTime(ctx, x));
  const only = (event: string | undefined) => (event === undefined ? sql`` : sql`e."event_type" = ${event}`);
  // Any event starts and returns: the activity pre-aggregate has them by 15 minutes, whose
  // periods are those of their events (t0 is then the start of the first event's bucket).
  const activity = spec.startEvent === undefined && spec.returnEvent === undefined && useActivity(ctx);
  const starts = activity
    ? sql`SELECT a."user_pseudo_id" AS "u", min(a."bucket") AS "t0" ${activityWhere(ctx)} AND a."user_pseudo_id" IS NOT NULL GROUP BY 1`
    : sql`SELECT e."user_pseudo_id" AS "u", min(e."event_timestamp") AS "t0"
      ${eventsWhere(ctx, { extra: and([sql`e."user_pseudo_id" IS NOT NULL`, only(spec.startEvent)]) })} GROUP BY 1`;
  const cohort = sql`"starts" AS (${starts}),
    "cohort" AS (SELECT "u", ${bucket(sql`"t0"`)} AS "c" FROM "starts")`;
  const back = activity
    ? sql`SELECT DISTINCT a."user_pseudo_id" AS "u", ${bucket(sql`a."bucket"`)} AS "p" ${activityWhere(ctx)}`
    : sql`SELECT DISTINCT e."user_pseudo_id" AS "u", ${bucket(sql`e."event_timestamp"`)} AS "p"
              ${eventsWhere(ctx, { extra: only(spec.returnEvent) })}`;
  return [
    {
      name: 'cohorts',
      columns: [date('cohort'), n('size'), n('period'), n('users'), n('rate')],
      parts: {
        sizes: { query: sql`WITH ${cohort} SELECT CAST("c" AS DATE) AS "cohort", count(*) AS "size" FROM "cohort" GROUP BY 1`, columns: [date('cohort'), n('size')] },
        returns: {
          query: sql`WITH ${cohort}, "back" AS (
              ${back}
            )
            SELECT CAST(c."c" AS DATE) AS "cohort", ${dialect.unitsBetween(spec.granularity, sql`c."c"`, sql`b."p"`)} AS "period", count(DISTINCT c."u") AS "users"
            FROM "cohort" c JOIN "back" b ON b."u" = c."u" AND b."p" > c."c" GROUP BY 1, 2`,
          columns: [date('cohort'), n('period'), n('users')],
        },
      },
      // Period 0 is the whole cohort: they did the start event then, whatever the return event.
      combine: ({ sizes, returns }, c) =>
        cohortTable(
          sizes!,
          [...returns!, ...sizes!.map((s) => ({ cohort: s.cohort ?? null, period: 0, users: s.size ?? 0 }))],
          (cohortDate) => Math.min(spec.periods, periodsUntil(spec.granularity, cohortDate, c.range.end)),
        ),
    },
  ];
}

import { date, n, num, ratio, type Panel, type Row } from '../panel.js';
import { useActivity } from '../rollups.js';
import { activityWhere, eventsWhere, localDay, localTime, type QueryContext } from '../scope.js';
import { sql } from '../sql.js';
import { addDays, daysBetween, rangeDays } from '../time-range.js';
import { newUsersWhere } from './overview.js';

const DAY_MS = 86_400_000;
/** WAU and MAU windows, in days. MAU uses 30 days. */
const WINDOWS = { dau: 1, wau: 7, mau: 30 } as const;
const MAX_COHORT_WEEKS = 12;

/**
 * Active users over trailing windows, from one pass over (user, active day): each active day
 * `d` of a user whose next active day is `d + gap` covers days [d, d + min(window, gap)) for
 * that user, without overlap. Counting covers per day gives DAU/WAU/MAU exactly, with no
 * range join, the same on every engine.
 */
export function activeUsersPanel(ctx: QueryContext): Panel {
  const lookbackUtc = ctx.range.startUtc - (WINDOWS.mau - 1) * DAY_MS - DAY_MS;
  const days = useActivity(ctx, { fromUtc: lookbackUtc })
    ? sql`SELECT DISTINCT a."user_pseudo_id" AS "u", ${localDay(ctx, sql`a."bucket"`)} AS "d" ${activityWhere(ctx, { fromUtc: lookbackUtc })}`
    : sql`SELECT DISTINCT e."user_pseudo_id" AS "u", ${localDay(ctx, sql`e."event_timestamp"`)} AS "d" ${eventsWhere(ctx, { fromUtc: lookbackUtc })}`;
  const query = sql`WITH "days" AS (
      ${days}
    ), "seq" AS (
      SELECT "d", ${ctx.dialect.unitsBetween('day', sql`"d"`, sql`LEAD("d") OVER (PARTITION BY "u" ORDER BY "d")`)} AS "gap" FROM "days"
    )
    SELECT "d" AS "date", CASE WHEN "gap" IS NULL OR "gap" > ${WINDOWS.mau} THEN ${WINDOWS.mau} ELSE "gap" END AS "gap", count(*) AS "users"
    FROM "seq" GROUP BY 1, 2`;
  return {
    name: 'active_users',
    columns: [date('date'), n('dau'), n('wau'), n('mau'), n('stickiness')],
    parts: { main: { query, columns: [date('date'), n('gap'), n('users')] } },
    combine: ({ main }, c) => trailingActiveUsers(main!, c.range),
  };
}

function trailingActiveUsers(rows: Row[], range: { start: string; end: string }): Row[] {
  const origin = addDays(range.start, -WINDOWS.mau);
  const length = daysBetween(origin, range.end) + WINDOWS.mau + 2;
  const deltas = Object.fromEntries(Object.keys(WINDOWS).map((k) => [k, new Array<number>(length).fill(0)])) as Record<keyof typeof WINDOWS, number[]>;
  for (const r of rows) {
    const at = daysBetween(origin, String(r.date));
    if (at < 0 || at >= length) continue;
    const users = num(r.users);
    for (const [key, window] of Object.entries(WINDOWS) as [keyof typeof WINDOWS, number][]) {
      deltas[key][at]! += users;
      const end = at + Math.min(window, num(r.gap));
      if (end < length) deltas[key][end]! -= users;
    }
  }
  const running = { dau: 0, wau: 0, mau: 0 };
  const byDay = new Map<string, Row>();
  for (let i = 0; i < length; i++) {
    for (const key of Object.keys(WINDOWS) as (keyof typeof WINDOWS)[]) running[key] += deltas[key][i]!;
    byDay.set(addDays(origin, i), { ...running });
  }
  return rangeDays(range).map((d) => {
    const r = byDay.get(d) ?? { dau: 0, wau: 0, mau: 0 };
    return { date: d, dau: r.dau!, wau: r.wau!, mau: r.mau!, stickiness: ratio(r.dau!, r.mau!) };
  });
}

/** Weekly cohorts of new users (first visit in the period) and the share active in each later week of the period. */
function cohorts(ctx: QueryContext): Panel {
  const week = (x: ReturnType<typeof sql>) => ctx.dialect.trunc('week', localTime(ctx, x));
  const cohort = sql`"cohort" AS (SELECT u."user_pseudo_id" AS "u", ${week(sql`u."first_touch_timestamp"`)} AS "c" ${newUsersWhere(ctx)})`;
  return {
    name: 'cohorts',
    columns: [date('cohort'), n('size'), n('period'), n('users'), n('rate')],
    parts: {
      sizes: { query: sql`WITH ${cohort} SELECT CAST("c" AS DATE) AS "cohort", count(*) AS "size" FROM "cohort" GROUP BY 1`, columns: [date('cohort'), n('size')] },
      returns: {
        query: sql`WITH ${cohort}, "activity" AS (
            ${
              useActivity(ctx)
                ? sql`SELECT DISTINCT a."user_pseudo_id" AS "u", ${week(sql`a."bucket"`)} AS "p" ${activityWhere(ctx)}`
                : sql`SELECT DISTINCT e."user_pseudo_id" AS "u", ${week(sql`e."event_timestamp"`)} AS "p" ${eventsWhere(ctx)}`
            }
          )
          SELECT CAST(c."c" AS DATE) AS "cohort", ${ctx.dialect.unitsBetween('week', sql`c."c"`, sql`a."p"`)} AS "period", count(DISTINCT c."u") AS "users"
          FROM "cohort" c JOIN "activity" a ON a."u" = c."u" AND a."p" >= c."c" GROUP BY 1, 2`,
        columns: [date('cohort'), n('period'), n('users')],
      },
    },
    combine: ({ sizes, returns }, c) => cohortTable(sizes!, returns!, (cohortDate) => Math.min(MAX_COHORT_WEEKS, periodsUntil('week', cohortDate, c.range.end))),
  };
}

/** Whole periods from a cohort's start to `end` (both local dates): how far the period lets it be followed. */
export function periodsUntil(unit: 'day' | 'week' | 'month', cohort: string, end: string): number {
  if (unit === 'day') return daysBetween(cohort, end);
  if (unit === 'week') return Math.floor(daysBetween(cohort, end) / 7);
  const [y1, m1] = cohort.split('-').map(Number) as [number, number];
  const [y2, m2] = end.split('-').map(Number) as [number, number];
  return (y2 - y1) * 12 + (m2 - m1);
}

/** One row per cohort and period 0…last (period 0 = the cohort's own period); periods without returns are 0. */
export function cohortTable(sizes: Row[], returns: Row[], lastPeriod: (cohort: string) => number): Row[] {
  const got = new Map(returns.map((r) => [`${String(r.cohort)}|${num(r.period)}`, num(r.users)]));
  const out: Row[] = [];
  for (const s of [...sizes].sort((a, b) => String(a.cohort).localeCompare(String(b.cohort)))) {
    for (let p = 0; p <= lastPeriod(String(s.cohort)); p++) {
      const users = got.get(`${String(s.cohort)}|${p}`) ?? 0;
      out.push({ cohort: s.cohort ?? null, size: num(s.size), period: p, users, rate: ratio(users, s.size) });
    }
  }
  return out;
}

export function retention(ctx: QueryContext): Panel[] {
  return [cohorts(ctx), activeUsersPanel(ctx)];
}

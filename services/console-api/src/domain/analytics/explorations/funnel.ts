import * as z from 'zod';
import { fieldText, OTHER } from '../breakdowns.js';
import { FieldRef } from '../fields.js';
import { Filter, filtersSql } from '../filters.js';
import { n, num, ratio, round, str, type Cell, type ColumnSpec, type Panel, type Row } from '../panel.js';
import { e, eventsWhere, type QueryContext } from '../scope.js';
import { and, joinSql, sql, trusted, type Sql } from '../sql.js';
import { EventName } from './common.js';

const UNIT_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

export const FunnelExploration = z
  .object({
    type: z.literal('funnel'),
    steps: z
      .array(
        z
          .object({
            event: EventName,
            /** Extra conditions on this step's event (e.g. page_url contains /checkout). */
            filters: z.array(Filter).max(10).default([]),
            label: z.string().max(100).optional(),
          })
          .strict(),
      )
      .min(2)
      .max(10),
    /** Every step must happen within this time of the first. */
    window: z
      .object({ value: z.number().int().min(1).max(1000), unit: z.enum(['minute', 'hour', 'day']) })
      .strict()
      .refine((w) => w.value * UNIT_MS[w.unit] <= 90 * UNIT_MS.day, 'at most 90 days')
      .default({ value: 1, unit: 'day' }),
    /** relaxed: steps in order, other events may happen between; strict: each step is the user's very next event. */
    order: z.enum(['relaxed', 'strict']).default('relaxed'),
    /** Splits users by this value of their first step's event. */
    breakdown: FieldRef.optional(),
    limit: z.number().int().min(1).max(50).default(10),
  })
  .strict();
export type FunnelExploration = z.infer<typeof FunnelExploration>;

/**
 * Conversion through ordered steps. A user enters at their first step-1 event of the period;
 * step k is their first matching event after step k−1 (strict: exactly their next event), no
 * later than the window after step 1, within the period. One CTE per step, each a grouped LEFT
 * JOIN, so every engine runs the same plan shape.
 */
export function funnelExploration(ctx: QueryContext, spec: FunnelExploration): Panel[] {
  const { dialect } = ctx;
  const k = spec.steps.length;
  const strict = spec.order === 'strict';
  const windowMs = spec.window.value * UNIT_MS[spec.window.unit];
  const match = spec.steps.map((step) =>
    step.filters.length === 0 ? sql`e."event_type" = ${step.event}` : and([sql`e."event_type" = ${step.event}`, filtersSql(step.filters, e, dialect)]),
  );
  const flags = joinSql(
    match.map((m, i) => sql`CASE WHEN ${m} THEN 1 ELSE 0 END AS ${trusted(`"m${i + 1}"`)}`),
    ', ',
  );
  const breakdown = spec.breakdown ? fieldText(ctx, spec.breakdown) : sql`${'(all)'}`;
  const number = strict ? sql`, row_number() OVER (PARTITION BY e."user_pseudo_id" ORDER BY e."event_timestamp", e."event_id") AS "n"` : sql``;
  // Steps without filters of their own: one IN list, which engines filter far faster than ORs.
  const plain = spec.steps.every((step) => step.filters.length === 0);
  const relevant = strict
    ? undefined
    : plain
      ? sql`e."event_type" IN (${joinSql(spec.steps.map((step) => sql`${step.event}`), ', ')})`
      : sql`(${joinSql(match.map((m) => sql`(${m})`), ' OR ')})`;
  const ctes: Sql[] = [
    sql`"ev" AS (SELECT e."user_pseudo_id" AS "u", e."event_timestamp" AS "t", ${strict || spec.breakdown ? sql`e."event_id" AS "id", ` : sql``}${breakdown} AS "b", ${flags}${number}
      ${eventsWhere(ctx, { extra: and([sql`e."user_pseudo_id" IS NOT NULL`, relevant ?? sql``]) })})`,
    // Entry: the user's first step-1 event. Without a breakdown or strict numbers only its time is
    // carried, and the constant "b" makes the minimum per user that event's time: no window needed.
    strict || spec.breakdown
      ? sql`"s1" AS (SELECT "u", "b", "t" AS "t1"${strict ? trusted(', "n" AS "n1"') : trusted('')} FROM (
      SELECT ev.*, row_number() OVER (PARTITION BY "u" ORDER BY "t", "id") AS "r" FROM "ev" WHERE "m1" = 1) x WHERE "r" = 1)`
      : sql`"s1" AS (SELECT "u", "b", min("t") AS "t1" FROM "ev" WHERE "m1" = 1 GROUP BY "u", "b")`,
  ];
  const carried = (upTo: number) => {
    const names = ['u', 'b'];
    for (let i = 1; i <= upTo; i++) names.push(`t${i}`, ...(strict ? [`n${i}`] : []));
    return names;
  };
  for (let i = 2; i <= k; i++) {
    const keep = carried(i - 1);
    const cols = joinSql(keep.map((c) => trusted(`p."${c}"`)), ', ');
    const after = strict ? trusted(`ev."n" = p."n${i - 1}" + 1`) : trusted(`ev."t" > p."t${i - 1}"`);
    ctes.push(sql`${trusted(`"s${i}"`)} AS (SELECT ${cols}, min(ev."t") AS ${trusted(`"t${i}"`)}${strict ? trusted(`, min(ev."n") AS "n${i}"`) : trusted('')}
      FROM ${trusted(`"s${i - 1}"`)} p LEFT JOIN "ev" ev ON ev."u" = p."u" AND ${trusted(`ev."m${i}" = 1`)} AND ${after}
        AND ev."t" <= ${dialect.addMillis(sql`p."t1"`, sql`${windowMs}`)}
      GROUP BY ${cols})`);
  }
  const t = (i: number) => trusted(`"t${i}"`);
  const measures: Sql[] = [];
  const rawColumns: ColumnSpec[] = [str('value')];
  for (let i = 1; i <= k; i++) {
    measures.push(sql`count(${t(i)}) AS ${trusted(`"c${i}"`)}`);
    rawColumns.push(n(`c${i}`));
    if (i > 1) {
      const fromPrevious = dialect.secondsBetween(t(i - 1), t(i));
      measures.push(sql`avg(${fromPrevious}) AS ${trusted(`"avg${i}"`)}`, sql`${dialect.median(fromPrevious)} AS ${trusted(`"med${i}"`)}`);
      measures.push(sql`avg(${dialect.secondsBetween(t(1), t(i))}) AS ${trusted(`"start${i}"`)}`);
      rawColumns.push(n(`avg${i}`), n(`med${i}`), n(`start${i}`));
    }
  }
  const statement = (grouped: boolean) =>
    sql`WITH ${joinSql(ctes, ', ')} SELECT ${grouped ? trusted('"b"') : sql`${'(all)'}`} AS "value", ${joinSql(measures, ', ')}
      FROM ${trusted(`"s${k}"`)}${grouped ? trusted(' GROUP BY 1') : trusted('')}`;

  const stepsPanel: Panel = {
    name: 'steps',
    columns: [
      n('step'),
      str('event'),
      str('label'),
      n('users'),
      n('conversion_rate'),
      n('step_conversion_rate'),
      n('dropoff'),
      n('avg_seconds_from_previous'),
      n('median_seconds_from_previous'),
      n('avg_seconds_from_start'),
    ],
    parts: { main: { query: statement(false), columns: rawColumns } },
    combine: ({ main }) => stepRows(spec, main![0] ?? {}),
  };
  if (!spec.breakdown) return [stepsPanel];
  return [
    stepsPanel,
    {
      name: 'breakdown',
      columns: [str('value'), n('step'), str('event'), n('users'), n('conversion_rate'), n('step_conversion_rate')],
      parts: { main: { query: statement(true), columns: rawColumns } },
      combine: ({ main }) => breakdownRows(spec, main!),
    },
  ];
}

const seconds = (v: Cell) => (v === null || v === undefined ? null : round(num(v), 3));

function stepRows(spec: FunnelExploration, r: Row): Row[] {
  return spec.steps.map((step, index) => {
    const i = index + 1;
    const users = num(r[`c${i}`]);
    const previous = i === 1 ? users : num(r[`c${i - 1}`]);
    return {
      step: i,
      event: step.event,
      label: step.label ?? step.event,
      users,
      conversion_rate: ratio(users, r.c1 ?? 0),
      step_conversion_rate: ratio(users, previous),
      dropoff: previous - users,
      avg_seconds_from_previous: i === 1 ? null : seconds(r[`avg${i}`] ?? null),
      median_seconds_from_previous: i === 1 ? null : seconds(r[`med${i}`] ?? null),
      avg_seconds_from_start: i === 1 ? null : seconds(r[`start${i}`] ?? null),
    };
  });
}

/** Top `limit` breakdown values by entrants; the others' counts are summed into "(other)". */
function breakdownRows(spec: FunnelExploration, rows: Row[]): Row[] {
  const sorted = [...rows].sort((a, b) => num(b.c1) - num(a.c1) || String(a.value).localeCompare(String(b.value)));
  const kept = sorted.slice(0, spec.limit);
  const rest = sorted.slice(spec.limit);
  if (rest.length > 0) {
    const other: Row = { value: OTHER };
    for (let i = 1; i <= spec.steps.length; i++) other[`c${i}`] = rest.reduce((sum, r) => sum + num(r[`c${i}`]), 0);
    kept.push(other);
  }
  return kept.flatMap((r) =>
    spec.steps.map((step, index) => {
      const i = index + 1;
      const users = num(r[`c${i}`]);
      return {
        value: r.value ?? null,
        step: i,
        event: step.event,
        users,
        conversion_rate: ratio(users, r.c1 ?? 0),
        step_conversion_rate: ratio(users, i === 1 ? users : num(r[`c${i - 1}`])),
      };
    }),
  );
}

import * as z from 'zod';
import { fieldText, OTHER } from '../breakdowns.js';
import { AttributeName, FieldRef } from '../fields.js';
import { n, num, ratio, str, type ColumnSpec, type Panel, type Row } from '../panel.js';
import { eventsWhere, localTime, type QueryContext } from '../scope.js';
import { joinSql, sql, trusted, type Sql } from '../sql.js';
import { EventName } from './common.js';

export const EventExploration = z
  .object({
    type: z.literal('event'),
    /** Only these event names (all events when empty). */
    events: z.array(EventName).max(20).default([]),
    metric: z
      .union([
        z.enum(['events', 'users', 'sessions', 'events_per_user']),
        z.object({ sum: AttributeName }).strict(),
        z.object({ average: AttributeName }).strict(),
      ])
      .default('events'),
    granularity: z.enum(['hour', 'day', 'week', 'month']).default('day'),
    breakdown: FieldRef.optional(),
    /** Breakdown values kept (by the metric over the whole period); the rest is "(other)". */
    limit: z.number().int().min(1).max(50).default(10),
  })
  .strict();
export type EventExploration = z.infer<typeof EventExploration>;

/** A metric over time, optionally broken down by a dimension or attribute (top N, rest "(other)"). */
export function eventExploration(ctx: QueryContext, spec: EventExploration): Panel[] {
  const { dialect } = ctx;
  const period = dialect.trunc(spec.granularity, localTime(ctx, sql`e."event_timestamp"`));
  const value = spec.breakdown ? fieldText(ctx, spec.breakdown) : sql`${'(all)'}`;
  const attribute = typeof spec.metric === 'object' ? ('sum' in spec.metric ? spec.metric.sum : spec.metric.average) : undefined;
  const amount = attribute ? dialect.toDouble(dialect.jsonText(sql`e."attributes"`, attribute)) : sql`NULL`;
  const only = spec.events.length > 0 ? sql`e."event_type" IN (${joinSql(spec.events.map((x) => sql`${x}`), ', ')})` : undefined;
  const base = sql`"base" AS (SELECT ${period} AS "period", ${value} AS "value", e."user_pseudo_id" AS "u", e."session_id" AS "sid", ${amount} AS "amount"
    ${eventsWhere(ctx, { extra: only })})`;
  const aggregates = sql`count(*) AS "events", count(DISTINCT "u") AS "users", count(DISTINCT "sid") AS "sessions", sum("amount") AS "amount_sum", count("amount") AS "amount_count"`;
  const rankBy = rankExpression(spec.metric);
  const top = sql`"top" AS (SELECT "value" FROM (SELECT "value", row_number() OVER (ORDER BY ${rankBy} DESC, "value") AS "rank" FROM "base" GROUP BY "value") r
    WHERE "rank" <= CAST(${spec.limit} AS INTEGER))`;
  const mapped = sql`CASE WHEN t."value" IS NULL THEN ${OTHER} ELSE b."value" END`;
  const grouped = (byPeriod: boolean): Sql =>
    sql`WITH ${base}, ${top} SELECT ${byPeriod ? sql`b."period" AS "period", ` : sql``}${mapped} AS "value", ${aggregates}
      FROM "base" b LEFT JOIN "top" t ON t."value" = b."value" GROUP BY ${byPeriod ? trusted('1, 2') : trusted('1')}`;
  const raw: ColumnSpec[] = [str('value'), n('events'), n('users'), n('sessions'), n('amount_sum'), n('amount_count')];
  const columns: ColumnSpec[] = [
    str('value'),
    n('metric'),
    n('events'),
    n('users'),
    n('sessions'),
    ...(attribute ? [n(`${'sum' in (spec.metric as object) ? 'sum' : 'average'}_${attribute}`)] : []),
  ];
  const shape = (r: Row): Row => {
    const metric = metricValue(spec.metric, r);
    const out: Row = { value: r.value ?? null, metric, events: num(r.events), users: num(r.users), sessions: num(r.sessions) };
    if (attribute) out[columns[columns.length - 1]!.name] = metric;
    return out;
  };
  return [
    {
      name: 'series',
      columns: [{ name: 'period', type: spec.granularity === 'hour' ? 'timestamp' : 'date' }, ...columns],
      parts: { main: { query: grouped(true), columns: [{ name: 'period', type: spec.granularity === 'hour' ? 'timestamp' : 'date' }, ...raw] } },
      combine: ({ main }) =>
        main!
          .map((r): Row => ({ period: r.period ?? null, ...shape(r) }))
          .sort((a, b) => String(a.period).localeCompare(String(b.period)) || String(a.value).localeCompare(String(b.value))),
    },
    {
      name: 'totals',
      columns,
      parts: { main: { query: grouped(false), columns: raw } },
      combine: ({ main }) => main!.map(shape).sort((a, b) => num(b.metric) - num(a.metric) || String(a.value).localeCompare(String(b.value))),
    },
  ];
}

function rankExpression(metric: EventExploration['metric']): Sql {
  if (metric === 'users' || metric === 'events_per_user') return trusted('count(DISTINCT "u")');
  if (metric === 'sessions') return trusted('count(DISTINCT "sid")');
  if (typeof metric === 'object') return trusted('COALESCE(sum("amount"), 0)');
  return trusted('count(*)');
}

function metricValue(metric: EventExploration['metric'], r: Row): number | null {
  if (metric === 'events') return num(r.events);
  if (metric === 'users') return num(r.users);
  if (metric === 'sessions') return num(r.sessions);
  if (metric === 'events_per_user') return ratio(r.events, r.users);
  if ('sum' in metric) return num(r.amount_sum);
  return ratio(r.amount_sum, r.amount_count);
}

import * as z from 'zod';
import { asText } from '../breakdowns.js';
import { n, num, ratio, round, str, type Panel, type Row } from '../panel.js';
import { eventsWhere, type QueryContext } from '../scope.js';
import { ident, relation, sql, type Sql } from '../sql.js';
import { EventName } from './common.js';

const DAY_MS = 86_400_000;
const MODELS = ['first_touch', 'last_touch', 'linear', 'position_based'] as const;

export const AttributionExploration = z
  .object({
    type: z.literal('attribution'),
    goalEvent: EventName,
    model: z.enum(MODELS).default('last_touch'),
    /** The traffic-source field sessions are credited by. */
    dimension: z.enum(['channel_group', 'traffic_source_source', 'traffic_source_medium', 'traffic_source_campaign', 'source_medium']).default('channel_group'),
    /** Sessions started this long before a conversion count as its touchpoints. */
    lookbackDays: z.number().int().min(1).max(90).default(30),
  })
  .strict();
export type AttributionExploration = z.infer<typeof AttributionExploration>;

export const NO_TOUCHPOINT = '(no session)';

/**
 * Credits each goal event of the period to the traffic sources of the converting user's sessions
 * started within the lookback window up to it: first touch, last touch, linear (1/n each) and
 * position-based (40% first, 40% last, 20% shared by the middle; 50/50 for two; all for one).
 * All four are computed; `model` orders the rows. A conversion without a session is "(no session)".
 */
export function attributionExploration(ctx: QueryContext, spec: AttributionExploration): Panel[] {
  const { dialect } = ctx;
  const source: Sql =
    spec.dimension === 'source_medium'
      ? sql`(COALESCE(s."traffic_source_source", '(not set)') || ' / ' || COALESCE(s."traffic_source_medium", '(not set)'))`
      : sql`s.${ident(spec.dimension)}`;
  const one = sql`CAST(1 AS ${dialect.double})`;
  const query = sql`WITH "goals" AS (
      SELECT e."event_id" AS "gid", e."user_pseudo_id" AS "u", e."event_timestamp" AS "gt"
      ${eventsWhere(ctx, { extra: sql`e."event_type" = ${spec.goalEvent}` })}
    ), "touches" AS (
      SELECT g."gid", ${asText(dialect, source)} AS "value", s."session_start" AS "st", s."session_id" AS "sid"
      FROM "goals" g JOIN ${relation('sessions_merged')} s ON s."app_id" = ${ctx.appId} AND s."user_pseudo_id" = g."u"
        AND s."session_start" <= g."gt" AND s."session_start" >= ${dialect.addMillis(sql`g."gt"`, sql`${-spec.lookbackDays * DAY_MS}`)}
    ), "numbered" AS (
      SELECT "gid", "value", row_number() OVER (PARTITION BY "gid" ORDER BY "st", "sid") AS "k", count(*) OVER (PARTITION BY "gid") AS "n" FROM "touches"
    )
    SELECT "value",
      sum(CASE WHEN "k" = 1 THEN ${one} ELSE 0 END) AS "first_touch",
      sum(CASE WHEN "k" = "n" THEN ${one} ELSE 0 END) AS "last_touch",
      sum(${one} / "n") AS "linear",
      sum(CASE WHEN "n" = 1 THEN ${one} WHEN "n" = 2 THEN 0.5 * ${one} WHEN "k" = 1 OR "k" = "n" THEN 0.4 * ${one} ELSE 0.2 * ${one} / ("n" - 2) END) AS "position_based"
    FROM "numbered" GROUP BY 1
    UNION ALL
    SELECT ${NO_TOUCHPOINT} AS "value", count(*), count(*), count(*), count(*)
    FROM "goals" g WHERE NOT EXISTS (SELECT 1 FROM "touches" t WHERE t."gid" = g."gid")
    HAVING count(*) > 0`;
  return [
    {
      name: 'attribution',
      columns: [str('value'), n('conversions'), n('share'), ...MODELS.map(n)],
      parts: { main: { query, columns: [str('value'), ...MODELS.map(n)] } },
      combine: ({ main }) => creditRows(main!, spec.model),
    },
  ];
}

function creditRows(rows: Row[], model: (typeof MODELS)[number]): Row[] {
  const total = rows.reduce((sum, r) => sum + num(r[model]), 0);
  return rows
    .map((r) => {
      const out: Row = { value: r.value ?? null, conversions: round(num(r[model])), share: ratio(r[model] ?? 0, total) };
      for (const m of MODELS) out[m] = round(num(r[m]));
      return out;
    })
    .sort((a, b) => num(b.conversions) - num(a.conversions) || String(a.value).localeCompare(String(b.value)));
}

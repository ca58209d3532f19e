import * as z from 'zod';
import { asText, OTHER } from '../breakdowns.js';
import { dimensionSql } from '../fields.js';
import { n, str, type Panel, type Row } from '../panel.js';
import { useSequence } from '../rollups.js';
import { e, eventsWhere, inRange, isPageView, type QueryContext } from '../scope.js';
import { and, relation, sql, trusted } from '../sql.js';

export const PathExploration = z
  .object({
    type: z.literal('path'),
    /** Nodes are event names, or pages/screens (page views only). */
    nodeType: z.enum(['event', 'page']).default('event'),
    /** The node paths start (next) or end (previous) at; omitted: the session's first (or last) node. */
    start: z.string().min(1).max(1024).optional(),
    direction: z.enum(['next', 'previous']).default('next'),
    /** Steps away from the start node. */
    depth: z.number().int().min(1).max(10).default(4),
    /** Nodes kept per step (by sessions); the rest is "(other)". */
    limit: z.number().int().min(1).max(30).default(5),
  })
  .strict();
export type PathExploration = z.infer<typeof PathExploration>;

/**
 * Paths within sessions from a start node: the node at each step after (or before) the first
 * occurrence of the start node, the top N per step with the rest as "(other)", and the links
 * between consecutive steps (for a Sankey chart). Step 0 is the start node. Both tables come
 * from one statement. Only differences of the numbers `n` matter, so where the warehouse keeps
 * event_sequence (whole sessions numbered once) and no filter drops events, its numbers serve.
 */
export function pathExploration(ctx: QueryContext, spec: PathExploration): Panel[] {
  const pages = spec.nodeType === 'page';
  const next = spec.direction === 'next';
  let seq;
  if (useSequence(ctx)) {
    const q = trusted('q');
    const node = pages ? asText(ctx.dialect, dimensionSql('page', q)) : sql`q."event_type"`;
    seq = sql`"seq" AS (SELECT q."session_id" AS "sid", ${node} AS "node", ${pages ? trusted('q."n_view"') : trusted('q."n_all"')} AS "n"
      FROM ${relation('event_sequence')} q WHERE ${and([
        sql`q."app_id" = ${ctx.appId}`,
        inRange(ctx, sql`q."event_timestamp"`),
        pages ? sql`q."n_view" IS NOT NULL` : sql``,
      ])})`;
  } else {
    const node = pages ? asText(ctx.dialect, dimensionSql('page', e)) : sql`e."event_type"`;
    const onlyViews = pages ? isPageView(sql`e."event_type"`) : sql``;
    seq = sql`"seq" AS (SELECT e."session_id" AS "sid", ${node} AS "node",
      row_number() OVER (PARTITION BY e."session_id" ORDER BY e."event_timestamp", e."event_id") AS "n"
    ${eventsWhere(ctx, { extra: and([sql`e."session_id" IS NOT NULL`, onlyViews]) })})`;
  }
  const anchor =
    spec.start !== undefined
      ? sql`"anchor" AS (SELECT "sid", min("n") AS "n0" FROM "seq" WHERE "node" = ${spec.start} GROUP BY "sid")`
      : next
        ? trusted(`"anchor" AS (SELECT "sid", min("n") AS "n0" FROM "seq" GROUP BY "sid")`)
        : trusted(`"anchor" AS (SELECT "sid", max("n") AS "n0" FROM "seq" GROUP BY "sid")`);
  const stepOf = next ? trusted('q."n" - a."n0"') : trusted('a."n0" - q."n"');
  const steps = sql`"steps" AS (SELECT q."sid", ${stepOf} AS "step", q."node" FROM "seq" q JOIN "anchor" a ON a."sid" = q."sid"
    WHERE ${stepOf} BETWEEN 0 AND CAST(${spec.depth} AS INTEGER))`;
  const ranked = sql`"ranked" AS (SELECT "step", "node", row_number() OVER (PARTITION BY "step" ORDER BY count(*) DESC, "node") AS "r"
    FROM "steps" GROUP BY "step", "node")`;
  const mapped = sql`"mapped" AS (SELECT s."sid", s."step", CASE WHEN r."r" <= CAST(${spec.limit} AS INTEGER) THEN s."node" ELSE ${OTHER} END AS "node"
    FROM "steps" s JOIN "ranked" r ON r."step" = s."step" AND r."node" = s."node")`;
  // Nodes (kind 'n', node in "source") and links (kind 'l') in one statement, each in its own order.
  const both = sql`WITH ${seq}, ${anchor}, ${steps}, ${ranked}, ${mapped}
    SELECT 'n' AS "kind", "step", "node" AS "source", CAST(NULL AS VARCHAR) AS "target", count(*) AS "sessions" FROM "mapped" GROUP BY 1, 2, 3
    UNION ALL
    SELECT 'l' AS "kind", b."step" AS "step", a."node" AS "source", b."node" AS "target", count(*) AS "sessions"
    FROM "mapped" a JOIN "mapped" b ON b."sid" = a."sid" AND b."step" = a."step" + 1 GROUP BY 1, 2, 3, 4
    ORDER BY 1 DESC, 2, 5 DESC, 3, 4`;
  const part = { query: both, columns: [str('kind'), n('step'), str('source'), str('target'), n('sessions')] };
  const of = (rows: Row[] | undefined, kind: string) => (rows ?? []).filter((r) => r.kind === kind);
  return [
    {
      name: 'nodes',
      columns: [n('step'), str('node'), n('sessions')],
      parts: { main: part },
      combine: ({ main }) => of(main, 'n').map((r) => ({ step: r.step ?? null, node: r.source ?? null, sessions: r.sessions ?? null })),
    },
    {
      name: 'links',
      columns: [n('step'), str('source'), str('target'), n('sessions')],
      parts: { main: part },
      combine: ({ main }) => of(main, 'l').map((r) => ({ step: r.step ?? null, source: r.source ?? null, target: r.target ?? null, sessions: r.sessions ?? null })),
    },
  ];
}

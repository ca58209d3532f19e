import { asText, sessionBreakdown, topRows } from '../breakdowns.js';
import { n, str, type Panel } from '../panel.js';
import type { QueryContext } from '../scope.js';
import { sql, trusted } from '../sql.js';
import { newUsersWhere } from './overview.js';

/** Where sessions come from (their first event's traffic source) and where they land. */
export function acquisition(ctx: QueryContext, limit: number): Panel[] {
  const sourceMedium = sql`(COALESCE(s."traffic_source_source", '(not set)') || ' / ' || COALESCE(s."traffic_source_medium", '(not set)'))`;
  const firstChannel = asText(ctx.dialect, sql`u."first_channel_group"`);
  return [
    sessionBreakdown(ctx, 'channels', sql`s."channel_group"`, limit),
    sessionBreakdown(ctx, 'source_medium', sourceMedium, limit),
    sessionBreakdown(ctx, 'campaigns', sql`s."traffic_source_campaign"`, limit, sql`s."traffic_source_campaign" IS NOT NULL`),
    sessionBreakdown(ctx, 'landing_pages', sql`split_part(s."entry_page", '?', 1)`, limit),
    {
      name: 'new_users_by_channel',
      columns: [str('value'), n('new_users')],
      parts: {
        main: {
          query: topRows(sql`SELECT ${firstChannel} AS "value", count(*) AS "new_users" ${newUsersWhere(ctx)} GROUP BY 1`, trusted('g."new_users"'), limit),
          columns: [str('value'), n('new_users'), n('rank')],
        },
      },
      combine: ({ main }) => main!.map(({ rank: _rank, ...r }) => r),
    },
  ];
}

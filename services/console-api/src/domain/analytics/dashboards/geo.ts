import { eventBreakdown } from '../breakdowns.js';
import type { Panel } from '../panel.js';
import type { QueryContext } from '../scope.js';

/**
 * Where users are: country and continent (DB-IP Lite, from the client IP), region and city when
 * the warehouse has them (the country-level database does not), and the device locale.
 */
export function geo(ctx: QueryContext, limit: number): Panel[] {
  return [
    eventBreakdown(ctx, 'countries', 'country', limit),
    eventBreakdown(ctx, 'continents', 'continent', limit),
    eventBreakdown(ctx, 'regions', 'region', limit),
    eventBreakdown(ctx, 'cities', 'city', limit),
    eventBreakdown(ctx, 'locales', 'locale', limit),
  ];
}

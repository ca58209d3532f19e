import { eventBreakdown } from '../breakdowns.js';
import type { Panel } from '../panel.js';
import type { QueryContext } from '../scope.js';

/**
 * Where users are: country, continent, region and city of the client IP (DB-IP Lite city data,
 * CC BY 4.0: wherever these are shown, link to https://db-ip.com), and the device locale.
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

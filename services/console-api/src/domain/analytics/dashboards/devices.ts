import { eventBreakdown } from '../breakdowns.js';
import type { Panel } from '../panel.js';
import type { QueryContext } from '../scope.js';

/** Users, sessions, events and views by browser, OS, device category, platform, screen size (width x height) and app version. */
export function devices(ctx: QueryContext, limit: number): Panel[] {
  return [
    eventBreakdown(ctx, 'browsers', 'browser', limit),
    eventBreakdown(ctx, 'operating_systems', 'os', limit),
    eventBreakdown(ctx, 'device_categories', 'device_category', limit),
    eventBreakdown(ctx, 'platforms', 'platform', limit),
    eventBreakdown(ctx, 'screen_sizes', 'screen_size', limit),
    eventBreakdown(ctx, 'app_versions', 'app_version', limit),
  ];
}

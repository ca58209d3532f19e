import { eventBreakdown } from '../breakdowns.js';
import { hasEventColumn } from '../fields.js';
import { n, str, unavailablePanel, type Panel } from '../panel.js';
import type { QueryContext } from '../scope.js';

/** Users, sessions, events and views by browser, OS, device category, platform, screen size and app version. */
export function devices(ctx: QueryContext, limit: number): Panel[] {
  return [
    eventBreakdown(ctx, 'browsers', 'browser', limit),
    eventBreakdown(ctx, 'operating_systems', 'os', limit),
    eventBreakdown(ctx, 'device_categories', 'device_category', limit),
    eventBreakdown(ctx, 'platforms', 'platform', limit),
    hasEventColumn('screen_resolution')
      ? eventBreakdown(ctx, 'screen_sizes', 'screen_resolution', limit)
      : unavailablePanel(
          'screen_sizes',
          [str('value'), n('users'), n('sessions'), n('events'), n('views')],
          'The warehouse contract has no screen size column: the SDKs send screen_width/screen_height, but processing does not keep them yet.',
        ),
    eventBreakdown(ctx, 'app_versions', 'app_version', limit),
  ];
}

import type { StoredAppRetention } from '../ports/app-retention.js';

const DAY_MS = 86_400_000;

/**
 * The first UTC day an app's retention keeps, as epoch ms of its midnight: today (of `now`) minus
 * `retentionDays`. An event whose corrected time is before it lies on a day retention removes.
 */
export function retentionCutoffMs(now: number, retentionDays: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS - retentionDays * DAY_MS;
}

/** Each app's retention in days, for the processing settings: apps that keep everything (0) are left out. */
export function retentionDaysByApp(stored: readonly StoredAppRetention[]): Record<string, number> {
  const days: Record<string, number> = {};
  for (const app of stored) if (app.retentionDays > 0) days[app.appId] = app.retentionDays;
  return days;
}

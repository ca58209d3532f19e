import { createHash } from 'node:crypto';
import { numberOf } from '../number-of.js';
import type { WorkingEvent } from '../pipeline/step.js';
import type { SessionRow } from '../rows.js';
import { sqlTimestamp, utcParts } from '../time.js';

const PAGE_VIEWS = new Set(['_page_view', '_screen_view']);
/** GA4's threshold: a session with less engagement than this and at most one view is a bounce. */
const ENGAGED_MS = 10_000;

/**
 * A deterministic id for a session processing had to make: the same events always get the same
 * id, so a rerun of the job writes the same rows.
 */
export function serverSessionId(appId: string, userKey: string, firstEventTime: number): string {
  return `srv-${createHash('sha256').update(`${appId}\u0000${userKey}\u0000${firstEventTime}`).digest('hex').slice(0, 32)}`;
}

/** A position in the run: event time, then input order (so results never depend on sorting details). */
export interface At {
  time: number;
  seq: number;
}
export const earlier = (a: At, b: At) => a.time < b.time || (a.time === b.time && a.seq < b.seq);

/** The columns a session row takes from its first event. */
interface FirstEvent extends At {
  session_id: string;
  user_pseudo_id: string | null;
  device_id: string | null;
  app_id: string;
  traffic_source_source: string | null;
  traffic_source_medium: string | null;
  traffic_source_campaign: string | null;
  channel_group: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  device_category: string | null;
  browser: string | null;
  os: string | null;
  platform: string | null;
}

const firstOf = (e: WorkingEvent, at: At): FirstEvent => ({
  time: at.time,
  seq: at.seq,
  session_id: e.session_id ?? '',
  user_pseudo_id: e.user_pseudo_id,
  device_id: e.device_id,
  app_id: e.app_id,
  traffic_source_source: e.traffic_source_source,
  traffic_source_medium: e.traffic_source_medium,
  traffic_source_campaign: e.traffic_source_campaign,
  channel_group: e.channel_group,
  country: e.country,
  region: e.region,
  city: e.city,
  device_category: e.device_category,
  browser: e.browser,
  os: e.os,
  platform: e.platform,
});

/**
 * One session as far as this run saw it, folded event by event (nothing of the events is kept
 * but what the row needs): start and end, entry and exit pages, counts, engagement, and the
 * traffic source, geo and device of its first event.
 */
export class SessionAggregate {
  private first: FirstEvent;
  private last: At;
  private firstView?: At & { page: string | null };
  private lastView?: At & { page: string | null };
  private latestUser?: At & { userId: string };
  private sessionNumber: number | null = null;
  private views = 0;
  private events = 0;
  private engagementMs = 0;

  constructor(
    e: WorkingEvent,
    at: At,
    private readonly server: boolean,
  ) {
    this.first = firstOf(e, at);
    this.last = at;
  }

  add(e: WorkingEvent, at: At): void {
    if (earlier(at, this.first)) this.first = firstOf(e, at);
    if (earlier(this.last, at)) this.last = at;
    this.events++;
    const engagement = e.attributes._engagement_time_msec;
    if (engagement !== undefined) this.engagementMs += numberOf(engagement) ?? 0;
    if (this.sessionNumber === null && e.attributes._session_number !== undefined) this.sessionNumber = numberOf(e.attributes._session_number);
    if (e.user_id !== null && (!this.latestUser || earlier(this.latestUser, at))) this.latestUser = { ...at, userId: e.user_id };
    if (PAGE_VIEWS.has(e.event_type)) {
      this.views++;
      const view = { ...at, page: e.page_url ?? e.screen_name };
      if (!this.firstView || earlier(view, this.firstView)) this.firstView = view;
      if (!this.lastView || earlier(this.lastView, view)) this.lastView = view;
    }
  }

  row(): SessionRow {
    const first = this.first;
    const start = first.time;
    return {
      session_id: first.session_id,
      user_pseudo_id: first.user_pseudo_id ?? (this.server ? first.device_id : null),
      user_id: this.latestUser?.userId ?? null,
      session_number: this.sessionNumber === null ? null : Math.trunc(this.sessionNumber),
      is_server_session: this.server,
      session_start: sqlTimestamp(start),
      session_end: sqlTimestamp(this.last.time),
      duration_ms: this.last.time - start,
      entry_page: this.firstView?.page ?? null,
      exit_page: this.lastView?.page ?? null,
      page_view_count: this.views,
      event_count: this.events,
      engagement_time_msec: Math.round(this.engagementMs),
      is_bounce: this.views <= 1 && this.engagementMs < ENGAGED_MS,
      traffic_source_source: first.traffic_source_source,
      traffic_source_medium: first.traffic_source_medium,
      traffic_source_campaign: first.traffic_source_campaign,
      channel_group: first.channel_group,
      country: first.country,
      device_category: first.device_category,
      browser: first.browser,
      os: first.os,
      platform: first.platform,
      region: first.region,
      city: first.city,
      app_id: first.app_id,
      ...utcParts(start),
    };
  }
}

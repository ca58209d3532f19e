import { createHash } from 'node:crypto';
import { byTime, numberOf, type AcceptedEvent } from '../accepted-event.js';
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

/**
 * Gives every event without an SDK session (`_session_id`) a server-made one: per app and user
 * (user_pseudo_id, else device_id), events in time order, a new session after `timeoutMs(appId)`
 * without events. Events with no user key at all stay without a session. Sorting per user keeps
 * this O(n log n). Sessions are cut at run boundaries: a later run cannot see this one's events.
 */
export function assignServerSessions(events: readonly AcceptedEvent[], timeoutMs: (appId: string) => number): void {
  const byUser = new Map<string, { appId: string; userKey: string; items: { e: AcceptedEvent; time: number; index: number }[] }>();
  events.forEach((e, index) => {
    const row = e.event;
    const userKey = row.user_pseudo_id ?? row.device_id;
    if (row.session_id !== null || userKey === null) return;
    const key = `${row.app_id}\u0000${userKey}`;
    let group = byUser.get(key);
    if (!group) byUser.set(key, (group = { appId: row.app_id, userKey, items: [] }));
    group.items.push({ e, time: e.time, index });
  });
  for (const { appId, userKey, items } of byUser.values()) {
    items.sort(byTime);
    const timeout = timeoutMs(appId);
    let sessionId = '';
    let previous = Number.NEGATIVE_INFINITY;
    for (const item of items) {
      if (item.time - previous > timeout) sessionId = serverSessionId(appId, userKey, item.time);
      item.e.event.session_id = sessionId;
      item.e.server_session = true;
      previous = item.time;
    }
  }
}

interface Building {
  first: { e: AcceptedEvent; index: number };
  last: { time: number; index: number };
  firstView?: { time: number; index: number; page: string | null };
  lastView?: { time: number; index: number; page: string | null };
  latestUser?: { time: number; index: number; userId: string };
  sessionNumber: number | null;
  views: number;
  events: number;
  engagementMs: number;
  server: boolean;
}

const earlier = (a: { time: number; index: number }, b: { time: number; index: number }) => byTime(a, b) < 0;

/** One row per (app, session) seen in this run, in order of first appearance. */
export function sessionRows(events: readonly AcceptedEvent[]): SessionRow[] {
  const sessions = new Map<string, Building>();
  events.forEach((e, index) => {
    const row = e.event;
    if (row.session_id === null) return;
    const key = `${row.app_id}\u0000${row.session_id}`;
    const at = { time: e.time, index };
    let s = sessions.get(key);
    if (!s) {
      s = { first: { e, index }, last: at, sessionNumber: null, views: 0, events: 0, engagementMs: 0, server: e.server_session === true };
      sessions.set(key, s);
    }
    if (earlier(at, { time: s.first.e.time, index: s.first.index })) s.first = { e, index };
    if (earlier(s.last, at)) s.last = at;
    s.events++;
    s.engagementMs += numberOf(row.attributes._engagement_time_msec) ?? 0;
    s.sessionNumber ??= numberOf(row.attributes._session_number);
    if (row.user_id !== null && (!s.latestUser || earlier(s.latestUser, at))) s.latestUser = { ...at, userId: row.user_id };
    if (PAGE_VIEWS.has(row.event_type)) {
      s.views++;
      const view = { ...at, page: row.page_url ?? row.screen_name };
      if (!s.firstView || earlier(view, s.firstView)) s.firstView = view;
      if (!s.lastView || earlier(s.lastView, view)) s.lastView = view;
    }
  });
  return [...sessions.values()].map((s) => {
    const first = s.first.e.event;
    const start = s.first.e.time;
    return {
      session_id: first.session_id ?? '',
      user_pseudo_id: first.user_pseudo_id ?? (s.server ? first.device_id : null),
      user_id: s.latestUser?.userId ?? null,
      session_number: s.sessionNumber === null ? null : Math.trunc(s.sessionNumber),
      is_server_session: s.server,
      session_start: sqlTimestamp(start),
      session_end: sqlTimestamp(s.last.time),
      duration_ms: s.last.time - start,
      entry_page: s.firstView?.page ?? null,
      exit_page: s.lastView?.page ?? null,
      page_view_count: s.views,
      event_count: s.events,
      engagement_time_msec: Math.round(s.engagementMs),
      is_bounce: s.views <= 1 && s.engagementMs < ENGAGED_MS,
      traffic_source_source: first.traffic_source_source,
      traffic_source_medium: first.traffic_source_medium,
      traffic_source_campaign: first.traffic_source_campaign,
      channel_group: first.channel_group,
      country: first.country,
      device_category: first.device_category,
      browser: first.browser,
      os: first.os,
      platform: first.platform,
      app_id: first.app_id,
      ...utcParts(start),
    };
  });
}

import { byTime, numberOf, type AcceptedEvent } from '../accepted-event.js';
import type { UserAttributes } from '../pipeline/step.js';
import type { UserRow } from '../rows.js';
import { sqlTimestamp, utcParts } from '../time.js';

interface Building {
  first: { e: AcceptedEvent; time: number; index: number };
  last: { time: number; index: number };
  firstTouch: number;
  latestUser?: { time: number; index: number; userId: string };
  attributes: Map<string, { at: number; index: number; attribute: UserAttributes[string] }>;
  events: number;
}

/**
 * One row per (app, user_pseudo_id) seen in this run. First touch is the earliest event of the run,
 * or the SDK's `_user_first_touch_timestamp` when that is earlier (the SDK remembers visits older
 * than any run); its traffic source, country and device come from the earliest event. Each user
 * attribute keeps its newest value (by set_timestamp, else event time).
 */
export function userRows(events: readonly AcceptedEvent[]): UserRow[] {
  const users = new Map<string, Building>();
  events.forEach((e, index) => {
    const row = e.event;
    if (row.user_pseudo_id === null) return;
    const key = `${row.app_id}\u0000${row.user_pseudo_id}`;
    const at = { time: e.time, index };
    let u = users.get(key);
    if (!u) users.set(key, (u = { first: { e, ...at }, last: at, firstTouch: e.time, attributes: new Map(), events: 0 }));
    if (byTime(at, u.first) < 0) u.first = { e, ...at };
    if (byTime(u.last, at) < 0) u.last = at;
    u.events++;
    // The SDK's value is client time: shift it by the same clock skew as the event.
    const sdkFirstTouch = numberOf(row.user_attributes._user_first_touch_timestamp?.value);
    const skew = e.time - row.client_timestamp;
    u.firstTouch = Math.min(u.firstTouch, e.time, sdkFirstTouch !== null && sdkFirstTouch > 0 ? sdkFirstTouch + skew : e.time);
    if (row.user_id !== null && (!u.latestUser || byTime(u.latestUser, at) < 0)) u.latestUser = { ...at, userId: row.user_id };
    for (const [name, attribute] of Object.entries(row.user_attributes)) {
      const candidate = { at: attribute.set_timestamp ?? row.client_timestamp, index };
      const known = u.attributes.get(name);
      if (!known || known.at < candidate.at || (known.at === candidate.at && known.index < index)) u.attributes.set(name, { ...candidate, attribute });
    }
  });
  return [...users.values()].map((u) => {
    const first = u.first.e.event;
    const attributes = Object.fromEntries([...u.attributes.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, v.attribute]));
    return {
      user_pseudo_id: first.user_pseudo_id ?? '',
      user_id: u.latestUser?.userId ?? null,
      first_touch_timestamp: sqlTimestamp(u.firstTouch),
      first_traffic_source_source: first.traffic_source_source,
      first_traffic_source_medium: first.traffic_source_medium,
      first_traffic_source_campaign: first.traffic_source_campaign,
      first_channel_group: first.channel_group,
      first_country: first.country,
      first_device_category: first.device_category,
      first_platform: first.platform,
      user_attributes: JSON.stringify(attributes),
      event_count: u.events,
      last_seen: sqlTimestamp(u.last.time),
      app_id: first.app_id,
      ...utcParts(u.last.time),
    };
  });
}

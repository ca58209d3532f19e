import { numberOf } from '../number-of.js';
import type { UserAttributes, WorkingEvent } from '../pipeline/step.js';
import type { UserRow } from '../rows.js';
import { sqlTimestamp, utcParts } from '../time.js';
import { earlier, type At } from './sessions.js';

interface FirstEvent extends At {
  user_pseudo_id: string;
  app_id: string;
  traffic_source_source: string | null;
  traffic_source_medium: string | null;
  traffic_source_campaign: string | null;
  channel_group: string | null;
  country: string | null;
  region: string | null;
  city: string | null;
  device_category: string | null;
  platform: string | null;
}

const firstOf = (e: WorkingEvent, at: At): FirstEvent => ({
  time: at.time,
  seq: at.seq,
  user_pseudo_id: e.user_pseudo_id ?? '',
  app_id: e.app_id,
  traffic_source_source: e.traffic_source_source,
  traffic_source_medium: e.traffic_source_medium,
  traffic_source_campaign: e.traffic_source_campaign,
  channel_group: e.channel_group,
  country: e.country,
  region: e.region,
  city: e.city,
  device_category: e.device_category,
  platform: e.platform,
});

/**
 * One user (user_pseudo_id) as far as this run saw them. First touch is the earliest event, or the
 * SDK's `_user_first_touch_timestamp` when that is earlier (the SDK remembers visits older than
 * any run); its traffic source, geo and device come from the earliest event. Each user
 * attribute keeps its newest value (by set_timestamp, else event time).
 */
export class UserAggregate {
  private first: FirstEvent;
  private last: At;
  private firstTouch: number;
  private latestUser?: At & { userId: string };
  private readonly attributes = new Map<string, { at: number; seq: number; attribute: UserAttributes[string] }>();
  private events = 0;

  constructor(e: WorkingEvent, at: At) {
    this.first = firstOf(e, at);
    this.last = at;
    this.firstTouch = at.time;
  }

  add(e: WorkingEvent, at: At): void {
    if (earlier(at, this.first)) this.first = firstOf(e, at);
    if (earlier(this.last, at)) this.last = at;
    this.events++;
    // The SDK's value is client time: shift it by the same clock skew as the event.
    const sdkFirstTouch = numberOf(e.user_attributes._user_first_touch_timestamp?.value);
    const skew = at.time - e.client_timestamp;
    this.firstTouch = Math.min(this.firstTouch, at.time, sdkFirstTouch !== null && sdkFirstTouch > 0 ? sdkFirstTouch + skew : at.time);
    if (e.user_id !== null && (!this.latestUser || earlier(this.latestUser, at))) this.latestUser = { ...at, userId: e.user_id };
    for (const name in e.user_attributes) {
      const attribute = e.user_attributes[name]!;
      const candidateAt = attribute.set_timestamp ?? e.client_timestamp;
      const known = this.attributes.get(name);
      if (!known || known.at < candidateAt || (known.at === candidateAt && known.seq < at.seq)) {
        this.attributes.set(name, { at: candidateAt, seq: at.seq, attribute });
      }
    }
  }

  row(): UserRow {
    const first = this.first;
    const names = [...this.attributes.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const attributes: UserAttributes = {};
    for (const n of names) attributes[n] = this.attributes.get(n)!.attribute;
    return {
      user_pseudo_id: first.user_pseudo_id,
      user_id: this.latestUser?.userId ?? null,
      first_touch_timestamp: sqlTimestamp(this.firstTouch),
      first_traffic_source_source: first.traffic_source_source,
      first_traffic_source_medium: first.traffic_source_medium,
      first_traffic_source_campaign: first.traffic_source_campaign,
      first_channel_group: first.channel_group,
      first_country: first.country,
      first_device_category: first.device_category,
      first_platform: first.platform,
      user_attributes: JSON.stringify(attributes),
      event_count: this.events,
      last_seen: sqlTimestamp(this.last.time),
      first_region: first.region,
      first_city: first.city,
      app_id: first.app_id,
      ...utcParts(this.last.time),
    };
  }
}

import type { ClickstreamEvent, RawEnvelopeHeader } from '@clickstream/contracts';
import type { WorkingEvent } from '../pipeline/step.js';
import type { BadRow, BadRowReason, EventRow } from '../rows.js';
import { sqlTimestamp, utcParts } from '../time.js';

const RAW_LIMIT = 64 * 1024;
export const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

/** The event's row before any step ran; enrichment columns start empty. Copies what steps may change. */
export function toWorkingEvent(envelope: RawEnvelopeHeader, e: ClickstreamEvent, time: number): WorkingEvent {
  const a = { ...(e.attributes ?? {}) };
  const userId = e.user?._user_id?.value;
  const user: WorkingEvent['user_attributes'] = {};
  if (e.user) for (const k in e.user) user[k] = { ...e.user[k]! };
  return {
    event_id: e.event_id,
    event_type: e.event_type,
    event_timestamp: sqlTimestamp(time),
    client_timestamp: e.timestamp,
    ingest_timestamp: sqlTimestamp(envelope.ingestTime),
    app_id: e.app_id,
    ...utcParts(time),
    platform: e.platform ?? envelope.platform ?? null,
    user_pseudo_id: e.unique_id ?? null,
    user_id: userId === undefined || userId === null ? null : String(userId),
    device_id: e.device_id ?? null,
    session_id: str(a._session_id),
    page_url: str(a._page_url),
    page_title: str(a._page_title),
    page_referrer: str(a._page_referrer),
    screen_name: str(a._screen_name),
    locale: e.locale ?? null,
    os_name: e.os_name ?? null,
    os_version: e.os_version ?? null,
    make: e.make ?? null,
    model: e.model ?? null,
    app_version: e.app_version ?? null,
    sdk_name: e.sdk_name ?? null,
    sdk_version: e.sdk_version ?? null,
    client_ip: envelope.clientIp ?? null,
    user_agent: envelope.userAgent ?? null,
    attributes: a,
    user_attributes: user,
    items: e.items ? e.items.map((i) => ({ ...i })) : [],
    request_id: envelope.requestId,
    browser: null,
    browser_version: null,
    os: null,
    device_category: null,
    device_vendor: null,
    device_model: null,
    country: null,
    continent: null,
    is_bot: false,
    traffic_source_source: null,
    traffic_source_medium: null,
    traffic_source_campaign: null,
    traffic_source_campaign_id: null,
    traffic_source_content: null,
    traffic_source_term: null,
    traffic_source_clid: null,
    traffic_source_clid_platform: null,
    channel_group: null,
    truncated: false,
    region: null,
    city: null,
    screen_width: pixels(e.screen_width),
    screen_height: pixels(e.screen_height),
  };
}

/** A screen dimension as the INTEGER column holds it: a whole, positive number of pixels, else null. */
export const pixels = (v: unknown): number | null => (typeof v === 'number' && Number.isInteger(v) && v > 0 && v <= 2_147_483_647 ? v : null);

/** Turns the working event into its events row IN PLACE (copying ~50 columns per event was measurable); the working event is spent. */
export function toEventRow(e: WorkingEvent): EventRow {
  const row = e as unknown as Record<string, unknown>;
  row.attributes = JSON.stringify(e.attributes);
  // Most events have no user attributes and no items: skip the serialiser for those.
  row.user_attributes = isEmpty(e.user_attributes) ? '{}' : JSON.stringify(e.user_attributes);
  row.items = e.items.length === 0 ? '[]' : JSON.stringify(e.items);
  return row as unknown as EventRow;
}

function isEmpty(o: object): boolean {
  for (const _ in o) return false;
  return true;
}

/** A bad row; records too broken to carry their own ingest time are partitioned by `fallbackTime` (the run's time). */
export function badRow(
  envelope: RawEnvelopeHeader | undefined,
  code: BadRowReason,
  reason: string,
  raw: string,
  eventId: string | null = null,
  fallbackTime = 0,
): BadRow {
  const ingest = envelope?.ingestTime ?? fallbackTime;
  return {
    request_id: envelope?.requestId ?? 'unknown',
    ingest_timestamp: sqlTimestamp(ingest),
    app_id: envelope?.appId ?? '_unknown',
    ...utcParts(ingest),
    reason_code: code,
    reason,
    event_id: eventId,
    raw: raw.length > RAW_LIMIT ? raw.slice(0, RAW_LIMIT) : raw,
  };
}

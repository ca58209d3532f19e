import { uuid } from './ids.js';
import type { Attributes, ClickstreamEvent, Item, UserAttribute } from './types.js';

export const SDK_NAME = 'clickstream-web';
export const SDK_VERSION = '0.1.0';

// The ingest protocol's limits: an event breaking them would become a bad row on the server.
const MAX_NAME = 50;
const MAX_VALUE = 1024;
const MAX_ATTRIBUTES = 500;
const MAX_ITEMS = 100;

export const validName = (name: unknown): name is string => typeof name == 'string' && name.length > 0 && name.length <= MAX_NAME;

/** Keeps what the protocol allows: string (cut to 1024), finite number and boolean values under short names. */
export function cleanAttributes(input: unknown, into: Attributes = {}): Attributes {
  let count = Object.keys(into).length;
  for (const [name, value] of Object.entries(input ?? {})) {
    const kind = typeof value;
    if (count >= MAX_ATTRIBUTES || !validName(name) || !(kind == 'string' || kind == 'boolean' || Number.isFinite(value))) continue;
    into[name] = kind == 'string' ? (value as string).slice(0, MAX_VALUE) : (value as number | boolean);
    count++;
  }
  return into;
}

/** The device fields every event carries, read once. */
function deviceFields() {
  const locale = navigator.language || '';
  const [language = '', country = ''] = locale.split('-');
  return {
    platform: 'Web' as const,
    make: navigator.vendor || navigator.product || '',
    locale,
    system_language: language,
    country_code: country.toUpperCase(),
    zone_offset: -new Date().getTimezoneOffset() * 60_000,
    host_name: location.hostname,
    screen_width: screen.width,
    screen_height: screen.height,
    sdk_name: SDK_NAME,
    sdk_version: SDK_VERSION,
  };
}

export interface EventContext {
  appId: string;
  deviceId: string;
  uniqueId: string;
}

export type EventFactory = (
  name: string,
  attributes: Attributes,
  user: Record<string, UserAttribute>,
  items?: Item[],
) => ClickstreamEvent;

/** Builds events in the shape the AWS Clickstream web SDK sends, so processing treats both alike. */
export function eventFactory(context: EventContext): EventFactory {
  const device = deviceFields();
  const referrer = document.referrer;
  return (name, attributes, user, items) => ({
    event_type: name,
    event_id: uuid(),
    app_id: context.appId,
    timestamp: Date.now(),
    unique_id: context.uniqueId,
    device_id: context.deviceId,
    ...device,
    viewport_width: innerWidth,
    viewport_height: innerHeight,
    attributes: {
      ...attributes,
      _page_url: location.href,
      _page_title: document.title,
      _latest_referrer: referrer,
      _latest_referrer_host: referrer.split('/')[2] ?? '',
    },
    user,
    ...(items ? { items: items.slice(0, MAX_ITEMS).map((item) => cleanAttributes(item)) } : {}),
  });
}

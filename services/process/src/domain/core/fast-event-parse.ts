import type { ClickstreamEvent } from '@clickstream/contracts';
import { EventLimits } from '@clickstream/contracts';
import * as z from 'zod';

/**
 * The ClickstreamEvent schema's answer for the events it accepts, found without zod: validating
 * every event through the schema was the core's largest cost. It returns exactly what
 * `ClickstreamEvent.parse` returns (same values, same key order) when the event is valid, and
 * undefined when it is not or looks unusual — the caller then asks zod, which decides and
 * explains. So the schema stays the one definition of a valid event; a property test checks the
 * two agree on generated and mutated events.
 */
export function fastParseEvent(input: Record<string, unknown>): ClickstreamEvent | undefined {
  const type = input.event_type;
  if (typeof type !== 'string' || type.length === 0 || type.length > EventLimits.eventTypeLength) return undefined;
  const id = input.event_id;
  if (typeof id !== 'string' || !UUID.test(id)) return undefined;
  const timestamp = input.timestamp;
  if (typeof timestamp !== 'number' || !Number.isSafeInteger(timestamp) || timestamp <= 0) return undefined;
  const appId = input.app_id;
  if (typeof appId !== 'string' || appId.length === 0) return undefined;

  // Output in the schema's order: its keys as declared, then the unknown ones (passthrough).
  const out: Record<string, unknown> = { event_type: type, event_id: id, timestamp, app_id: appId };
  for (const key of OPTIONAL) {
    const v = input[key];
    if (v === undefined) continue;
    if (NUMERIC.has(key) ? typeof v !== 'number' || !Number.isFinite(v) : typeof v !== 'string') return undefined;
    out[key] = v;
  }
  if (input.attributes !== undefined) {
    const a = attributesOf(input.attributes);
    if (!a) return undefined;
    out.attributes = a;
  }
  if (input.user !== undefined) {
    const u = userOf(input.user);
    if (!u) return undefined;
    out.user = u;
  }
  if (input.items !== undefined) {
    const items = itemsOf(input.items);
    if (!items) return undefined;
    out.items = items;
  }
  for (const key in input) {
    if (key === '__proto__') return undefined;
    if (!KNOWN.has(key) && input[key] !== undefined) out[key] = input[key];
  }
  return out as ClickstreamEvent;
}

const UUID = z.regexes.uuid();

/** The schema's optional top-level fields, in its order (the required four come first). */
const OPTIONAL = [
  'unique_id', 'device_id', 'device_unique_id', 'platform', 'make', 'brand', 'model', 'os_name', 'os_version', 'locale',
  'system_language', 'country_code', 'zone_offset', 'screen_height', 'screen_width', 'viewport_height', 'viewport_width',
  'network_type', 'carrier', 'app_package_name', 'app_version', 'app_title', 'host_name', 'sdk_name', 'sdk_version',
] as const;
const NUMERIC = new Set<string>(['zone_offset', 'screen_height', 'screen_width', 'viewport_height', 'viewport_width']);
const KNOWN = new Set<string>(['event_type', 'event_id', 'timestamp', 'app_id', ...OPTIONAL, 'attributes', 'user', 'items']);

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

function attributesOf(v: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(v)) return undefined;
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const key in v) {
    const value = v[key];
    if (key === '__proto__') return undefined;
    if (key.length > EventLimits.attributeNameLength || !isScalar(value) || ++n > EventLimits.attributeCount) return undefined;
    out[key] = value;
  }
  return out;
}

function userOf(v: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(v)) return undefined;
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const key in v) {
    const attribute = v[key];
    if (key === '__proto__' || !isPlainObject(attribute) || ++n > EventLimits.userAttributeCount) return undefined;
    const value = attribute.value;
    if (value !== null && !isScalar(value)) return undefined;
    const set = attribute.set_timestamp;
    if (set === undefined) {
      out[key] = { value };
    } else {
      if (typeof set !== 'number' || !Number.isSafeInteger(set) || set < 0) return undefined;
      out[key] = { value, set_timestamp: set };
    }
  }
  return out;
}

const ITEM_TEXT = ['id', 'name', 'brand', 'category', 'category2', 'category3', 'category4', 'category5'] as const;
const ITEM_TAIL_TEXT = ['currency', 'location_id', 'creative_name', 'creative_slot'] as const;
const ITEM_KNOWN = new Set<string>([...ITEM_TEXT, 'price', 'quantity', ...ITEM_TAIL_TEXT]);

function itemsOf(v: unknown): Record<string, unknown>[] | undefined {
  if (!Array.isArray(v) || v.length > EventLimits.itemCount) return undefined;
  const out: Record<string, unknown>[] = [];
  for (const item of v) {
    if (!isPlainObject(item)) return undefined;
    const o: Record<string, unknown> = {};
    for (const key of ITEM_TEXT) {
      const x = item[key];
      if (x === undefined) continue;
      if (typeof x !== 'string') return undefined;
      o[key] = x;
    }
    for (const key of ['price', 'quantity'] as const) {
      const x = item[key];
      if (x === undefined) continue;
      if (typeof x !== 'number' || !Number.isFinite(x)) return undefined;
      o[key] = x;
    }
    for (const key of ITEM_TAIL_TEXT) {
      const x = item[key];
      if (x === undefined) continue;
      if (typeof x !== 'string') return undefined;
      o[key] = x;
    }
    for (const key in item) {
      if (key === '__proto__') return undefined;
      if (ITEM_KNOWN.has(key)) continue;
      const x = item[key];
      if (!isScalar(x)) return undefined;
      o[key] = x;
    }
    out.push(o);
  }
  return out;
}

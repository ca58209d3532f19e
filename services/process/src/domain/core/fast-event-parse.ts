import type { ClickstreamEvent } from '@clickstream/contracts';
import { EventLimits } from '@clickstream/contracts';
import * as z from 'zod';

/**
 * The ClickstreamEvent schema's answer for the events it accepts, found without zod: validating
 * every event through the schema was the core's largest cost. It returns what
 * `ClickstreamEvent.parse` returns (the same values; top-level members and attributes in the
 * order they came) when the event is valid, and undefined when it is not or looks unusual — the
 * caller then asks zod, which decides and explains. So the schema stays the one definition of a
 * valid event; a property test checks the two agree on generated and mutated events.
 *
 * The input itself is the answer when it needs no change (nearly every event): copying every
 * event into a new object was a visible share of a run. User attributes and items not in the
 * schema's shape and order (their JSON text is stored) are rebuilt in a copy: the input stays as
 * sent, for bad rows.
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
  // JSON.parse makes "__proto__" an own member; the schema treats it differently from a plain object.
  if (Object.hasOwn(input, '__proto__')) return undefined;
  for (const key of OPTIONAL) {
    const v = input[key];
    if (v === undefined) continue;
    if (NUMERIC.has(key) ? typeof v !== 'number' || !Number.isFinite(v) : typeof v !== 'string') return undefined;
  }
  if (input.attributes !== undefined && !validAttributes(input.attributes)) return undefined;
  const user = input.user === undefined ? undefined : userOf(input.user);
  if (user === undefined && input.user !== undefined) return undefined;
  const items = input.items === undefined ? undefined : itemsOf(input.items);
  if (items === undefined && input.items !== undefined) return undefined;
  if (user === input.user && items === input.items) return input as ClickstreamEvent;
  const out: Record<string, unknown> = { ...input };
  if (user !== undefined) out.user = user;
  if (items !== undefined) out.items = items;
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

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
const isScalar = (v: unknown) => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));

function validAttributes(v: unknown): boolean {
  if (!isPlainObject(v)) return false;
  let n = 0;
  for (const key in v) {
    if (key === '__proto__' || key.length > EventLimits.attributeNameLength || !isScalar(v[key]) || ++n > EventLimits.attributeCount) return false;
  }
  return true;
}

/**
 * User attributes in the schema's shape: the input itself when every attribute already is
 * `{ value[, set_timestamp] }` in that order (SDKs send them so), else a normalised copy.
 */
function userOf(v: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(v)) return undefined;
  let n = 0;
  let canonical = true;
  for (const key in v) {
    const attribute = v[key];
    if (key === '__proto__' || !isPlainObject(attribute) || ++n > EventLimits.userAttributeCount) return undefined;
    const value = attribute.value;
    if (value !== null && !isScalar(value)) return undefined;
    const set = attribute.set_timestamp;
    if (set !== undefined && (typeof set !== 'number' || !Number.isSafeInteger(set) || set < 0)) return undefined;
    if (canonical) {
      let i = 0;
      for (const k in attribute) {
        if (i === 0 ? k !== 'value' : i !== 1 || k !== 'set_timestamp') canonical = false;
        i++;
      }
    }
  }
  if (canonical) return v;
  const out: Record<string, unknown> = {};
  for (const key in v) {
    const { value, set_timestamp: set } = v[key] as Record<string, unknown>;
    out[key] = set === undefined ? { value } : { value, set_timestamp: set };
  }
  return out;
}

const ITEM_TEXT = ['id', 'name', 'brand', 'category', 'category2', 'category3', 'category4', 'category5'] as const;
const ITEM_NUMBERS = ['price', 'quantity'] as const;
const ITEM_TAIL_TEXT = ['currency', 'location_id', 'creative_name', 'creative_slot'] as const;
/** The schema's item members in its order (the rest follow, as they came). */
const ITEM_RANK = new Map<string, number>([...ITEM_TEXT, ...ITEM_NUMBERS, ...ITEM_TAIL_TEXT].map((k, i) => [k, i]));
const ITEM_NUMBER = new Set<string>(ITEM_NUMBERS);

/** Items in the schema's shape: the input itself when every item's members already come in its order, else copies. */
function itemsOf(v: unknown): Record<string, unknown>[] | undefined {
  if (!Array.isArray(v) || v.length > EventLimits.itemCount) return undefined;
  let canonical = true;
  for (const item of v) {
    if (!isPlainObject(item)) return undefined;
    let rank = -1;
    let extra = false;
    for (const key in item) {
      if (key === '__proto__') return undefined;
      const x = item[key];
      const at = ITEM_RANK.get(key);
      if (at === undefined) {
        if (!isScalar(x)) return undefined;
        extra = true;
        continue;
      }
      if (ITEM_NUMBER.has(key) ? typeof x !== 'number' || !Number.isFinite(x) : typeof x !== 'string') return undefined;
      if (extra || at < rank) canonical = false;
      rank = at;
    }
  }
  if (canonical) return v as Record<string, unknown>[];
  return (v as Record<string, unknown>[]).map((item) => {
    const o: Record<string, unknown> = {};
    for (const key of ITEM_RANK.keys()) if (item[key] !== undefined) o[key] = item[key];
    for (const key in item) if (!ITEM_RANK.has(key)) o[key] = item[key];
    return o;
  });
}

import { groupKeyOf } from './processing-core.js';

/**
 * The shard of a stored record, for a run split over `shards` cores: a hash of the key the Spark
 * driver groups by (`groupKeyOf`: the app and the first event's user key), so a user's uploads,
 * and the session hand-over of that user, always meet in the same core. Records that carry no such
 * key (damaged ones, which only become bad rows) go to shard 0. Deterministic: the same record
 * and shard count give the same shard on every run and machine.
 */
export function shardOf(record: string, shards: number): number {
  if (shards <= 1) return 0;
  const key = scannedGroupKey(record) ?? parsedGroupKey(record);
  return key === undefined ? 0 : hashOf(key) % shards;
}

/** FNV-1a over UTF-16 code units: cheap, stable, and spreads similar ids well enough for a few shards. */
function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The group key after a full parse: what the core itself would see. */
function parsedGroupKey(record: string): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(record);
  } catch {
    return undefined;
  }
  if (json === null || typeof json !== 'object') return undefined;
  const o = json as Record<string, unknown>;
  if (o.table === 'session_state') {
    const row = o.row as { app_id?: unknown; user_key?: unknown } | null | undefined;
    return row && typeof row.app_id === 'string' && typeof row.user_key === 'string' ? `${row.app_id}\u0000${row.user_key}` : undefined;
  }
  if (typeof o.appId !== 'string') return undefined;
  let body = o.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  return groupKeyOf(o.appId, Array.isArray(body) ? body : [body]);
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The group key of an envelope read without building it — why: parsing every record on the
 * thread that hands records to the shards would cost as much as a shard's own parse. It walks the
 * top-level members up to `body` (which writers put last, after `appId`), and in a body that is an
 * array or object reads the first event's `unique_id` / `device_id` (a repeated name: the last
 * wins, as in JSON.parse). It stops there: walking the rest of a ~10 KB batch cost half a parse.
 * So a record that repeats `appId` or `body` after the body (JSON allows it, no writer of ours
 * does it) is routed by the first ones; that only decides which shard sees it. It returns
 * undefined, deferring to a full parse, whenever the members come in another order or a value it
 * reads is not plain: escapes, numbers as ids, a body given as a string (v1), a session hand-over
 * line, anything malformed.
 */
function scannedGroupKey(s: string): string | undefined {
  let i = ws(s, 0);
  if (s.charCodeAt(i) !== 0x7b) return undefined; // {
  let appId: string | undefined;
  i = ws(s, i + 1);
  for (;;) {
    const key = plainString(s, i);
    if (key === undefined) return undefined;
    i = ws(s, i + key.length + 2);
    if (s.charCodeAt(i) !== 0x3a) return undefined; // :
    i = ws(s, i + 1);
    if (key === 'body') {
      if (appId === undefined) return undefined;
      const c = s.charCodeAt(i);
      let first = -1;
      if (c === 0x5b) {
        // [ — the first element, if any and if it is an object
        const at = ws(s, i + 1);
        if (s.charCodeAt(at) === 0x7b) first = at;
      } else if (c === 0x7b) {
        first = i;
      } else {
        return undefined;
      }
      const user = first >= 0 ? firstEventUser(s, first) : '';
      return user === null ? undefined : `${appId}\u0000${user}`;
    }
    if (key === 'appId') {
      const value = plainString(s, i);
      if (value === undefined) return undefined;
      appId = value;
      i += value.length + 2;
    } else if (key === 'table') {
      return undefined; // a session hand-over line (or something odd): parse it
    } else {
      i = skipValue(s, i);
      if (i < 0) return undefined;
    }
    i = ws(s, i);
    if (s.charCodeAt(i) !== 0x2c) return undefined; // the body is still to come
    i = ws(s, i + 1);
  }
}

/**
 * unique_id, else device_id, of the event object at `at` (as `str` would read them), '' when it
 * has neither, or null when a value is one the scan does not read exactly (escaped text, a number).
 */
function firstEventUser(s: string, at: number): string | null {
  let i = ws(s, at + 1);
  let uniqueId: string | null = null;
  let deviceId: string | null = null;
  if (s.charCodeAt(i) === 0x7d) return '';
  for (;;) {
    const key = plainString(s, i);
    if (key === undefined) return null;
    i = ws(s, i + key.length + 2);
    if (s.charCodeAt(i) !== 0x3a) return null;
    i = ws(s, i + 1);
    if (key === 'unique_id' || key === 'device_id') {
      let value: string | null = null;
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        const text = plainString(s, i);
        if (text === undefined) return null;
        value = text;
      } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
        return null; // a number: String(n) may not be its text
      }
      if (key === 'unique_id') uniqueId = value;
      else deviceId = value;
    }
    i = skipValue(s, i);
    if (i < 0) return null;
    i = ws(s, i);
    const c = s.charCodeAt(i);
    if (c === 0x2c) {
      i = ws(s, i + 1);
      continue;
    }
    if (c !== 0x7d) return null;
    return uniqueId ?? deviceId ?? '';
  }
}

/** The text of a JSON string at `at` when it has no escapes (then its length + 2 is its extent), else undefined. */
function plainString(s: string, at: number): string | undefined {
  if (s.charCodeAt(at) !== QUOTE) return undefined;
  const end = s.indexOf('"', at + 1);
  if (end < 0) return undefined;
  const text = s.slice(at + 1, end);
  return text.includes('\\') ? undefined : text;
}

/** Index just past the JSON value at `at`, or -1. Does not validate: callers only need its extent. */
function skipValue(s: string, at: number): number {
  const c = s.charCodeAt(at);
  if (c === QUOTE) return skipString(s, at);
  if (c === 0x7b || c === 0x5b) {
    let depth = 0;
    for (let i = at; i < s.length; ) {
      const d = s.charCodeAt(i);
      if (d === QUOTE) {
        i = skipString(s, i);
        if (i < 0) return -1;
        continue;
      }
      if (d === 0x7b || d === 0x5b) depth++;
      else if ((d === 0x7d || d === 0x5d) && --depth === 0) return i + 1;
      i++;
    }
    return -1;
  }
  let i = at;
  for (; i < s.length; i++) {
    const d = s.charCodeAt(i);
    if (d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
  }
  return i === at ? -1 : i;
}

function skipString(s: string, at: number): number {
  for (let from = at + 1; ; ) {
    const end = s.indexOf('"', from);
    if (end < 0) return -1;
    let backslashes = 0;
    while (s.charCodeAt(end - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return end + 1;
    from = end + 1;
  }
}

function ws(s: string, at: number): number {
  let i = at;
  for (;;) {
    const c = s.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
    i++;
  }
}

/** For tests: the key the fast scan reads, or undefined where it defers to a full parse. */
export const scannedGroupKeyForTest = scannedGroupKey;
export const parsedGroupKeyForTest = parsedGroupKey;

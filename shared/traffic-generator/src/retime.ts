import type { GeneratedUpload } from './generator.js';
import { withHashCode } from './hash-code.js';

export interface RetimeOptions {
  /** When the upload is really sent (epoch ms): every device time moves by `sentAt - upload.receivedAt`. */
  sentAt: number;
  /** Renames each UUID event id (e.g. unique per run); equal ids must stay equal, so retries and duplicates still match. */
  eventId?: (id: string) => string;
  /**
   * For an SDK retry (`meta.retryOf`): the already retimed upload it repeats. A retry resends the
   * same bytes, so its body (event ids and times) is taken from there; only its query is its own.
   */
  original?: GeneratedUpload;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The upload as if the device sent it at `sentAt` instead of in the simulated period: the device
 * clock readings (event, session start, user attribute times, `upload_timestamp`) move by the same
 * amount, so what was late, in the future or on a skewed clock stays exactly that relative to the
 * real ingest time. `hashCode` is recomputed; a body that is not JSON (a refused request) is sent as it is.
 */
export function retimeUpload(upload: GeneratedUpload, options: RetimeOptions): GeneratedUpload {
  const shift = Math.round(options.sentAt - upload.receivedAt);
  const query = { ...upload.query };
  if (query.upload_timestamp !== undefined && /^\d+$/.test(query.upload_timestamp)) query.upload_timestamp = String(Number(query.upload_timestamp) + shift);
  let body = upload.body;
  let meta = { ...upload.meta };
  if (options.original) {
    const original = options.original;
    if (upload.meta.retryOf !== original.requestId) throw new Error(`upload ${upload.requestId} does not repeat ${original.requestId}`);
    body = original.body;
    // What the meta says about the body is the original's (it may have been changed after generation, e.g. a repeated event).
    meta = { ...meta, events: original.meta.events, malformed: original.meta.malformed, malformedAt: original.meta.malformedAt, overlong: original.meta.overlong };
  } else if (!upload.meta.malformed.includes('invalid-json-body')) {
    body = JSON.stringify((JSON.parse(body) as unknown[]).map((e) => (isObject(e) ? retimeEvent(e, shift, options.eventId) : e)));
  }
  return { ...upload, receivedAt: upload.receivedAt + shift, body, query: withHashCode(query, body), meta };
}

function retimeEvent(event: Json, shift: number, rename: ((id: string) => string) | undefined): Json {
  const out: Json = { ...event };
  if (rename && typeof out.event_id === 'string' && UUID.test(out.event_id)) out.event_id = rename(out.event_id);
  if (typeof out.timestamp === 'number') out.timestamp += shift;
  if (isObject(out.attributes) && typeof out.attributes._session_start_timestamp === 'number') {
    out.attributes = { ...out.attributes, _session_start_timestamp: out.attributes._session_start_timestamp + shift };
  }
  if (isObject(out.user)) {
    const user: Json = {};
    for (const [name, attribute] of Object.entries(out.user)) {
      if (!isObject(attribute)) {
        user[name] = attribute;
        continue;
      }
      const moved: Json = { ...attribute };
      if (typeof moved.set_timestamp === 'number') moved.set_timestamp += shift;
      // The first-touch time is a device-clock reading kept as the attribute's value.
      if (name === '_user_first_touch_timestamp' && typeof moved.value === 'number') moved.value += shift;
      user[name] = moved;
    }
    out.user = user;
  }
  return out;
}

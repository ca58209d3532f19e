import type { RawEnvelopeV1 } from '@clickstream/contracts';
import { payloadTooLarge } from '@clickstream/lambda-kit';

const encoder = new TextEncoder();
export const envelopeBytes = (e: RawEnvelopeV1) => encoder.encode(JSON.stringify(e)).length;

/** Bytes one event adds to an envelope: its JSON, escaped once more as part of the body string, plus a comma. */
const escapedCost = (event: unknown) => encoder.encode(JSON.stringify(JSON.stringify(event))).length - 2 + 1;

/**
 * An upper bound of the UTF-8 size of `JSON.stringify(value)`, found without serialising it: JSON
 * writes one UTF-16 code unit of a string in at most 6 bytes (`\u001f`, a lone surrogate's
 * `\udxxx`; 3 bytes of UTF-8 otherwise), a number in at most 25 characters, and needs at most 4
 * bytes of quotes, colon and comma per member. Anything else (bigint, toJSON…) gives Infinity.
 */
function jsonBytesAtMost(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return 6 * value.length + 2;
    case 'number':
      return 32;
    case 'boolean':
    case 'undefined':
      return 5;
    case 'object': {
      if (value === null) return 4;
      if ('toJSON' in value) return Infinity;
      if (Array.isArray(value)) return value.reduce((n: number, v) => n + jsonBytesAtMost(v) + 1, 2);
      if (Object.getPrototypeOf(value) !== Object.prototype) return Infinity;
      let n = 2;
      for (const key in value) n += 6 * key.length + 4 + jsonBytesAtMost((value as Record<string, unknown>)[key]);
      return n;
    }
    default:
      return Infinity;
  }
}

/**
 * Splits an envelope whose encoded size passes a stream's record limit (Kinesis: 1 MiB) into
 * several, each carrying a slice of the batch. JSON escaping can make the envelope much larger
 * than the body, so sizes are measured escaped. Each part keeps the request id with a `#n`
 * suffix so processing can still tell the parts of one upload apart.
 */
export function splitEnvelope(envelope: RawEnvelopeV1, maxRecordBytes: number): RawEnvelopeV1[] {
  // The common case (a batch far below the limit) is settled without serialising the envelope.
  if (jsonBytesAtMost(envelope) <= maxRecordBytes || envelopeBytes(envelope) <= maxRecordBytes) return [envelope];
  const parsed: unknown = JSON.parse(envelope.body);
  const events: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
  const budget = maxRecordBytes - envelopeBytes({ ...envelope, requestId: `${envelope.requestId}#999999`, body: '[]' });
  const slices: unknown[][] = [];
  let current: unknown[] = [];
  let used = 0;
  for (const event of events) {
    const cost = escapedCost(event);
    if (cost > budget) throw payloadTooLarge('A single event is larger than the stream record limit.');
    if (used + cost > budget) {
      slices.push(current);
      current = [];
      used = 0;
    }
    current.push(event);
    used += cost;
  }
  if (current.length > 0) slices.push(current);
  return slices.map((slice, n) => ({ ...envelope, requestId: `${envelope.requestId}#${n}`, body: JSON.stringify(slice) }));
}

import * as z from 'zod';
import { AppId } from './common.js';

/** The request metadata every envelope version carries; only the body's form differs. */
const envelopeHeader = {
  /** Unique per accepted request; lets processing recognise a record it has already seen. */
  requestId: z.string().min(1),
  /** Server receive time, epoch ms; bounded so every row lands in a partition the catalog accepts (years 2000-2999). */
  ingestTime: z.number().int().min(Date.UTC(2000, 0, 1)).max(Date.UTC(3000, 0, 1) - 1),
  appId: AppId,
  platform: z.string().max(64).optional(),
  clientIp: z.string().max(64).optional(),
  userAgent: z.string().max(2048).optional(),
  /** The request's query parameters (upload_timestamp, event_bundle_sequence_id, hashCode, …). */
  query: z.record(z.string(), z.string()),
};

/**
 * What the ingest service made durable for every accepted request (one Kinesis record, one line
 * of the local log) until v2. Still read by processing: raw files written before v2 stay valid.
 */
export const RawEnvelopeV1 = z.object({
  v: z.literal(1),
  ...envelopeHeader,
  /** The decompressed request body, verbatim, as a JSON string. */
  body: z.string(),
});
export type RawEnvelopeV1 = z.infer<typeof RawEnvelopeV1>;

/**
 * What the ingest service makes durable for every accepted request. Ingest checks that the body
 * is JSON (an array of events or one event object) and embeds it AS JSON, byte for byte, as the
 * last member — why: escaping a ~10 KB batch into a string and parsing it twice downstream was
 * the largest cost of both ingest and processing. Event-level validation still happens later, in
 * the process service.
 */
export const RawEnvelopeV2 = z.object({
  v: z.literal(2),
  ...envelopeHeader,
  /** The decompressed request body: a JSON array of events or one event object, as sent. */
  body: z.union([z.array(z.unknown()), z.record(z.string(), z.unknown())]),
});
export type RawEnvelopeV2 = z.infer<typeof RawEnvelopeV2>;

/** Any envelope a raw file or stream record may hold. */
export const RawEnvelope = z.discriminatedUnion('v', [RawEnvelopeV1, RawEnvelopeV2]);
export type RawEnvelope = z.infer<typeof RawEnvelope>;

export type RawEnvelopeHeader = Omit<RawEnvelopeV2, 'v' | 'body'>;

// TextEncoder, not Buffer: the contracts also load in the browser console.
const utf8 = new TextEncoder();
const BODY_MEMBER = utf8.encode(',"body":');
const CLOSE = 0x7d; // }

/**
 * The one serialisation of a v2 envelope: the header as JSON, then the body's JSON bytes spliced
 * in unchanged. The caller guarantees `bodyJson` is valid UTF-8 JSON text of an array or object
 * (ingest validates it); a reader parses the line with a single JSON.parse.
 */
export function encodeRawEnvelopeV2(header: RawEnvelopeHeader, bodyJson: Uint8Array): Uint8Array {
  const head = utf8.encode(JSON.stringify({ v: 2, ...header }));
  // The header's closing brace is replaced by `,"body":<body>}`.
  const out = new Uint8Array(head.length - 1 + BODY_MEMBER.length + bodyJson.length + 1);
  out.set(head.subarray(0, head.length - 1), 0);
  out.set(BODY_MEMBER, head.length - 1);
  out.set(bodyJson, head.length - 1 + BODY_MEMBER.length);
  out[out.length - 1] = CLOSE;
  return out;
}

/** Bytes `encodeRawEnvelopeV2(header, body)` adds to the body. */
export function rawEnvelopeV2Overhead(header: RawEnvelopeHeader): number {
  return utf8.encode(JSON.stringify({ v: 2, ...header })).length - 1 + BODY_MEMBER.length + 1;
}

const RawEnvelopeHeaderSchema = z.object({ v: z.union([z.literal(1), z.literal(2)]), ...envelopeHeader });
export type RawEnvelopeHeaderWithVersion = z.infer<typeof RawEnvelopeHeaderSchema>;

/**
 * The header of a serialised envelope (v1 or v2) read without parsing its body — why: routing a
 * record (raw file partition, shard) needs the app and ingest time only, and parsing a ~10 KB body
 * for them cost as much as ingesting it. Writers put the body last, so the header is the text
 * before the first `,"body":` that closes as an object (a query parameter named `body` comes
 * earlier but leaves the query object open). Anything else falls back to a full parse.
 * Undefined when the line is not an envelope.
 */
export function parseRawEnvelopeHeader(line: string): RawEnvelopeHeaderWithVersion | undefined {
  for (let at = line.indexOf(',"body":'), tries = 0; at >= 0 && tries < 4; at = line.indexOf(',"body":', at + 1), tries++) {
    const header = RawEnvelopeHeaderSchema.safeParse(parseJson(`${line.slice(0, at)}}`));
    if (header.success) return header.data;
  }
  const whole = RawEnvelope.safeParse(parseJson(line));
  if (!whole.success) return undefined;
  const { body: _body, ...header } = whole.data;
  return header;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

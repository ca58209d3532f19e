import { encodeRawEnvelopeV2, rawEnvelopeV2Overhead, type RawEnvelopeHeader } from '@clickstream/contracts';
import { payloadTooLarge } from '@clickstream/lambda-kit';

/** One stream record: a serialised RawEnvelopeV2 and the key that picks its shard. */
export interface EnvelopeRecord {
  partitionKey: string;
  data: Uint8Array;
}

/** app + device keeps one device's uploads in order on one shard while spreading apps out; the body is not parsed for it. */
const partitionKeyOf = (h: RawEnvelopeHeader) => `${h.appId}:${h.clientIp ?? ''}|${h.userAgent ?? ''}`.slice(0, 256);

/**
 * The stream records for one accepted upload: normally one envelope holding the body as sent.
 * A body too large for a stream record (Kinesis: 1 MiB, Firehose: 1000 KiB) is split into several
 * envelopes carrying a slice of the batch each; the parts keep the request id with a `#n` suffix
 * so processing can still tell the parts of one upload apart.
 *
 * `body` must be the UTF-8 text of a JSON array or object (checked by assertJsonBatch).
 */
export function envelopeRecords(header: RawEnvelopeHeader, body: Uint8Array, maxRecordBytes: number): EnvelopeRecord[] {
  const partitionKey = partitionKeyOf(header);
  const whole = encodeRawEnvelopeV2(header, body);
  if (whole.length <= maxRecordBytes) return [{ partitionKey, data: whole }];
  const parsed: unknown = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.length).toString('utf8'));
  const events: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
  // `[` and `]` around each part; `#999999` leaves room for any part number.
  const budget = maxRecordBytes - rawEnvelopeV2Overhead({ ...header, requestId: `${header.requestId}#999999` }) - 2;
  const slices: Buffer[][] = [];
  let current: Buffer[] = [];
  let used = 0;
  for (const event of events) {
    const json = Buffer.from(JSON.stringify(event), 'utf8');
    // One comma before every event but the first.
    if (json.length > budget) throw payloadTooLarge('A single event is larger than the stream record limit.');
    if (current.length > 0 && used + 1 + json.length > budget) {
      slices.push(current);
      current = [];
      used = 0;
    }
    used += (current.length > 0 ? 1 : 0) + json.length;
    current.push(json);
  }
  if (current.length > 0) slices.push(current);
  return slices.map((slice, n) => ({
    partitionKey,
    data: encodeRawEnvelopeV2({ ...header, requestId: `${header.requestId}#${n}` }, jsonArray(slice)),
  }));
}

const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

function jsonArray(items: readonly Buffer[]): Buffer {
  return Buffer.concat([OPEN, ...items.flatMap((item, i) => (i === 0 ? [item] : [COMMA, item])), CLOSE]);
}

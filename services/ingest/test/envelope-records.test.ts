import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawEnvelopeV2, type RawEnvelopeHeader } from '@clickstream/contracts';
import { AppError } from '@clickstream/lambda-kit';
import { envelopeRecords, type EnvelopeRecord } from '../src/domain/envelope-records.js';

const LIMIT = 1000 * 1024;

const header: RawEnvelopeHeader = {
  requestId: 'req-1',
  ingestTime: 1_790_000_000_000,
  appId: 'shop_web',
  platform: 'Web',
  clientIp: '198.51.100.9',
  userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
  query: { appId: 'shop_web', platform: 'Web', event_bundle_sequence_id: '7', upload_timestamp: '1790000000000' },
};

const text = (r: EnvelopeRecord) => Buffer.from(r.data).toString('utf8');
const read = (r: EnvelopeRecord) => RawEnvelopeV2.parse(JSON.parse(text(r)));
const eventsOf = (records: EnvelopeRecord[]) => records.flatMap((r) => read(r).body as unknown[]);
const records = (body: string, limit = LIMIT) => envelopeRecords(header, Buffer.from(body), limit);

function events(count: number, textPerEvent: string): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    event_type: 'bulk',
    event_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    timestamp: 1_790_000_000_000 + i,
    attributes: { text: textPerEvent, n: i },
  }));
}

describe('envelopeRecords', () => {
  it('embeds a body that fits as it was sent: whitespace, key order and escapes untouched, no re-escaping', () => {
    const body = `[ {"event_type": "_page_view", "t": "a \\"quoted\\" \\u00e9 é"} ,\n {"event_type": "_scroll"} ]`;
    const [only, ...rest] = records(body);
    assert.equal(rest.length, 0);
    assert.ok(text(only!).endsWith(`,"body":${body}}`), text(only!));
    assert.deepEqual(read(only!), { v: 2, ...header, body: JSON.parse(body) });
    assert.equal(only!.partitionKey, 'shop_web:198.51.100.9|Mozilla/5.0 (X11; Linux x86_64)');
  });

  it('keeps a single-object body as one record', () => {
    const [only, ...rest] = records('{"event_type":"solo"}');
    assert.equal(rest.length, 0);
    assert.deepEqual(read(only!).body, { event_type: 'solo' });
  });

  it('splits a body past the record limit into parts within the limit, every event once and in order', () => {
    const batch = events(1000, 'x'.repeat(1200));
    const body = JSON.stringify(batch);
    assert.ok(body.length > LIMIT);
    const parts = records(body);
    assert.ok(parts.length >= 2, `${parts.length} parts`);
    for (const part of parts) assert.ok(part.data.length <= LIMIT, `part of ${part.data.length} bytes`);
    assert.deepEqual(eventsOf(parts), batch);
  });

  it('suffixes the request id with #n and keeps every other header field', () => {
    const parts = records(JSON.stringify(events(600, 'y'.repeat(2000))));
    assert.deepEqual(
      parts.map((p) => read(p).requestId),
      parts.map((_, n) => `req-1#${n}`),
    );
    for (const part of parts) {
      const { requestId: _r, body: _b, v, ...rest } = read(part);
      const { requestId: _r0, ...original } = header;
      assert.equal(v, 2);
      assert.deepEqual(rest, original);
      assert.equal(part.partitionKey, records('[]')[0]!.partitionKey, 'all parts go to the same shard');
    }
  });

  it("packs parts greedily: a part plus the next part's first event would not fit", () => {
    const parts = records(JSON.stringify(events(900, 'z'.repeat(1500))));
    for (let n = 0; n + 1 < parts.length; n++) {
      const grown = [...(read(parts[n]!).body as unknown[]), (read(parts[n + 1]!).body as unknown[])[0]];
      const size = envelopeRecords({ ...header, requestId: `req-1#${n}` }, Buffer.from(JSON.stringify(grown)), Infinity)[0]!.data.length;
      // The budget is conservative by a few bytes (room for a #999999 suffix).
      assert.ok(size > LIMIT - 16, `part ${n} + 1 event = ${size} bytes`);
    }
  });

  it('measures multi-byte characters in bytes, not UTF-16 units', () => {
    const batch = Array.from({ length: 300 }, (_, i) => ({ event_type: 'emoji', n: i, text: '€🍮'.repeat(500) }));
    const body = JSON.stringify(batch);
    assert.ok(body.length < LIMIT && Buffer.byteLength(body) > LIMIT, 'only its byte size is over the limit');
    const parts = records(body);
    assert.ok(parts.length >= 2);
    for (const part of parts) assert.ok(part.data.length <= LIMIT);
    assert.deepEqual(eventsOf(parts), batch);
  });

  it('splits for a small limit into many parts without losing or duplicating events', () => {
    const batch = Array.from({ length: 50 }, (_, i) => ({ event_type: 'e', n: i, pad: 'x'.repeat(100) }));
    const small = records('[]', Infinity)[0]!.data.length + 600;
    const parts = records(JSON.stringify(batch), small);
    assert.ok(parts.length > 10);
    for (const part of parts) assert.ok(part.data.length <= small);
    assert.deepEqual(eventsOf(parts), batch);
  });

  it('answers 413 when a single event is larger than the record limit on its own', () => {
    const tooLarge = (error: unknown) => error instanceof AppError && error.status === 413 && error.code === 'PAYLOAD_TOO_LARGE';
    assert.throws(() => records(JSON.stringify([{ event_type: 'ok' }, { event_type: 'huge', text: 'h'.repeat(1100 * 1024) }])), tooLarge);
    assert.throws(() => records(JSON.stringify({ event_type: 'huge', text: 'h'.repeat(1100 * 1024) })), tooLarge);
  });
});

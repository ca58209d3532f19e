import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RawEnvelopeV1 } from '@clickstream/contracts';
import { AppError } from '@clickstream/lambda-kit';
import { envelopeBytes, splitEnvelope } from '../src/domain/split-envelope.js';

const LIMIT = 1000 * 1024;

function envelope(body: string): RawEnvelopeV1 {
  return {
    v: 1,
    requestId: 'req-1',
    ingestTime: 1_790_000_000_000,
    appId: 'shop_web',
    platform: 'Web',
    clientIp: '198.51.100.9',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64)',
    query: { appId: 'shop_web', platform: 'Web', event_bundle_sequence_id: '7', upload_timestamp: '1790000000000' },
    body,
  };
}

/** Events whose attribute is full of `"`: each one costs 1 byte raw, 2 in the body and 4 in the envelope. */
function quoteHeavyEvents(count: number, quotesPerEvent: number): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    event_type: 'quote_storm',
    event_id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    timestamp: 1_790_000_000_000 + i,
    app_id: 'shop_web',
    attributes: { text: '"'.repeat(quotesPerEvent), n: i },
  }));
}

const eventsOf = (parts: RawEnvelopeV1[]) => parts.flatMap((p) => JSON.parse(p.body) as unknown[]);

describe('splitEnvelope', () => {
  it('keeps an envelope that fits the record limit as it is, body verbatim and request id unchanged', () => {
    const body = `[ {"event_type": "_page_view"} ,\n {"event_type": "_scroll"} ]`;
    const e = envelope(body);
    const parts = splitEnvelope(e, LIMIT);
    assert.equal(parts.length, 1);
    assert.deepEqual(parts[0], e);
    assert.equal(parts[0]?.body, body);
  });

  it('splits an envelope whose JSON escaping pushes it past the limit, each part within the limit', () => {
    const events = quoteHeavyEvents(1000, 420);
    const body = JSON.stringify(events);
    assert.ok(body.length < LIMIT, 'the body itself is under the limit');
    const e = envelope(body);
    assert.ok(envelopeBytes(e) > LIMIT, 'but the escaped envelope is over it');

    const parts = splitEnvelope(e, LIMIT);
    assert.ok(parts.length >= 2, `${parts.length} parts`);
    for (const part of parts) {
      assert.ok(envelopeBytes(part) <= LIMIT, `part ${part.requestId} is ${envelopeBytes(part)} bytes`);
      assert.ok(RawEnvelopeV1.safeParse(part).success, 'each part is a valid RawEnvelopeV1');
    }
    assert.deepEqual(eventsOf(parts), events, 'the parts carry every event once, in order');
  });

  it('suffixes the request id with #n and keeps every other field of the original', () => {
    const e = envelope(JSON.stringify(quoteHeavyEvents(600, 600)));
    const parts = splitEnvelope(e, LIMIT);
    assert.deepEqual(
      parts.map((p) => p.requestId),
      parts.map((_, n) => `req-1#${n}`),
    );
    for (const part of parts) {
      const { requestId: _r, body: _b, ...rest } = part;
      const { requestId: _r0, body: _b0, ...original } = e;
      assert.deepEqual(rest, original);
    }
  });

  it('packs parts greedily: a part plus the next part\'s first event would not fit', () => {
    const e = envelope(JSON.stringify(quoteHeavyEvents(900, 500)));
    const parts = splitEnvelope(e, LIMIT);
    for (let n = 0; n + 1 < parts.length; n++) {
      const grown = [...(JSON.parse(parts[n]!.body) as unknown[]), (JSON.parse(parts[n + 1]!.body) as unknown[])[0]];
      // The size estimate is conservative by a few bytes (the #n suffix budget, one comma).
      assert.ok(envelopeBytes({ ...parts[n]!, body: JSON.stringify(grown) }) > LIMIT - 16);
    }
  });

  it('measures multi-byte characters in bytes, not UTF-16 units', () => {
    const events = Array.from({ length: 300 }, (_, i) => ({ event_type: 'emoji', n: i, text: '€🍮"'.repeat(400) }));
    const e = envelope(JSON.stringify(events));
    assert.ok(JSON.stringify(e).length < LIMIT && envelopeBytes(e) > LIMIT, 'only its byte size is over the limit');
    const parts = splitEnvelope(e, LIMIT);
    assert.ok(parts.length >= 2);
    for (const part of parts) assert.ok(envelopeBytes(part) <= LIMIT);
    assert.deepEqual(eventsOf(parts), events);
  });

  it('splits a small limit into many parts without losing or duplicating events', () => {
    const events = Array.from({ length: 50 }, (_, i) => ({ event_type: 'e', n: i, pad: 'x'.repeat(100) }));
    const e = envelope(JSON.stringify(events));
    const small = envelopeBytes({ ...e, body: '[]' }) + 600;
    const parts = splitEnvelope(e, small);
    assert.ok(parts.length > 10);
    for (const part of parts) assert.ok(envelopeBytes(part) <= small);
    assert.deepEqual(eventsOf(parts), events);
  });

  it('answers 413 when a single event is larger than the record limit on its own', () => {
    const events = [{ event_type: 'ok' }, { event_type: 'huge', text: '"'.repeat(600 * 1024) }];
    const e = envelope(JSON.stringify(events));
    assert.throws(
      () => splitEnvelope(e, LIMIT),
      (error: unknown) => error instanceof AppError && error.status === 413 && error.code === 'PAYLOAD_TOO_LARGE',
    );
  });

  it('answers 413 for a single-object body that is too large once escaped', () => {
    const e = envelope(JSON.stringify({ event_type: 'huge', text: '"'.repeat(600 * 1024) }));
    assert.throws(() => splitEnvelope(e, LIMIT), (error: unknown) => error instanceof AppError && error.status === 413);
  });

  it('turns a single-object body that fits into one part unchanged', () => {
    const e = envelope(JSON.stringify({ event_type: 'solo' }));
    assert.deepEqual(splitEnvelope(e, LIMIT), [e]);
  });
});

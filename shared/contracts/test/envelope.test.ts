import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeRawEnvelopeV2, parseRawEnvelopeHeader, rawEnvelopeV2Overhead, RawEnvelope, type RawEnvelopeHeader } from '../src/index.js';

const header: RawEnvelopeHeader = {
  requestId: 'req-1',
  ingestTime: Date.UTC(2026, 10, 29, 12),
  appId: 'shop_web',
  platform: 'Web',
  clientIp: '198.51.100.9',
  userAgent: 'Mozilla/5.0 "quoted" \u00e9',
  query: { appId: 'shop_web', hashCode: 'abcd1234' },
};
const utf8 = new TextEncoder();
const text = (b: Uint8Array) => new TextDecoder().decode(b);

describe('RawEnvelope v2 serialisation', () => {
  it('splices the body bytes unchanged as the last member; one JSON.parse reads the whole envelope', () => {
    const body = '[ {"event_type":"_page_view","t":"caf\\u00e9 é"} ]';
    const line = text(encodeRawEnvelopeV2(header, utf8.encode(body)));
    assert.ok(line.endsWith(`,"body":${body}}`));
    assert.deepEqual(RawEnvelope.parse(JSON.parse(line)), { v: 2, ...header, body: JSON.parse(body) });
  });

  it('knows its overhead in bytes', () => {
    const body = utf8.encode('{"a":"€"}');
    assert.equal(encodeRawEnvelopeV2(header, body).length, rawEnvelopeV2Overhead(header) + body.length);
  });

  it('refuses a v2 body that is not an array or object, and still reads v1', () => {
    assert.equal(RawEnvelope.safeParse({ v: 2, ...header, body: 'x' }).success, false);
    assert.equal(RawEnvelope.safeParse({ v: 1, ...header, body: '[]' }).success, true);
  });
});

describe('parseRawEnvelopeHeader', () => {
  it('reads a v2 header without the body', () => {
    const line = text(encodeRawEnvelopeV2(header, utf8.encode('[{"x":1}]')));
    assert.deepEqual(parseRawEnvelopeHeader(line), { v: 2, ...header });
  });

  it('is not fooled by `,"body":` in a query parameter or inside the body', () => {
    const tricky = { ...header, query: { body: 'x', other: ',"body":{}}' } };
    const line = text(encodeRawEnvelopeV2(tricky, utf8.encode('[{"body":{"appId":"evil"}},{"s":",\\"body\\":1"}]')));
    assert.deepEqual(parseRawEnvelopeHeader(line), { v: 2, ...tricky });
  });

  it('reads v1 lines and envelopes whose body is not last', () => {
    assert.deepEqual(parseRawEnvelopeHeader(JSON.stringify({ v: 1, ...header, body: '[]' })), { v: 1, ...header });
    assert.deepEqual(parseRawEnvelopeHeader(JSON.stringify({ body: [{}], v: 2, ...header })), { v: 2, ...header });
  });

  it('answers undefined for lines that are no envelope', () => {
    for (const line of ['', 'garbage', '{"v":3}', JSON.stringify({ ...header, v: 2 }), `{"v":2,"appId":"../x","body":[]}`]) {
      assert.equal(parseRawEnvelopeHeader(line), undefined, line);
    }
  });
});

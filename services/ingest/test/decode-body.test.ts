import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { AppError } from '@clickstream/lambda-kit';
import { assertJsonBatch as assertJsonBytes, decodeBody as decodeBytes } from '../src/domain/decode-body.js';

// The domain works on bytes; these tests read them as the text they are.
const decodeBody = (...args: Parameters<typeof decodeBytes>) => decodeBytes(...args).toString('utf8');
const assertJsonBatch = (text: string) => assertJsonBytes(Buffer.from(text, 'utf8'));
import { IngestLimits } from '../src/domain/limits.js';

const MB = IngestLimits.maxBodyBytes;
const hashOf = (body: string | Buffer) => createHash('sha256').update(body).digest('hex').slice(0, 8);

/** Asserts `fn` throws the AppError a client would see as `status` / `code`. */
function assertRejects(fn: () => unknown, status: number, code: string): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    assert.equal(error.status, status);
    assert.equal(error.code, code);
    return true;
  });
}

const batch = JSON.stringify([
  { event_type: '_page_view', event_id: '9a1b7c5e-0d3f-4f51-9f0e-3a6c2b1d4e5f', timestamp: 1_790_000_000_000, app_id: 'shop_web' },
]);

describe('decodeBody: plain bodies', () => {
  it('returns a plain body verbatim as text', () => {
    const pretty = `[\n  {"event_type": "_page_view", "title": "Café ☕"}\n]`;
    assert.equal(decodeBody(Buffer.from(pretty), { gzip: false, maxBytes: MB }), pretty);
  });

  it('accepts a plain body of exactly 1 MB', () => {
    const body = Buffer.alloc(MB, 0x20);
    assert.equal(decodeBody(body, { gzip: false, maxBytes: MB }).length, MB);
  });

  it('answers 413 for a plain body one byte over 1 MB', () => {
    assertRejects(() => decodeBody(Buffer.alloc(MB + 1, 0x20), { gzip: false, maxBytes: MB }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 400 EMPTY_BODY for an empty body', () => {
    assertRejects(() => decodeBody(Buffer.alloc(0), { gzip: false, maxBytes: MB }), 400, 'EMPTY_BODY');
  });
});

describe('decodeBody: bodies API Gateway delivered as text', () => {
  const pretty = `[\n  {"event_type": "_page_view", "title": "Café ☕"}\n]`;

  it('gives the same text, limits and hash checks as for the bytes', () => {
    for (const hashCode of [undefined, hashOf(pretty)]) {
      assert.equal(decodeBody(pretty, { gzip: false, maxBytes: MB, hashCode }), decodeBody(Buffer.from(pretty), { gzip: false, maxBytes: MB, hashCode }));
    }
    assertRejects(() => decodeBody(pretty, { gzip: false, maxBytes: MB, hashCode: 'deadbeef' }), 400, 'HASH_MISMATCH');
    assertRejects(() => decodeBody('', { gzip: false, maxBytes: MB }), 400, 'EMPTY_BODY');
  });

  it('measures the limit in UTF-8 bytes, not characters', () => {
    const count = Math.floor(MB / 3);
    const euros = '€'.repeat(count) + ' '.repeat(MB - 3 * count); // € is 3 bytes: exactly 1 MB, a third as many characters
    assert.equal(decodeBody(euros, { gzip: false, maxBytes: MB }), euros);
    assertRejects(() => decodeBody(`${euros} `, { gzip: false, maxBytes: MB }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('drops a leading byte-order mark, as decoding the bytes does', () => {
    assert.equal(decodeBody(`\ufeff${batch}`, { gzip: false, maxBytes: MB }), batch);
    assert.equal(decodeBody(Buffer.from(`\ufeff${batch}`), { gzip: false, maxBytes: MB }), batch);
  });

  it('inflates base64 gzip text (the mobile SDKs) given as a string', () => {
    const sent = gzipSync(batch).toString('base64');
    assert.equal(decodeBody(sent, { gzip: true, maxBytes: MB, hashCode: hashOf(sent) }), batch);
  });
});

describe('decodeBody: gzip bodies (compression=gzip)', () => {
  it('inflates a gzip body to the original JSON text', () => {
    assert.equal(decodeBody(gzipSync(batch), { gzip: true, maxBytes: MB }), batch);
  });

  it('accepts a gzip body that inflates to exactly 1 MB', () => {
    const inflated = Buffer.alloc(MB, 0x61);
    assert.equal(decodeBody(gzipSync(inflated), { gzip: true, maxBytes: MB }).length, MB);
  });

  it('answers 413 when a gzip body inflates one byte past 1 MB', () => {
    assertRejects(() => decodeBody(gzipSync(Buffer.alloc(MB + 1, 0x61)), { gzip: true, maxBytes: MB }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 413 and stops inflating when a gzip bomb (50 MB of zeros, ~50 KB on the wire) expands past 1 MB', () => {
    const bomb = gzipSync(Buffer.alloc(50 * MB));
    assert.ok(bomb.length < 100 * 1024, 'the bomb is small on the wire');
    const before = process.memoryUsage().arrayBuffers;
    const started = performance.now();
    assertRejects(() => decodeBody(bomb, { gzip: true, maxBytes: MB }), 413, 'PAYLOAD_TOO_LARGE');
    const grown = process.memoryUsage().arrayBuffers - before;
    // Inflating it all would allocate 50 MB; the cap keeps it to about the 1 MB limit.
    assert.ok(grown < 16 * MB, `inflation allocated ${Math.round(grown / MB)} MB`);
    assert.ok(performance.now() - started < 2000, 'gave up early instead of inflating everything');
  });

  it('answers 400 BAD_GZIP for a body that is not gzip', () => {
    assertRejects(() => decodeBody(Buffer.from(batch), { gzip: true, maxBytes: MB }), 400, 'BAD_GZIP');
    assertRejects(() => decodeBody(randomBytes(512), { gzip: true, maxBytes: MB }), 400, 'BAD_GZIP');
  });

  it('answers 400 BAD_GZIP for a truncated gzip body', () => {
    const gz = gzipSync(batch);
    assertRejects(() => decodeBody(gz.subarray(0, gz.length - 4), { gzip: true, maxBytes: MB }), 400, 'BAD_GZIP');
  });
});

describe('decodeBody: hashCode (first 8 hex chars of SHA-256 of the uncompressed body)', () => {
  it('accepts a body whose hashCode is right', () => {
    assert.equal(decodeBody(Buffer.from(batch), { gzip: false, hashCode: hashOf(batch), maxBytes: MB }), batch);
  });

  it('accepts the hashCode in upper case too', () => {
    const hashCode = hashOf(batch).toUpperCase();
    assert.equal(decodeBody(Buffer.from(batch), { gzip: false, hashCode, maxBytes: MB }), batch);
  });

  it('hashes the UTF-8 bytes of non-ASCII bodies, as the SDKs do', () => {
    const body = JSON.stringify([{ event_type: 'search', attributes: { _search_term: 'crème brûlée 🍮' } }]);
    assert.equal(decodeBody(Buffer.from(body), { gzip: false, hashCode: hashOf(Buffer.from(body, 'utf8')), maxBytes: MB }), body);
  });

  it('checks a gzip body against the hash of the UNCOMPRESSED text, not of the gzip bytes', () => {
    const gz = gzipSync(batch);
    assert.equal(decodeBody(gz, { gzip: true, hashCode: hashOf(batch), maxBytes: MB }), batch);
    assertRejects(() => decodeBody(gz, { gzip: true, hashCode: hashOf(gz), maxBytes: MB }), 400, 'HASH_MISMATCH');
  });

  it('answers 400 HASH_MISMATCH when the hashCode is wrong (a corrupt upload)', () => {
    const corrupted = batch.replace('_page_view', '_page_vieW');
    assertRejects(() => decodeBody(Buffer.from(corrupted), { gzip: false, hashCode: hashOf(batch), maxBytes: MB }), 400, 'HASH_MISMATCH');
    assertRejects(() => decodeBody(Buffer.from(batch), { gzip: false, hashCode: 'deadbeef', maxBytes: MB }), 400, 'HASH_MISMATCH');
  });

  it('does no check when hashCode is absent (or empty)', () => {
    assert.equal(decodeBody(Buffer.from(batch), { gzip: false, maxBytes: MB }), batch);
    assert.equal(decodeBody(Buffer.from(batch), { gzip: false, hashCode: '', maxBytes: MB }), batch);
  });
});

describe('decodeBody: bytes', () => {
  it('returns the bytes it was given when they are valid UTF-8 (no copy through a string)', () => {
    const sent = Buffer.from(batch);
    assert.equal(decodeBytes(sent, { gzip: false, maxBytes: MB }), sent);
  });

  it('replaces invalid UTF-8 as API Gateway text decoding does, and hashes what it keeps', () => {
    const sent = Buffer.concat([Buffer.from('[{"t":"a'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('b"}]')]);
    const kept = decodeBody(sent, { gzip: false, maxBytes: MB });
    assert.equal(kept, '[{"t":"a\ufffd(\ufffdb"}]');
    assert.equal(decodeBody(sent, { gzip: false, hashCode: hashOf(kept), maxBytes: MB }), kept);
  });
});

describe('assertJsonBatch', () => {
  it('accepts a JSON array of events', () => {
    assert.doesNotThrow(() => assertJsonBatch(batch));
    assert.doesNotThrow(() => assertJsonBatch('[]'));
  });

  it('accepts a single event object', () => {
    assert.doesNotThrow(() => assertJsonBatch('{"event_type":"_page_view"}'));
  });

  it('leaves event-level validation to processing: an array of garbage elements passes', () => {
    assert.doesNotThrow(() => assertJsonBatch('[1, "x", null, {"event_type": 7}]'));
  });

  for (const scalar of ['"str"', '42', 'null', 'true']) {
    it(`answers 400 NOT_A_BATCH for the JSON scalar ${scalar}`, () => {
      assertRejects(() => assertJsonBatch(scalar), 400, 'NOT_A_BATCH');
    });
  }

  for (const invalid of ['[{"event_type":', 'not json', '', "{'single': 'quotes'}"]) {
    it(`answers 400 INVALID_JSON for ${JSON.stringify(invalid)}`, () => {
      assertRejects(() => assertJsonBatch(invalid), 400, 'INVALID_JSON');
    });
  }
});

describe('decodeBody: base64 gzip (what the Android and Swift SDKs send with compression=gzip)', () => {
  const json = JSON.stringify([{ event_type: 'tap', app_id: 'a' }]);
  const sent = Buffer.from(gzipSync(json).toString('base64'), 'latin1');
  const hash = (data: string | Buffer) => createHash('sha256').update(data).digest('hex').slice(0, 8);
  const max = IngestLimits.maxBodyBytes;

  it('decodes the base64 text and inflates it', () => {
    assert.ok(sent.toString('latin1').startsWith('H4sI'));
    assert.equal(decodeBody(sent, { gzip: true, maxBytes: max }), json);
  });

  it('accepts the hash of the text sent (Android) and of the JSON, and rejects any other', () => {
    assert.equal(decodeBody(sent, { gzip: true, hashCode: hash(sent), maxBytes: max }), json);
    assert.equal(decodeBody(sent, { gzip: true, hashCode: hash(json), maxBytes: max }), json);
    assert.throws(() => decodeBody(sent, { gzip: true, hashCode: 'deadbeef', maxBytes: max }), (e: unknown) => e instanceof AppError && e.code === 'HASH_MISMATCH');
  });

  it('still caps inflation for a base64 zip bomb', () => {
    const bomb = Buffer.from(gzipSync(Buffer.alloc(20 * 1024 * 1024)).toString('base64'), 'latin1');
    assert.throws(() => decodeBody(bomb, { gzip: true, maxBytes: max }), (e: unknown) => e instanceof AppError && e.status === 413);
  });

  it('answers BAD_GZIP for base64 that is not gzip inside', () => {
    const fake = Buffer.from('H4sI' + Buffer.from('definitely not gzip').toString('base64'), 'latin1');
    assert.throws(() => decodeBody(fake, { gzip: true, maxBytes: max }), (e: unknown) => e instanceof AppError && e.code === 'BAD_GZIP');
  });
});

// Raw envelopes of both versions: v2 (what ingest writes now: the body embedded as JSON) is read
// with one JSON.parse per line; v1 (raw files written before v2: the body as a JSON string) stays
// valid and gives the same rows.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rawRecords } from '@clickstream/traffic-generator';
import { ProcessingCore } from '../src/domain/core/processing-core.js';
import { processEnvelopes } from '../src/domain/process-envelopes.js';
import type { TableRows } from '../src/domain/rows.js';
import { INGEST, MIN, settings, upload, uploadV1, webEvent } from './fixtures.js';

const FROM = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;

/** The v1 line of a v2 line: the same upload as stored before v2. */
function asV1(line: string): string {
  const e = JSON.parse(line) as { v: number; body: unknown };
  return JSON.stringify({ ...e, v: 1, body: JSON.stringify(e.body) });
}

/** JSON.parse calls made while `fn` runs. */
function parsesDuring(fn: () => void): number {
  const parse = JSON.parse;
  let calls = 0;
  JSON.parse = function counted(this: unknown, ...args: Parameters<typeof parse>) {
    calls++;
    return parse.apply(this, args);
  } as typeof parse;
  try {
    fn();
  } finally {
    JSON.parse = parse;
  }
  return calls;
}

describe('envelope versions', () => {
  const batch = [webEvent(1), webEvent(2, { event_type: 'add_to_cart', items: [{ id: 'sku-1', price: 5, quantity: 1 }] }), { event_type: 'broken' }, 7];

  it('reads a v2 line with a single JSON.parse; a v1 line takes two (envelope, then body)', () => {
    const core = () => new ProcessingCore(settings, { row: () => undefined, openSession: () => undefined });
    const v2 = core();
    assert.equal(parsesDuring(() => v2.push(upload(batch))), 1);
    assert.equal(v2.stats.events, 2);
    const v1 = core();
    assert.equal(parsesDuring(() => v1.push(uploadV1(batch))), 2);
    assert.equal(v1.stats.events, 2);
  });

  it('gives the same rows for the same upload in v1 and v2', () => {
    const v2 = processEnvelopes([upload(batch)], settings);
    const v1 = processEnvelopes([uploadV1(batch)], settings);
    assert.deepEqual(v2, v1);
    assert.equal(v2.events.length, 2);
    assert.deepEqual(v2.bad_rows.map((b) => b.reason_code), ['INVALID_EVENT', 'NOT_AN_EVENT']);
  });

  it('takes a v2 body that is one event object', () => {
    const line = upload([webEvent(1)]).replace(/,"body":\[(.*)\]\}$/, ',"body":$1}');
    assert.equal(typeof (JSON.parse(line) as { body: unknown }).body, 'object');
    assert.equal(Array.isArray((JSON.parse(line) as { body: unknown }).body), false);
    const out = processEnvelopes([line], settings);
    assert.equal(out.events.length, 1);
    assert.deepEqual(out.bad_rows, []);
  });

  it('makes a v2 record whose body is not an array or object one INVALID_ENVELOPE bad row, kept verbatim', () => {
    const good = upload([webEvent(1)]);
    for (const body of ['"text"', '42', 'null', 'true']) {
      const line = good.replace(/,"body":.*\}$/, `,"body":${body}}`);
      const out = processEnvelopes([line], settings);
      assert.deepEqual(out.events, []);
      assert.deepEqual(out.bad_rows.map((b) => b.reason_code), ['INVALID_ENVELOPE'], body);
      assert.match(out.bad_rows[0]!.reason, /v2 body must be a JSON array or object/);
      assert.equal(out.bad_rows[0]!.raw, line);
    }
  });

  it('makes a v2 line cut short (unparseable) one INVALID_ENVELOPE bad row; a v1 body that is not JSON stays INVALID_JSON', () => {
    const cut = upload([webEvent(1)]).slice(0, -5);
    const out = processEnvelopes([cut, uploadV1('[{"event_type":', { requestId: 'req-2' })], settings);
    assert.deepEqual(out.events, []);
    assert.deepEqual(out.bad_rows.map((b) => [b.reason_code, b.raw]), [
      ['INVALID_ENVELOPE', cut],
      ['INVALID_JSON', '[{"event_type":'],
    ]);
    assert.equal(out.bad_rows[1]!.request_id, 'req-2');
  });

  it('lets the schema decide unusual v2 envelopes (unknown members are ignored, a bad header is refused)', () => {
    const extra = upload([webEvent(1)]).replace('{"v":2,', '{"v":2,"note":"x",');
    const badApp = upload([webEvent(1, { app_id: 'shop;web' })], { appId: 'shop;web' });
    const out = processEnvelopes([extra, badApp], settings);
    assert.equal(out.events.length, 1);
    assert.deepEqual(out.bad_rows.map((b) => b.reason_code), ['INVALID_ENVELOPE']);
    assert.equal(out.bad_rows[0]!.reason, 'Stream record is not a valid ingest envelope.');
  });

  it('gives identical tables for generated traffic stored as v2 or as v1, mixed in one run too', () => {
    const records = [...rawRecords({ seed: 'versions', from: FROM, to: FROM + 12 * HOUR, events: 6000, shares: { malformed: 0.05, late: 0.01 } })];
    const v2 = processEnvelopes(records, settings);
    const v1 = processEnvelopes(records.map(asV1), settings);
    const mixed = processEnvelopes(records.map((r, i) => (i % 3 === 0 ? asV1(r) : r)), settings);
    const sizes = (t: TableRows) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, (v as unknown[]).length]));
    assert.ok(v2.events.length > 3000 && v2.bad_rows.length > 50, JSON.stringify(sizes(v2)));
    assert.deepEqual(v1, v2);
    assert.deepEqual(mixed, v2);
  });

  it('keeps time and partition fields the same in both versions', () => {
    const [row2] = processEnvelopes([upload([webEvent(1)])], settings).events;
    const [row1] = processEnvelopes([uploadV1([webEvent(1)])], settings).events;
    assert.deepEqual(row2, row1);
    assert.equal(row2!.event_timestamp, new Date(INGEST - MIN).toISOString().replace('T', ' ').replace('Z', ''));
  });
});

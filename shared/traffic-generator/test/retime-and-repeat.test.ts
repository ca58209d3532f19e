// The rewrites the chaos harness applies to generated uploads: moving them to the moment they are
// really sent (with run-unique event ids), and repeating an event inside a batch.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import {
  expectedOutcome,
  generateTraffic,
  hashCodeOf,
  Random,
  retimeUpload,
  toSdkRequest,
  withRepeatedEvent,
  type GeneratedUpload,
} from '../src/index.js';

const FROM = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;
const uploads = [
  ...generateTraffic({
    seed: 'retime',
    from: FROM,
    to: FROM + 24 * HOUR,
    events: 8_000,
    shares: { malformed: 0.05, late: 0.02, future: 0.02, duplicate: 0.03, clockSkew: 0.1, invalidRequest: 0.02 },
  }),
];
type Json = Record<string, unknown>;
const elements = (u: GeneratedUpload) => JSON.parse(u.body) as unknown[];
const objects = (u: GeneratedUpload) => elements(u).filter((e): e is Json => e !== null && typeof e === 'object');
const rename = (id: string) => `0badf00d${id.slice(8)}`;

describe('retimeUpload', () => {
  const shift = 400 * 24 * HOUR + 12_345;

  it('moves every device clock reading and upload_timestamp by the same amount and renames UUID event ids', () => {
    for (const u of uploads.filter((x) => !x.meta.malformed.includes('invalid-json-body')).slice(0, 500)) {
      const r = retimeUpload(u, { sentAt: u.receivedAt + shift, eventId: rename });
      assert.equal(r.receivedAt, u.receivedAt + shift);
      if (u.query.upload_timestamp !== undefined) assert.equal(Number(r.query.upload_timestamp), Number(u.query.upload_timestamp) + shift);
      const before = elements(u);
      const after = elements(r);
      assert.equal(after.length, before.length);
      before.forEach((b, i) => {
        const a = after[i];
        if (b === null || typeof b !== 'object') return assert.deepEqual(a, b);
        const [x, y] = [b as Json, a as Json];
        if (typeof x.timestamp === 'number') assert.equal(y.timestamp, x.timestamp + shift);
        else assert.deepEqual(y.timestamp, x.timestamp);
        const id = x.event_id;
        assert.equal(y.event_id, typeof id === 'string' && /^[0-9a-f]{8}-/.test(id) && id.length === 36 ? rename(id) : id);
        const [xa, ya] = [x.attributes as Json, y.attributes as Json];
        assert.equal(ya._session_start_timestamp, (xa._session_start_timestamp as number) + shift);
        const [xu, yu] = [x.user as Record<string, Json>, y.user as Record<string, Json>];
        assert.equal(yu._user_first_touch_timestamp!.value, (xu._user_first_touch_timestamp!.value as number) + shift);
        for (const k of Object.keys(xu)) assert.equal(yu[k]!.set_timestamp, (xu[k]!.set_timestamp as number) + shift);
        // Nothing else changes.
        const strip = (e: Json) => ({ ...e, event_id: 0, timestamp: 0, attributes: { ...(e.attributes as Json), _session_start_timestamp: 0 }, user: 0 });
        assert.deepEqual(strip(y), strip(x));
      });
    }
  });

  it('keeps hashCode valid, so ingest accepts the rewritten body, and the SDK request still decodes to it', () => {
    for (const u of uploads.slice(0, 300)) {
      const r = retimeUpload(u, { sentAt: Date.now(), eventId: rename });
      if (u.query.hashCode !== undefined) assert.equal(r.query.hashCode, hashCodeOf(r.body));
      else assert.equal(r.query.hashCode, undefined);
      const request = toSdkRequest(r);
      const sent = request.query.compression === 'gzip' ? gunzipSync(Buffer.from(request.body, 'base64')).toString('utf8') : request.body;
      assert.equal(sent, r.body);
    }
  });

  it('keeps what was late, future or skewed exactly that relative to the new send time', () => {
    for (const u of uploads) {
      const before = expectedOutcome(u);
      const r = retimeUpload(u, { sentAt: u.receivedAt + shift });
      const after = expectedOutcome(r);
      if (!before.accepted || !after.accepted) {
        assert.deepEqual(after, before);
        continue;
      }
      assert.deepEqual(
        after.elements.map((e) => (e.kind === 'event' ? { ...e, time: e.time - shift } : e)),
        before.elements,
      );
    }
  });

  it('sends an SDK retry with the bytes of the retimed upload it repeats, and its own upload_timestamp', () => {
    const byId = new Map(uploads.map((u) => [u.requestId, u]));
    const retries = uploads.filter((u) => u.meta.retryOf !== undefined);
    assert.ok(retries.length > 3);
    for (const retry of retries) {
      const original = retimeUpload(byId.get(retry.meta.retryOf!)!, { sentAt: Date.UTC(2030, 0, 1), eventId: rename });
      const sentAt = Date.UTC(2030, 0, 1, 0, 0, 7);
      const r = retimeUpload(retry, { sentAt, eventId: rename, original });
      assert.equal(r.body, original.body);
      assert.equal(r.meta.events, original.meta.events);
      if (retry.query.upload_timestamp !== undefined) assert.equal(Number(r.query.upload_timestamp), sentAt + retry.meta.clockSkewMs);
      assert.throws(() => retimeUpload(retry, { sentAt, original: r }), /does not repeat/);
    }
  });

  it('sends a body that is not JSON unchanged (ingest refuses it)', () => {
    const invalid = uploads.filter((u) => u.meta.malformed.includes('invalid-json-body'));
    assert.ok(invalid.length > 0);
    for (const u of invalid) assert.equal(retimeUpload(u, { sentAt: Date.now(), eventId: rename }).body, u.body);
  });
});

describe('withRepeatedEvent', () => {
  it('appends a copy of an intact event; the outcome is one event and one duplicate', () => {
    const random = new Random('repeat');
    let repeated = 0;
    for (const u of uploads) {
      const r = withRepeatedEvent(u, random);
      // A late session has no intact event (all are late), a refused request no events at all.
      const intact = !u.meta.malformed.includes('invalid-json-body') && elements(u).some((e, i) => e !== null && typeof e === 'object' && !u.meta.malformedAt.includes(i));
      if (!intact) {
        assert.equal(r, u);
        continue;
      }
      repeated++;
      assert.equal(r.meta.events, u.meta.events + 1);
      assert.ok(r.body.startsWith(u.body.slice(0, -1)));
      const last = objects(r).at(-1)!;
      assert.equal(objects(r).filter((e) => e.event_id === last.event_id).length, 2);
      if (u.query.hashCode !== undefined) assert.equal(r.query.hashCode, hashCodeOf(r.body));
      const outcome = expectedOutcome(r);
      assert.ok(outcome.accepted);
      assert.deepEqual(outcome.elements.at(-1), { kind: 'duplicate', eventId: last.event_id });
      assert.ok(outcome.elements.some((e) => e.kind === 'event' && e.eventId === last.event_id));
    }
    assert.ok(repeated > 100);
  });
});

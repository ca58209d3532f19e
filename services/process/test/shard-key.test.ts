// Routing records to shards: the fast scan agrees with a full parse wherever it answers, a user's
// uploads and handed-over sessions meet in one shard, and shards get similar shares.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rawRecords } from '@clickstream/traffic-generator';
import { groupKeyOf } from '../src/domain/core/processing-core.js';
import { parsedGroupKeyForTest, scannedGroupKeyForTest, shardOf } from '../src/domain/core/shard-key.js';
import { sessionStateLine } from '../src/domain/run-job.js';
import { upload, uploadV1, webEvent } from './fixtures.js';

const FROM = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;
const records = [...rawRecords({ seed: 'shards', from: FROM, to: FROM + 12 * HOUR, events: 8000, corruptRecords: 0.02, shares: { malformed: 0.05 } })];

describe('shard key', () => {
  it('reads the key of generated envelopes without parsing them, exactly as the core groups them', () => {
    let scanned = 0;
    for (const r of records) {
      const fast = scannedGroupKeyForTest(r);
      const parsed = parsedGroupKeyForTest(r);
      // A damaged line only becomes a bad row: any shard will do.
      if (fast !== undefined && parsed !== undefined) {
        scanned++;
        assert.equal(fast, parsed, r.slice(0, 200));
        const e = JSON.parse(r) as { appId: string; body: unknown[] };
        assert.equal(fast, groupKeyOf(e.appId, e.body));
      }
    }
    assert.ok(scanned > records.length * 0.95, `${scanned} of ${records.length} scanned`);
  });

  it('agrees with a full parse on mutated records (or defers to it)', () => {
    const base = records.filter((r) => scannedGroupKeyForTest(r) !== undefined).slice(0, 40);
    const edits = fc.oneof(
      fc.tuple(fc.constant('insert' as const), fc.nat(), fc.constantFrom(' ', '\\', '"', ',', '{', '}', '[', ']', ':', '1', 'u')),
      fc.tuple(fc.constant('delete' as const), fc.nat(), fc.constant('')),
      fc.tuple(fc.constant('replace' as const), fc.nat(), fc.constantFrom('"unique_id":"x",', '"device_id":7,', '"unique_id":null,', '"device_id":"d",')),
    );
    fc.assert(
      fc.property(fc.constantFrom(...base), fc.array(edits, { minLength: 1, maxLength: 3 }), (record, changes) => {
        let r = record;
        for (const [kind, at, text] of changes) {
          const i = at % (r.length + 1);
          r = kind === 'delete' ? r.slice(0, i) + r.slice(i + 1) : kind === 'insert' ? r.slice(0, i) + text + r.slice(i) : r.slice(0, i) + text + r.slice(i);
        }
        let valid = true;
        try {
          JSON.parse(r);
        } catch {
          valid = false;
        }
        const fast = scannedGroupKeyForTest(r);
        // Damaged records only become bad rows: any shard will do. Valid ones must route as parsed.
        if (valid && fast !== undefined) assert.equal(fast, parsedGroupKeyForTest(r));
      }),
      { numRuns: 3000, seed: 7 },
    );
  });

  it('handles the shapes the core accepts: one-object bodies, no events, numbers and nulls as ids, escapes, v1', () => {
    const cases = [
      upload([webEvent(1, { unique_id: 'pseudo-9' })]).replace(/,"body":\[(.*)\]\}$/, ',"body":$1}'),
      upload([]),
      upload([7, webEvent(1)]),
      upload([webEvent(1, { unique_id: null, device_id: 'dev-1' })]),
      upload([webEvent(1, { unique_id: 42 })]),
      upload([webEvent(1, { unique_id: 'a"b' })]),
      upload([{ ...webEvent(1), unique_id: 'first', extra: { unique_id: 'nested' } }]),
      uploadV1([webEvent(1, { unique_id: 'pseudo-v1' })]),
      '{"v":2,"appId":"a","appId":"b","body":[{"unique_id":"u","unique_id":"w"}]}',
      '{"v":2,"body":[{"unique_id":"u"}],"appId":"a"}',
    ];
    const expected = [
      'shop_web\u0000pseudo-9',
      'shop_web\u0000',
      'shop_web\u0000',
      'shop_web\u0000dev-1',
      'shop_web\u000042',
      'shop_web\u0000a"b',
      'shop_web\u0000first',
      'shop_web\u0000pseudo-v1',
      'b\u0000w',
      'a\u0000u',
    ];
    cases.forEach((c, i) => {
      assert.equal(parsedGroupKeyForTest(c), expected[i], c);
      const fast = scannedGroupKeyForTest(c);
      if (fast !== undefined) assert.equal(fast, expected[i], c);
    });
    assert.equal(scannedGroupKeyForTest(cases[7]!), undefined, 'a v1 body string is parsed');
  });

  it('routes a hand-made record that repeats members after its body by the first ones (no writer of ours makes one)', () => {
    const repeated = '{"v":2,"appId":"a","body":[{"unique_id":"u"}],"appId":"b"}';
    assert.equal(scannedGroupKeyForTest(repeated), 'a\u0000u');
    assert.equal(parsedGroupKeyForTest(repeated), 'b\u0000u');
  });

  it('sends a handed-over session to the shard of its user’s uploads', () => {
    for (const shards of [2, 3, 4]) {
      for (const user of ['pseudo-1', 'pseudo-2', 'u-3', 'someone-else', '']) {
        const line = sessionStateLine({ app_id: 'shop_web', user_key: user, session_id: 'srv-1', start: 1, last: 2 });
        const batch = upload([webEvent(1, { unique_id: user === '' ? undefined : user })]);
        assert.equal(shardOf(line, shards), shardOf(batch, shards), `${user} over ${shards}`);
      }
    }
  });

  it('spreads users evenly enough and sends what carries no key to shard 0', () => {
    const counts = [0, 0];
    for (const r of records) counts[shardOf(r, 2)]!++;
    assert.ok(Math.min(...counts) > records.length * 0.4, counts.join(' / '));
    assert.equal(shardOf('not json', 2), 0);
    assert.equal(shardOf('{"v":2}', 4), 0);
    assert.equal(shardOf(records[0]!, 1), 0);
  });
});

// Timestamp text: the arithmetic formatter agrees with toISOString everywhere.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sqlTimestamp, utcParts } from '../src/domain/time.js';

const iso = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

describe('sqlTimestamp', () => {
  it('formats every time as toISOString does, without the T and Z', () => {
    fc.assert(fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), (ms) => assert.equal(sqlTimestamp(ms), iso(ms))), { numRuns: 20_000, seed: 3 });
    fc.assert(fc.property(fc.integer({ min: Date.UTC(1999, 0, 1), max: Date.UTC(3001, 0, 1) }), (ms) => assert.equal(sqlTimestamp(ms), iso(ms))), { numRuns: 20_000, seed: 4 });
    for (const ms of [0, -1, Date.UTC(1000, 0, 1) - 1, Date.UTC(1000, 0, 1), Date.UTC(9999, 11, 31, 23, 59, 59, 999), Date.UTC(10000, 0, 1), 1.5]) {
      assert.equal(sqlTimestamp(ms), iso(ms), String(ms));
    }
  });

  it('gives the same text for alternating times (the cache of the last two)', () => {
    const a = Date.UTC(2026, 10, 29, 9, 59, 0, 7);
    const b = Date.UTC(2026, 10, 30, 0, 0, 0, 0);
    for (const ms of [a, b, a, b, a + 1, b, a]) assert.equal(sqlTimestamp(ms), iso(ms));
    assert.deepEqual(utcParts(b), { year: 2026, month: 11, day: 30 });
  });
});

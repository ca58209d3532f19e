// The enrichers' cache: bounded, and it keeps what was used recently.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LruCache } from '../src/domain/pipeline/lru-cache.js';

describe('LruCache', () => {
  it('never holds more than its capacity, keeps what was used lately, drops what was not', () => {
    const cache = new LruCache<number, number>(100);
    cache.set(-1, -2);
    for (let i = 0; i < 10_000; i++) {
      cache.set(i, i * 2);
      assert.ok(cache.size <= 100, `${cache.size} held`);
      assert.equal(cache.get(i), i * 2);
      if (i > 0) assert.equal(cache.get(i - 1), (i - 1) * 2, 'the one before is still there');
      // A key read at least every half capacity survives all the churn.
      if (i % 40 === 0) assert.equal(cache.get(-1), -2, `hot key at ${i}`);
    }
    assert.equal(cache.get(0), undefined, 'long unused entries are gone');
    assert.equal(cache.get(9_000), undefined);
  });

  it('gives back what was set, including falsy values', () => {
    const cache = new LruCache<string, number | boolean | string>(4);
    cache.set('zero', 0);
    cache.set('no', false);
    cache.set('empty', '');
    assert.equal(cache.get('zero'), 0);
    assert.equal(cache.get('no'), false);
    assert.equal(cache.get('empty'), '');
    assert.equal(cache.get('missing'), undefined);
  });
});

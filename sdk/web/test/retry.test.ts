import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRetryable, retryDelay } from '../src/retry.js';

describe('the retry policy', () => {
  it('retries network failures, timeouts, throttling and server errors', () => {
    for (const status of [0, 408, 429, 500, 502, 503, 504]) assert.equal(isRetryable(status), true, String(status));
  });

  it('does not retry a batch the server refused (other 4xx)', () => {
    for (const status of [400, 401, 403, 404, 413, 422]) assert.equal(isRetryable(status), false, String(status));
  });

  it('backs off exponentially from about a second, with at most half of each delay random', () => {
    assert.equal(retryDelay(0, () => 1), 1_000);
    assert.equal(retryDelay(0, () => 0), 500);
    assert.equal(retryDelay(3, () => 1), 8_000);
    assert.equal(retryDelay(3, () => 0), 4_000);
  });

  it('never waits more than five minutes', () => {
    assert.equal(retryDelay(30, () => 1), 300_000);
    assert.equal(retryDelay(1_000, () => 1), 300_000);
  });

  it('spreads retries of the same attempt over a range (jitter)', () => {
    const delays = new Set(Array.from({ length: 50 }, () => retryDelay(4)));
    assert.ok(delays.size > 40);
    for (const d of delays) assert.ok(d >= 8_000 && d <= 16_000);
  });
});

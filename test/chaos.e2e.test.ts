// The chaos harness with small numbers: a few clients, two kill -9s, and the promise checked —
// every acknowledged event modeled exactly once, every deliberately bad event in bad_rows.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runChaos } from '../scripts/chaos/harness.js';

describe('chaos harness (small)', () => {
  it('loses nothing acknowledged and counts nothing twice across kill -9 restarts', async () => {
    const result = await runChaos({
      clients: 3,
      durationSec: 12,
      kills: 2,
      eventsPerBatch: 10,
      invalidShare: 0.02,
      seed: 20261129,
      settleTimeoutSec: 90,
      processIntervalSec: 1,
    });
    assert.equal(result.kills, 2);
    assert.ok(result.acked > 100, `only ${result.acked} events acknowledged`);
    assert.ok(result.badRowsExpected > 0, 'the run sent some invalid events');
    assert.deepEqual(
      { lost: result.lost, duplicated: result.duplicated, badRowsMissing: result.badRowsMissing, lostSample: result.lostSample },
      { lost: 0, duplicated: 0, badRowsMissing: 0, lostSample: [] },
    );
    assert.equal(result.badRows, result.badRowsExpected);
    if (result.redshift.checked) assert.deepEqual(result.redshift, { checked: true, lost: 0, duplicated: 0 });
  });
});

// The chaos harness with small numbers: a few clients sending the shared generator's traffic (web
// JSON and mobile gzip uploads, bots, skewed clocks, late, future and broken events, retries,
// refused requests), two kill -9s, and the promise checked on both paths — every acknowledged event
// modeled exactly once with the expected flags, every broken one a bad row with its reason.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { passed, runChaos } from '../scripts/chaos/harness.js';

describe('chaos harness (small)', () => {
  it('loses nothing acknowledged, counts nothing twice and accounts for every bad event across kill -9 restarts', async () => {
    const result = await runChaos({
      clients: 3,
      durationSec: 12,
      kills: 2,
      // More of every unusual case than the full run. The traffic is a seeded stream: with this seed
      // its first 266 uploads hold every case below, and the run sends at least 400 however loaded
      // the machine is.
      seed: 3,
      shares: { malformed: 0.08, late: 0.02, future: 0.02, duplicate: 0.03, bot: 0.1, clockSkew: 0.1, overlong: 0.05, invalidRequest: 0.02 },
      repeatShare: 0.03,
      minUploads: 400,
      settleTimeoutSec: 90,
      processIntervalSec: 1,
    });
    const summary = JSON.stringify({ ...result, athena: undefined, redshift: undefined, paths: [result.athena, result.redshift] });
    assert.equal(result.kills, 2);
    assert.ok(result.uploads.sent >= 400 && result.uploads.abandoned === 0, summary);
    assert.deepEqual(
      { lost: result.lost, duplicated: result.duplicated, badRowsMissing: result.badRowsMissing, unexpected: result.unexpected, redshiftChecked: result.redshift.checked },
      { lost: 0, duplicated: 0, badRowsMissing: 0, unexpected: 0, redshiftChecked: true },
      summary,
    );
    assert.ok(passed(result));
    // The traffic held every kind of case the generator knows, and each was checked.
    const x = result.expected;
    assert.ok(x.bots > 0 && x.truncated > 0 && x.clockSkewed > 0 && x.repeatedInBatch > 0 && x.sdkRetries > 0 && x.refusedRequests > 0, summary);
    assert.ok(result.uploads.web > 0 && result.uploads.android > 0 && result.uploads.ios > 0, summary);
    for (const reason of ['INVALID_EVENT', 'NOT_AN_EVENT', 'APP_ID_MISMATCH', 'LATE_EVENT', 'FUTURE_EVENT']) {
      assert.ok((result.athena.badRows.byReason[reason]?.expected ?? 0) > 0, `${reason} expected: ${summary}`);
    }
    assert.ok(result.badRows >= result.badRowsExpected && result.badRowsExpected > 0);
  });
});

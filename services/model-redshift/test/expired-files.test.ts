// PartitionsExpired.v1 and the tracked files: files of expired days that never loaded become
// EXPIRED (never claimed again, never recorded again by a replayed run), a running load keeps
// what it claimed and finishes as usual, and the tracker moves a file only from the state it was
// read in. Local adapters and the real load state machine here; DynamoDB in dynamodb-file-tracker.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProcessingCompleted, partitionLocation, type TableName } from '@clickstream/contracts';
import { ObjectStoreFileTracker } from '../src/adapters/local/object-store-file-tracker.js';
import { expireTrackedFiles } from '../src/domain/expired-files.js';
import { expirePartitions } from '../src/domain/retention.js';
import { trackRunFiles } from '../src/domain/track-files.js';
import type { FileRecord, TrackedFile } from '../src/ports/file-tracker.js';
import { eventRow, harness, writeParquet, type Harness } from './support/harness.js';
import { deliver, expired, type Day } from './support/partitions-expired.js';

const OLD: Day = { year: 2026, month: 11, day: 26 };
const KEPT: Day = { year: 2026, month: 11, day: 28 };
const CUTOFF = '2026-11-28';
const job = (n: number) => `job-${String(n * 10).padStart(20, '0')}-${String(n * 10 + 10).padStart(20, '0')}`;

function tracked(table: TableName, appId: string, day: Day, n: number): TrackedFile {
  return { key: `${partitionLocation({ table, appId, ...day })}/${job(n)}.parquet`, table, appId, rows: 1, jobId: job(n) };
}

const statusOf = async (h: Harness, f: TrackedFile) => (await h.files.get(f.key))?.status;
const record = async (h: Harness, f: TrackedFile): Promise<FileRecord> => {
  await h.files.recordNew(f);
  return (await h.files.get(f.key))!;
};
const options = (sleep: (ms: number) => Promise<void>) => ({ owner: 'retention-evt', sleep, leaseWaitMs: 10_000, statementWaitMs: 10_000, pollMs: 1_000 });

describe('tracked files of expired partitions', () => {
  it('NEW and FAILED files of the expired days become EXPIRED; later days, other apps and tables, and LOADED files stay; the next load takes only what is left', async (t) => {
    const h = await harness(t);
    const now = h.clock.now();
    // The expired days' files are gone from the warehouse: only the kept day's file exists.
    const fresh = await record(h, tracked('events', 'shop_web', OLD, 1));
    const retrying = await record(h, tracked('events', 'shop_web', OLD, 2));
    const exhausted = await record(h, tracked('events', 'shop_web', OLD, 3));
    const loaded = await record(h, tracked('events', 'shop_web', OLD, 4));
    const kept = await writeParquet(h.warehouseRoot, 'events', 'shop_web', [eventRow()], { day: KEPT, job: job(5) });
    await h.files.recordNew({ key: kept.key, table: 'events', appId: 'shop_web', rows: 1, jobId: job(5) });
    // Another app's file of the same day is not this app's retention: it exists and loads.
    await writeParquet(h.warehouseRoot, 'events', 'blog_web', [eventRow()], { day: OLD, job: job(6) });
    const otherApp = await record(h, tracked('events', 'blog_web', OLD, 6));
    const otherTable = await record(h, tracked('sessions', 'shop_web', OLD, 7));
    for (const [f, loadId] of [[retrying, 'L-2'], [exhausted, 'L-3'], [loaded, 'L-4']] as const) assert.equal(await h.files.claim(f, loadId, now), true);
    // Due for a retry right now: without the expiry the next load would take it and fail its COPY.
    assert.equal(await h.files.markFailed([{ key: retrying.key, attempts: 1, nextAttemptAt: now }], 'L-2', 'COPY_FAILED: x', now), 1);
    assert.equal(await h.files.markFailed([{ key: exhausted.key, attempts: 5 }], 'L-3', 'COPY_FAILED: x', now), 1);
    assert.equal(await h.files.markLoaded([loaded.key], 'L-4', now), 1);

    h.clock.advance(1_000);
    await deliver(expired('events', 'shop_web', [OLD]));
    assert.deepEqual(
      await Promise.all([fresh, retrying, exhausted, loaded, otherApp, otherTable].map((f) => statusOf(h, f))),
      ['EXPIRED', 'EXPIRED', 'EXPIRED', 'LOADED', 'NEW', 'NEW'],
    );
    const tomb = await h.files.get(retrying.key);
    assert.deepEqual([tomb?.attempts, tomb?.lastError, tomb?.nextAttemptAt, tomb?.updatedAt], [1, 'COPY_FAILED: x', undefined, now + 1_000], 'history kept, no retry time');
    assert.equal((await h.files.get(kept.key))?.status, 'NEW');
    assert.equal(await h.files.countByStatus('EXPIRED'), 3);

    const execution = await h.run('events');
    assert.equal(execution.status, 'SUCCEEDED', execution.error);
    const completed = h.publisher.sent.filter((s) => s.detailType === 'RedshiftLoadCompleted.v1').map((s) => (s.detail as { files: string[] }).files);
    assert.deepEqual(completed.map((files) => [...files].sort()), [[kept.key, otherApp.key].sort()], 'none of the expired files was tried');
    assert.deepEqual([await statusOf(h, otherApp), (await h.files.get(kept.key))?.status], ['LOADED', 'LOADED']);
  });

  it('replays change nothing: the event again moves nothing, the processing run again records nothing', async (t) => {
    const h = await harness(t);
    const a = await record(h, tracked('events', 'shop_web', OLD, 1));
    await deliver(expired('events', 'shop_web', [OLD]));
    const after = await h.files.get(a.key);
    h.clock.advance(60_000);
    await deliver(expired('events', 'shop_web', [OLD]), 'evt-replay');
    assert.deepEqual(await h.files.get(a.key), after);

    const run = ProcessingCompleted.schema.parse({ ...ProcessingCompleted.example, jobId: a.jobId, files: [{ table: 'events', appId: 'shop_web', key: a.key, rows: 1 }] });
    assert.deepEqual(await trackRunFiles(h.files, run), { recorded: 0, known: 1, notTargeted: 0 });
    assert.equal((await h.files.get(a.key))?.status, 'EXPIRED');
    assert.deepEqual(await h.files.candidates('events', h.clock.now(), 10), []);
  });

  for (const ending of ['fails', 'loads'] as const) {
    it(`a running load keeps the file it claimed and ${ending === 'fails' ? 'marks it FAILED' : 'marks it LOADED'} as usual; the files it had not claimed go at once`, async (t) => {
      const h = await harness(t);
      const claimed = await record(h, tracked('events', 'shop_web', OLD, 1));
      const waiting = await record(h, tracked('events', 'shop_web', OLD, 2));
      const later = await record(h, tracked('events', 'shop_web', KEPT, 3));
      assert.equal(await h.ports.leases.acquire('events', 'chain-1', h.clock.now(), 60_000), true);
      assert.equal(await h.files.claim(claimed, 'L-1', h.clock.now()), true);

      let loadEnded = false;
      const outcome = await expirePartitions(
        h.ports,
        expired('events', 'shop_web', [OLD]),
        options(async (ms) => {
          h.clock.advance(ms);
          // Later sleeps are the DELETE's polls: give the DuckDB stand-in time to run it.
          if (loadEnded) return new Promise((r) => setTimeout(r, 5));
          loadEnded = true;
          // While the load holds the lease: what it had not claimed is gone, what it claimed is untouched.
          assert.equal(await statusOf(h, waiting), 'EXPIRED');
          assert.deepEqual([(await h.files.get(claimed.key))?.status, (await h.files.get(claimed.key))?.loadId], ['LOADING', 'L-1']);
          // The load ends its batch, unhindered, and hands the table over.
          if (ending === 'fails') assert.equal(await h.files.markFailed([{ key: claimed.key, attempts: 1, nextAttemptAt: h.clock.now() + 300_000 }], 'L-1', 'COPY_FAILED: gone', h.clock.now()), 1);
          else assert.equal(await h.files.markLoaded([claimed.key], 'L-1', h.clock.now()), 1);
          await h.ports.leases.release('events', 'chain-1');
        }),
      );
      assert.ok(loadEnded, 'waited for the load');
      if (ending === 'fails') {
        assert.equal(await statusOf(h, claimed), 'EXPIRED', 'its failed file goes under the lease');
        assert.deepEqual(outcome.filesExpired.sort(), [claimed.key, waiting.key].sort());
      } else {
        assert.equal(await statusOf(h, claimed), 'LOADED', 'a loaded file stays LOADED (its rows are deleted with the rest)');
        assert.deepEqual(outcome.filesExpired, [waiting.key]);
      }
      assert.equal(await statusOf(h, later), 'NEW');
      assert.equal(await h.ports.leases.holder('events', h.clock.now()), undefined, 'the lease is released');
    });
  }

  it('a dead load’s LOADING file goes under the lease, and that load’s late marks change nothing', async (t) => {
    const h = await harness(t);
    const orphan = await record(h, tracked('events', 'shop_web', OLD, 1));
    assert.equal(await h.ports.leases.acquire('events', 'dead-chain', h.clock.now(), 1_000), true);
    assert.equal(await h.files.claim(orphan, 'L-dead', h.clock.now()), true);
    h.clock.advance(2_000);

    await deliver(expired('events', 'shop_web', [OLD]));
    assert.equal(await statusOf(h, orphan), 'EXPIRED');
    assert.equal(await h.files.markLoaded([orphan.key], 'L-dead', h.clock.now()), 0);
    assert.equal(await h.files.markFailed([{ key: orphan.key, attempts: 1, nextAttemptAt: h.clock.now() }], 'L-dead', 'late', h.clock.now()), 0);
    assert.equal(await statusOf(h, orphan), 'EXPIRED');
  });

  it('without the lease a LOADING file is never touched; when the lease stays taken the NEW files are expired all the same', async (t) => {
    const h = await harness(t);
    const claimed = await record(h, tracked('events', 'shop_web', OLD, 1));
    const waiting = await record(h, tracked('events', 'shop_web', OLD, 2));
    assert.equal(await h.ports.leases.acquire('events', 'chain-1', h.clock.now(), 600_000), true);
    assert.equal(await h.files.claim(claimed, 'L-1', h.clock.now()), true);
    await assert.rejects(
      expirePartitions(h.ports, expired('events', 'shop_web', [OLD]), { ...options(async (ms) => h.clock.advance(ms)), leaseWaitMs: 3_000 }),
      /stayed leased by a load/,
    );
    assert.deepEqual([await statusOf(h, claimed), await statusOf(h, waiting)], ['LOADING', 'EXPIRED']);
  });

  it('a claim and an expiry of the same read state: exactly one wins, whichever comes first', async (t) => {
    const h = await harness(t);
    const scope = { table: 'events' as const, appId: 'shop_web', cutoff: CUTOFF };
    for (const n of [1, 2, 3, 4, 5, 6]) {
      const read = await record(h, tracked('events', 'shop_web', OLD, n));
      const [claimed, expiredNow] = n % 2 ? await Promise.all([h.files.claim(read, `L-${n}`, 0), h.files.expire(read, 0)]) : (await Promise.all([h.files.expire(read, 0), h.files.claim(read, `L-${n}`, 0)])).reverse();
      assert.equal(Number(claimed) + Number(expiredNow), 1, `file ${n}`);
      assert.equal(await statusOf(h, read), claimed ? 'LOADING' : 'EXPIRED');
    }
    // A file claimed after listing is reported as changed, not expired.
    const raced = await record(h, tracked('events', 'shop_web', OLD, 7));
    // The tracker as a load claiming the file between the listing and the move would leave it.
    class ClaimedMeanwhile extends ObjectStoreFileTracker {
      override async expire(file: FileRecord, now: number): Promise<boolean> {
        if (file.key === raced.key) assert.equal(await this.claim(file, 'L-race', now), true);
        return super.expire(file, now);
      }
    }
    const tracker = new ClaimedMeanwhile(h.store, h.clock);
    const result = await expireTrackedFiles(tracker, scope, 0, { holdsLease: false });
    assert.deepEqual([result.expired, result.changed], [[], [raced.key]]);
    assert.equal(await statusOf(h, raced), 'LOADING');
  });

  it('keys outside the warehouse layout are left alone', async (t) => {
    const h = await harness(t);
    await h.files.recordNew({ key: 'events/somewhere/else.parquet', table: 'events', appId: 'shop_web', rows: 1, jobId: job(1) });
    const result = await expireTrackedFiles(h.files, { table: 'events', appId: 'shop_web', cutoff: CUTOFF }, 0, { holdsLease: true });
    assert.deepEqual(result, { expired: [], changed: [] });
    assert.equal((await h.files.get('events/somewhere/else.parquet'))?.status, 'NEW');
  });
});

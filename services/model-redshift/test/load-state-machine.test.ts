// The load state machine (asl/load.asl.json) executed locally end to end: real Parquet files, the
// object-store tracker, the DuckDB stand-in for Redshift, every Task bound to this service's
// functions.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ProcessingCompleted, type BusEvent } from '@clickstream/contracts';
import type { Context } from 'aws-lambda';
import { handler as onProcessingCompleted } from '../src/handlers/on-processing-completed.js';
import { badRow, eventRow, harness, itemRow, sessionRow, userRow, writeParquet, JOB, type Harness } from './support/harness.js';

async function track(h: Harness, files: { key: string; rows: number; table: string; appId: string }[], jobId = JOB) {
  for (const f of files) {
    await h.files.recordNew({ key: f.key, table: f.table as never, appId: f.appId, rows: f.rows, jobId });
  }
}

async function eventsFile(h: Harness, appId: string, rows: Record<string, unknown>[], job = JOB) {
  const f = await writeParquet(h.warehouseRoot, 'events', appId, rows, { job });
  return { ...f, table: 'events', appId };
}

describe('load state machine, executed locally', () => {
  it('happy path: claims, COPYs, MERGEs, marks LOADED, publishes RedshiftLoadCompleted.v1, frees the lease', async (t) => {
    const h = await harness(t);
    const a = await eventsFile(h, 'shop_web', [eventRow(), eventRow(), eventRow({ event_type: 'add_to_cart' })]);
    const b = await eventsFile(h, 'blog_web', [eventRow({ user_pseudo_id: 'user-2' })]);
    await track(h, [a, b]);

    const execution = await h.run('events');
    assert.equal(execution.status, 'SUCCEEDED', execution.error);
    assert.deepEqual(execution.states.slice(0, 6), ['Init', 'AcquireLease', 'LeaseHeld?', 'ClaimFiles', 'AnyFiles?', 'WriteManifest']);
    assert.ok(execution.states.includes('WaitForCopy') && execution.states.includes('CheckMerge'), 'polled both statements');
    assert.equal(execution.states.at(-1), 'Loaded');

    assert.equal(await h.count('SELECT count(*) AS n FROM events'), 4);
    const perApp = await h.db.query<{ app_id: string; n: number }>('SELECT app_id, count(*)::INTEGER AS n FROM events GROUP BY app_id ORDER BY app_id');
    assert.deepEqual(perApp, [
      { app_id: 'blog_web', n: 1 },
      { app_id: 'shop_web', n: 3 },
    ]);
    const tagged = await h.db.query<{ source_file: string; year: number; month: number; day: number }>(
      "SELECT DISTINCT source_file, year, month, day FROM events WHERE app_id = 'blog_web'",
    );
    assert.deepEqual(tagged, [{ source_file: b.key, year: 2026, month: 11, day: 29 }]);
    assert.equal(await h.count('SELECT count(*) AS n FROM stage_events'), 0, 'staging emptied by the merge');

    assert.equal(await h.files.countByStatus('LOADED'), 2);
    assert.equal(await h.files.countByStatus('NEW'), 0);
    assert.equal(await h.ports.leases.holder('events', h.clock.now()), undefined);
    const [completed, ...rest] = h.publisher.sent;
    assert.equal(rest.length, 0);
    assert.equal(completed?.detailType, 'RedshiftLoadCompleted.v1');
    const detail = completed?.detail as { table: string; files: string[]; rowsMerged: number; loadId: string };
    assert.equal(detail.table, 'events');
    assert.deepEqual([...detail.files].sort(), [a.key, b.key].sort());
    assert.equal(detail.rowsMerged, 4);
    assert.match(detail.loadId, /^events-2026-11-29T10-20-00Z-[0-9a-f]{6}$/);
  });

  it('nothing to load: ends at once and leaves no lease', async (t) => {
    const h = await harness(t);
    const execution = await h.run('events');
    assert.equal(execution.status, 'SUCCEEDED');
    assert.deepEqual(execution.states, ['Init', 'AcquireLease', 'LeaseHeld?', 'ClaimFiles', 'AnyFiles?', 'ReleaseLease', 'Loaded']);
    assert.equal(await h.ports.leases.holder('events', h.clock.now()), undefined);
  });

  it('loads sessions, users, items and bad_rows through their own merges', async (t) => {
    const h = await harness(t);
    const s = await writeParquet(h.warehouseRoot, 'sessions', 'shop_web', [sessionRow()]);
    const u = await writeParquet(h.warehouseRoot, 'users', 'shop_web', [userRow()]);
    const i = await writeParquet(h.warehouseRoot, 'items', 'shop_web', [itemRow(), itemRow({ item_index: 1, item_id: 'sku-2' })]);
    const bad = await writeParquet(h.warehouseRoot, 'bad_rows', 'shop_web', [badRow(), badRow({ request_id: 'req-bad-2' })]);
    await track(h, [
      { ...s, table: 'sessions', appId: 'shop_web' },
      { ...u, table: 'users', appId: 'shop_web' },
      { ...i, table: 'items', appId: 'shop_web' },
      { ...bad, table: 'bad_rows', appId: 'shop_web' },
    ]);
    for (const table of ['sessions', 'users', 'items', 'bad_rows'] as const) {
      const execution = await h.run(table);
      assert.equal(execution.status, 'SUCCEEDED', `${table}: ${execution.error}`);
    }
    assert.equal(await h.count('SELECT count(*) AS n FROM sessions'), 1);
    assert.equal(await h.count('SELECT count(*) AS n FROM sessions_parts'), 1);
    assert.equal(await h.count('SELECT count(*) AS n FROM users'), 1);
    assert.equal(await h.count('SELECT count(*) AS n FROM items'), 2);
    assert.equal(await h.count('SELECT count(*) AS n FROM bad_rows'), 2);
    assert.equal(await h.count('SELECT count(*) AS n FROM daily_channel_sessions'), 1, 'reporting view over the merged table');
  });

  it('COPY failure then retry: files go FAILED with a backoff, RedshiftLoadFailed.v1 is published, a later run loads them', async (t) => {
    const h = await harness(t, { LOAD_BACKOFF_BASE_SECONDS: 60 });
    const f = await eventsFile(h, 'shop_web', [eventRow(), eventRow()]);
    await track(h, [f]);
    const good = await import('node:fs/promises').then((fs) => fs.readFile(join(h.warehouseRoot, f.key)));
    await writeFile(join(h.warehouseRoot, f.key), 'this is not parquet');

    const failed = await h.run('events');
    assert.equal(failed.status, 'FAILED');
    assert.match(failed.error ?? '', /LoadFailed/);
    assert.ok(failed.states.includes('MarkFailed') && failed.states.includes('PublishFailed'));
    const record = await h.files.get(f.key);
    assert.equal(record?.status, 'FAILED');
    assert.equal(record?.attempts, 1);
    assert.equal(record?.nextAttemptAt, h.clock.now() + 60_000);
    assert.match(record?.lastError ?? '', /^COPY_FAILED: /);
    const failure = h.publisher.sent.find((e) => e.detailType === 'RedshiftLoadFailed.v1')?.detail as { attempt: number; error: { code: string } };
    assert.equal(failure.attempt, 1);
    assert.equal(failure.error.code, 'COPY_FAILED');
    assert.equal(await h.count('SELECT count(*) AS n FROM events'), 0, 'the failed COPY left nothing behind');
    assert.equal(await h.ports.leases.holder('events', h.clock.now()), undefined, 'lease freed after the failure');

    // Before the backoff has passed, nothing is due.
    h.clock.advance(30_000);
    assert.deepEqual((await h.run('events')).states.at(-1), 'Loaded');
    assert.equal((await h.files.get(f.key))?.status, 'FAILED');

    await writeFile(join(h.warehouseRoot, f.key), good);
    h.clock.advance(30_000);
    const retried = await h.run('events');
    assert.equal(retried.status, 'SUCCEEDED', retried.error);
    assert.equal((await h.files.get(f.key))?.status, 'LOADED');
    assert.equal(await h.count('SELECT count(*) AS n FROM events'), 2);
  });

  it('after K failed attempts a file waits for an operator; resetting it loads it', async (t) => {
    const h = await harness(t, { LOAD_MAX_ATTEMPTS: 2, LOAD_BACKOFF_BASE_SECONDS: 1 });
    const f = await eventsFile(h, 'shop_web', [eventRow()]);
    await track(h, [f]);
    const good = await import('node:fs/promises').then((fs) => fs.readFile(join(h.warehouseRoot, f.key)));
    await writeFile(join(h.warehouseRoot, f.key), 'broken');
    assert.equal((await h.run('events')).status, 'FAILED');
    h.clock.advance(1000);
    assert.equal((await h.run('events')).status, 'FAILED');
    const exhausted = await h.files.get(f.key);
    assert.equal(exhausted?.attempts, 2);
    assert.equal(exhausted?.nextAttemptAt, undefined, 'no retry time: an operator has to act');
    h.clock.advance(3_600_000);
    assert.equal((await h.run('events')).states.at(-1), 'Loaded', 'not picked up however long we wait');
    assert.equal((await h.files.get(f.key))?.status, 'FAILED');

    await writeFile(join(h.warehouseRoot, f.key), good);
    assert.deepEqual(await h.files.resetExhausted(h.clock.now()), [f.key]);
    assert.equal((await h.run('events')).status, 'SUCCEEDED');
    assert.equal(await h.count('SELECT count(*) AS n FROM events'), 1);
  });

  it('a concurrent trigger for the same table is rejected by the lease; another table runs alongside', async (t) => {
    const h = await harness(t);
    const e = await eventsFile(h, 'shop_web', [eventRow(), eventRow()]);
    const s = await writeParquet(h.warehouseRoot, 'sessions', 'shop_web', [sessionRow()]);
    await track(h, [e, { ...s, table: 'sessions', appId: 'shop_web' }]);
    const [first, second, other] = await Promise.all([h.run('events', 'chain-a'), h.run('events', 'chain-b'), h.run('sessions', 'chain-c')]);
    const ends = [first.states.at(-1), second.states.at(-1)].sort();
    assert.deepEqual(ends, ['AlreadyRunning', 'Loaded']);
    assert.equal(other.states.at(-1), 'Loaded');
    assert.equal(await h.count('SELECT count(*) AS n FROM events'), 2);
    assert.equal(h.publisher.sent.filter((p) => p.detailType === 'RedshiftLoadCompleted.v1').length, 2);
  });

  it('a lease held by a live load rejects triggers until it expires', async (t) => {
    const h = await harness(t, { LEASE_TTL_SECONDS: 600 });
    const e = await eventsFile(h, 'shop_web', [eventRow()]);
    await track(h, [e]);
    assert.ok(await h.ports.leases.acquire('events', 'someone-else', h.clock.now(), 600_000));
    assert.equal((await h.run('events')).states.at(-1), 'AlreadyRunning');
    assert.equal((await h.files.get(e.key))?.status, 'NEW');
    h.clock.advance(600_001);
    assert.equal((await h.run('events')).states.at(-1), 'Loaded', 'an expired lease (a dead load) is taken over');
    assert.equal((await h.files.get(e.key))?.status, 'LOADED');
  });

  it('a large backlog is loaded in batches and continues in child executions that inherit the lease', async (t) => {
    const h = await harness(t, { LOAD_BATCH_FILES: 2, LOAD_MAX_BATCHES_PER_EXECUTION: 2 });
    const files = [];
    for (let n = 0; n < 7; n++) {
      files.push(await eventsFile(h, 'shop_web', [eventRow(), eventRow()], `job-${String(n).padStart(20, '0')}-${String(n + 1).padStart(20, '0')}`));
    }
    await track(h, files);
    const root = await h.run('events', 'chain-big');
    assert.equal(root.status, 'SUCCEEDED', root.error);
    assert.equal(root.states.at(-1), 'HandedOver');
    assert.equal(root.states.filter((s) => s === 'ClaimFiles').length, 2, 'two batches, then a child');
    // Children ran to the end (locally StartExecution of the child waits for it).
    await h.sfn.idle();
    assert.equal(await h.files.countByStatus('LOADED'), 7);
    assert.equal(await h.count('SELECT count(*) AS n FROM events'), 14);
    assert.equal(h.publisher.sent.filter((p) => p.detailType === 'RedshiftLoadCompleted.v1').length, 4);
    assert.equal(await h.ports.leases.holder('events', h.clock.now()), undefined, 'the last child freed the lease');
  });

  it('a file left LOADING by a dead load is reclaimed as a failed attempt', async (t) => {
    const h = await harness(t);
    const e = await eventsFile(h, 'shop_web', [eventRow()]);
    await track(h, [e]);
    const record = await h.files.get(e.key);
    assert.ok(record && (await h.files.claim(record, 'events-dead-load', h.clock.now())));
    const execution = await h.run('events');
    assert.equal(execution.status, 'SUCCEEDED', execution.error);
    const after = await h.files.get(e.key);
    assert.equal(after?.status, 'LOADED');
    assert.equal(after?.attempts, 1);
    assert.equal(await h.count('SELECT count(*) AS n FROM events'), 1);
  });

  it('a replayed ProcessingCompleted.v1 records nothing, starts nothing and adds no rows', async (t) => {
    const h = await harness(t);
    const e = await eventsFile(h, 'shop_web', [eventRow(), eventRow(), eventRow()]);
    const detail = ProcessingCompleted.schema.parse({
      ...ProcessingCompleted.example,
      files: [{ table: 'events', appId: 'shop_web', key: e.key, rows: 3 }],
    });
    const deliver = () => onProcessingCompleted(busEvent(detail), context());
    await deliver();
    assert.equal(await h.count('SELECT count(*) AS n FROM events'), 3, 'the delivery started the load');
    await deliver();
    await deliver();
    assert.equal(await h.count('SELECT count(*) AS n FROM events'), 3);
    assert.equal(h.publisher.sent.length, 1, 'one load, one RedshiftLoadCompleted.v1');
  });
});

function busEvent(detail: unknown): BusEvent<unknown> {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': ProcessingCompleted.detailType,
    source: ProcessingCompleted.source,
    account: '000000000000',
    time: '2026-11-29T10:15:02Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  };
}

function context(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'model-redshift-on-processing-completed',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:model-redshift-on-processing-completed',
    memoryLimitInMB: '256',
    awsRequestId: 'req-test',
    logGroupName: '/aws/lambda/model-redshift-on-processing-completed',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessingCompleted, type BusEvent, type DetailOf } from '@clickstream/contracts';
import { ContractViolation } from '@clickstream/lambda-kit';
import { FsObjectStore } from '@clickstream/runtime';
import type { Context } from 'aws-lambda';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectStoreFileTracker } from '../src/adapters/local/object-store-file-tracker.js';
import { trackRunFiles } from '../src/domain/track-files.js';
import { handler } from '../src/handlers/on-processing-completed.js';
import { ObjectStoreLeases } from '../src/adapters/local/object-store-leases.js';
import { ObjectStorePipelineTargets } from '../src/adapters/local/object-store-pipeline-targets.js';
import { defaultLoadSettings } from '../src/domain/load-settings.js';
import type { ModelRedshiftPorts } from '../src/ports/index.js';
import { useLocalPorts } from '../src/wiring.js';

const JOB = 'job-00000000000000000000-00000000000000000012';

function file(appId: string, day: number, rows: number, table: 'events' | 'bad_rows' = 'events', job = JOB) {
  return { table, appId, key: `${table}/app_id=${appId}/year=2026/month=11/day=${day}/${job}.parquet`, rows };
}

function run(files: ReturnType<typeof file>[], jobId = JOB): DetailOf<typeof ProcessingCompleted> {
  return ProcessingCompleted.schema.parse({ ...ProcessingCompleted.example, jobId, files });
}

async function tempStore(t: TestContext): Promise<FsObjectStore> {
  const dir = await mkdtemp(join(tmpdir(), 'redshift-files-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return new FsObjectStore(dir);
}

describe('trackRunFiles with ObjectStoreFileTracker', () => {
  it('records every file of a run as NEW, with its table, app, rows and job', async (t) => {
    const store = await tempStore(t);
    const tracker = new ObjectStoreFileTracker(store, { now: () => 0 });
    const files = [file('shop_web', 29, 10), file('shop_web', 29, 1, 'bad_rows'), file('blog_web', 28, 3)];

    assert.deepEqual(await trackRunFiles(tracker, run(files)), { recorded: 3, known: 0, notTargeted: 0 });
    assert.equal(await tracker.countByStatus('NEW'), 3);
    assert.equal(await tracker.countByStatus('LOADED'), 0);

    const keys = await store.list('model-redshift/files/NEW/');
    assert.equal(keys.length, 3);
    const stored = await Promise.all(keys.map(async (k) => JSON.parse((await store.get(k))!.toString('utf8')) as Record<string, unknown>));
    assert.deepEqual(
      stored.sort((a, b) => String(a.key).localeCompare(String(b.key))),
      [...files]
        .sort((a, b) => a.key.localeCompare(b.key))
        .map((f) => ({ key: f.key, table: f.table, appId: f.appId, rows: f.rows, jobId: JOB, status: 'NEW', attempts: 0, updatedAt: 0 })),
    );
  });

  it('replaying the same ProcessingCompleted records nothing new', async (t) => {
    const tracker = new ObjectStoreFileTracker(await tempStore(t));
    const detail = run([file('shop_web', 29, 10), file('blog_web', 28, 3)]);
    await trackRunFiles(tracker, detail);
    assert.deepEqual(await trackRunFiles(tracker, detail), { recorded: 0, known: 2, notTargeted: 0 });
    assert.deepEqual(await trackRunFiles(tracker, structuredClone(detail)), { recorded: 0, known: 2, notTargeted: 0 });
    assert.equal(await tracker.countByStatus('NEW'), 2);
  });

  it('a later run records only its own new files', async (t) => {
    const tracker = new ObjectStoreFileTracker(await tempStore(t));
    await trackRunFiles(tracker, run([file('shop_web', 29, 10)]));
    const next = 'job-00000000000000000012-00000000000000000020';
    const result = await trackRunFiles(tracker, run([file('shop_web', 29, 10), file('shop_web', 29, 4, 'events', next)], next));
    assert.deepEqual(result, { recorded: 1, known: 1, notTargeted: 0 });
    assert.equal(await tracker.countByStatus('NEW'), 2);
  });

  it('concurrent deliveries of the same run record each file once', async (t) => {
    const tracker = new ObjectStoreFileTracker(await tempStore(t));
    const detail = run([file('shop_web', 29, 10), file('blog_web', 28, 3), file('shop_web', 29, 1, 'bad_rows')]);
    const results = await Promise.all([trackRunFiles(tracker, detail), trackRunFiles(tracker, detail), trackRunFiles(tracker, detail)]);
    assert.equal(
      results.reduce((n, r) => n + r.recorded, 0),
      3,
    );
    assert.equal(await tracker.countByStatus('NEW'), 3);
  });

  it('survives a restart: a new tracker over the same store still knows the files', async (t) => {
    const store = await tempStore(t);
    const detail = run([file('shop_web', 29, 10)]);
    await trackRunFiles(new ObjectStoreFileTracker(store), detail);
    assert.deepEqual(await trackRunFiles(new ObjectStoreFileTracker(store), detail), { recorded: 0, known: 1, notTargeted: 0 });
  });

  it('a run without files records nothing', async (t) => {
    const tracker = new ObjectStoreFileTracker(await tempStore(t));
    assert.deepEqual(await trackRunFiles(tracker, run([])), { recorded: 0, known: 0, notTargeted: 0 });
  });
});

/** Ports for the trigger handler: the tracker under test, no load to start (nothing else is called). */
function localPorts(files: ObjectStoreFileTracker, store: FsObjectStore): ModelRedshiftPorts {
  const unused = () => {
    throw new Error('not used by this test');
  };
  return {
    files,
    leases: new ObjectStoreLeases(store),
    targets: new ObjectStorePipelineTargets(store),
    launcher: { start: async () => undefined },
    manifests: { write: unused },
    statements: { start: unused, describe: unused, query: unused },
    publisher: { publish: unused },
    clock: { now: () => 0 },
    settings: defaultLoadSettings,
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

function busEvent(detail: unknown): BusEvent<unknown> {
  return {
    version: '0',
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    'detail-type': ProcessingCompleted.detailType,
    source: ProcessingCompleted.source,
    account: '000000000000',
    time: '2026-11-29T10:15:02Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  };
}

describe('model-redshift on-processing-completed', () => {
  it('tracks the files of a delivered run, and a redelivery adds nothing', async (t) => {
    const store = await tempStore(t);
    const tracker = new ObjectStoreFileTracker(store);
    useLocalPorts(localPorts(tracker, store));
    const detail = { ...ProcessingCompleted.example, files: [file('shop_web', 29, 10), file('blog_web', 28, 3)] };
    await handler(busEvent(detail), context());
    await handler(busEvent(detail), context());
    assert.equal(await tracker.countByStatus('NEW'), 2);
  });

  it('a malformed detail is a ContractViolation and records nothing', async (t) => {
    const store = await tempStore(t);
    const tracker = new ObjectStoreFileTracker(store);
    useLocalPorts(localPorts(tracker, store));
    const detail = { ...ProcessingCompleted.example, files: [{ ...file('shop_web', 29, 10), rows: -1 }] };
    await assert.rejects(handler(busEvent(detail), context()), ContractViolation);
    assert.equal(await tracker.countByStatus('NEW'), 0);
  });
});

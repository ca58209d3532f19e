import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AthenaPartitionsAdded,
  PartitionsExpired,
  ProcessingCompleted,
  ProcessingFailed,
  RedshiftLoadCompleted,
  RedshiftLoadFailed,
  type BusEvent,
  type EventContract,
} from '@clickstream/contracts';
import { handler } from '../src/handlers/on-pipeline-event.js';
import { appHealth, appIdsOfFiles, dataVersion, defaultThresholds } from '../src/domain/pipeline-health.js';
import { harness, lambdaContext, type Harness, type Session } from './support/harness.js';

let ids = 0;
function busEvent(contract: EventContract, detail: unknown): BusEvent<unknown> {
  return {
    version: '0',
    id: `a1b2c3d4-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    'detail-type': contract.detailType,
    source: contract.source,
    account: '000000000000',
    time: '2026-11-29T10:15:02Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  };
}

const min = (m: number) => new Date(Date.UTC(2026, 10, 29, 10, m)).toISOString();
const file = (table: string, appId: string, rows: number) => ({ table, appId, key: `${table}/app_id=${appId}/year=2026/month=11/day=29/x.parquet`, rows });

function completed(jobId: string, startMin: number, files: ReturnType<typeof file>[]) {
  return busEvent(ProcessingCompleted, {
    ...ProcessingCompleted.example,
    jobId,
    appIds: [...new Set(files.map((f) => f.appId))],
    files,
    startedAt: min(startMin),
    completedAt: min(startMin + 1),
  });
}
const queryable = (jobId: string, atMin: number) => busEvent(AthenaPartitionsAdded, { ...AthenaPartitionsAdded.example, jobId, addedAt: min(atMin) });
const loadFailed = (loadId: string, atMin: number, appId = 'shop_web') =>
  busEvent(RedshiftLoadFailed, { ...RedshiftLoadFailed.example, loadId, files: [`events/app_id=${appId}/year=2026/month=11/day=29/a.parquet`], failedAt: min(atMin) });
const expiredDays = (appId: string, table: string, days: number[], atMin: number, cutoff = '2025-10-30') =>
  busEvent(PartitionsExpired, {
    ...PartitionsExpired.example,
    appId,
    table,
    cutoff,
    partitions: days.map((day) => ({ table, appId, year: 2025, month: 10, day, location: `${table}/app_id=${appId}/year=2025/month=10/day=${day}` })),
    expiredAt: min(atMin),
  });
const loadDone = (loadId: string, atMin: number, appId = 'shop_web') =>
  busEvent(RedshiftLoadCompleted, { ...RedshiftLoadCompleted.example, loadId, files: [`events/app_id=${appId}/year=2026/month=11/day=29/a.parquet`], completedAt: min(atMin) });

let h: Harness;
let viewer: Session;
const deliver = async (...events: BusEvent<unknown>[]) => {
  for (const e of events) await handler(e, lambdaContext());
};

beforeEach(async () => {
  h = harness();
  h.now.value = Date.parse(min(30));
  await h.addUser('reader', 'AnalystReader');
  viewer = await h.signIn('reader');
  await h.ports.projects.create({ projectId: 'shop', name: 'Shop', description: '', createdAt: min(0), updatedAt: min(0), revision: 1 });
  for (const appId of ['shop_web', 'shop_ios']) {
    await h.seedApp({
      appId,
      projectId: 'shop',
      name: appId,
      platform: 'Web',
      enabled: true,
      allowedOrigins: [],
      timezone: 'UTC',
      retentionDays: 0,
      revision: 1,
      createdAt: min(0),
      updatedAt: min(0),
    });
  }
});
afterEach(() => h.close());

describe('pipeline health per app', () => {
  it('counts events and bad rows per app from the processing runs, with freshness from queryable runs', async () => {
    h.analytics.badRows = [{ reasonCode: 'INVALID_EVENT', rows: 2, firstSeen: min(0), lastSeen: min(1) }];
    await deliver(
      completed('job-1', 0, [file('events', 'shop_web', 100), file('bad_rows', 'shop_web', 2), file('events', 'shop_ios', 7)]),
      queryable('job-1', 2),
      completed('job-2', 10, [file('events', 'shop_web', 50)]),
    );
    const web = (await viewer.call('GET', '/api/apps/shop_web/health')).body;
    assert.deepEqual(web.ingest, { windowMinutes: 60, events: 150, badRows: 2, eventsPerMinute: 2.5 });
    assert.deepEqual(web.last24h, { runs: 2, events: 150, badRows: 2 });
    assert.deepEqual(web.lastRun, { jobId: 'job-2', startedAt: min(10), completedAt: min(11) });
    // job-2 is not queryable yet: what is queryable arrived before job-1 started.
    assert.deepEqual(web.freshness, { newestQueryableBefore: min(0), queryableAt: min(2), seconds: 30 * 60 });
    assert.deepEqual(web.badRowsByReason, [{ reasonCode: 'INVALID_EVENT', rows: 2, firstSeen: min(0), lastSeen: min(1) }]);
    const ios = (await viewer.call('GET', '/api/apps/shop_ios/health')).body;
    assert.deepEqual([ios.ingest.events, ios.lastRun.jobId], [7, 'job-1']);
  });

  it('new queryable data and expired data invalidate the analytics cache; failures do not', async () => {
    await deliver(completed('job-1', 0, [file('events', 'shop_web', 1)]), queryable('job-1', 2), loadDone('load-1', 3));
    assert.equal(h.analytics.invalidations, 3);
    await deliver(busEvent(ProcessingFailed, ProcessingFailed.example), loadFailed('load-2', 4));
    assert.equal(h.analytics.invalidations, 3);
    const before = dataVersion(await h.ports.health.latest());
    await deliver(busEvent(PartitionsExpired, { ...PartitionsExpired.example, expiredAt: min(5) }));
    assert.equal(h.analytics.invalidations, 4);
    assert.notEqual(dataVersion(await h.ports.health.latest()), before, 'Lambda caches keyed by the data version miss too');
    const listed = (await viewer.call('GET', '/api/pipeline/health')).body.latest['PartitionsExpired.v1'];
    assert.deepEqual(listed, { at: min(5), summary: { appId: 'shop_web', table: 'events', cutoff: '2025-10-30', retentionDays: 395, partitions: 2 } });
  });

  it("keeps each app's last retention run (cutoff, tables, partitions removed, when) and shows it per app", async () => {
    const before = (await viewer.call('GET', '/api/apps/shop_web/health')).body;
    assert.equal(before.lastRetention, null, 'none yet');
    // Yesterday's run, then today's: events over two events (a table's partitions come 500 at a time), sessions in one.
    await deliver(
      expiredDays('shop_web', 'events', [20], 1),
      expiredDays('shop_web', 'events', [28, 29], 5),
      expiredDays('shop_web', 'events', [1, 2, 3], 5),
      expiredDays('shop_web', 'sessions', [29], 5),
    );
    const expected = {
      at: min(5),
      cutoff: '2025-10-30',
      retentionDays: 395,
      partitions: 6,
      tables: [
        { table: 'events', partitions: 5, oldestDay: '2025-10-01', newestDay: '2025-10-29' },
        { table: 'sessions', partitions: 1, oldestDay: '2025-10-29', newestDay: '2025-10-29' },
      ],
    };
    assert.deepEqual((await viewer.call('GET', '/api/apps/shop_web/health')).body.lastRetention, expected);
    const overview = (await viewer.call('GET', '/api/pipeline/health')).body;
    const byApp = Object.fromEntries(overview.apps.map((a: { appId: string; lastRetention: unknown }) => [a.appId, a.lastRetention]));
    assert.deepEqual(byApp, { shop_web: expected, shop_ios: null });
    assert.equal(overview.latest['PartitionsExpired.v1'].at, min(5), 'the latest overall is still listed');

    // A late event of yesterday's run changes nothing; the next run replaces today's.
    await deliver(expiredDays('shop_web', 'users', [19], 1));
    assert.deepEqual((await viewer.call('GET', '/api/apps/shop_web/health')).body.lastRetention, expected);
    await deliver(expiredDays('shop_web', 'users', [30], 9, '2025-10-31'));
    assert.deepEqual((await viewer.call('GET', '/api/apps/shop_web/health')).body.lastRetention, {
      at: min(9),
      cutoff: '2025-10-31',
      retentionDays: 395,
      partitions: 1,
      tables: [{ table: 'users', partitions: 1, oldestDay: '2025-10-30', newestDay: '2025-10-30' }],
    });
  });

  it('a queryable notice arriving before its run is joined when the run arrives', async () => {
    await deliver(queryable('job-1', 2), completed('job-1', 0, [file('events', 'shop_web', 3)]));
    const web = (await viewer.call('GET', '/api/apps/shop_web/health')).body;
    assert.deepEqual(web.freshness, { newestQueryableBefore: min(0), queryableAt: min(2), seconds: 1_800 });
  });

  it('replaying every event (twice, in any order) changes nothing', async () => {
    const events = [
      completed('job-1', 0, [file('events', 'shop_web', 100), file('bad_rows', 'shop_web', 2)]),
      queryable('job-1', 2),
      completed('job-2', 10, [file('events', 'shop_web', 50)]),
      busEvent(ProcessingFailed, { ...ProcessingFailed.example, jobId: 'job-3', failedAt: min(20) }),
      loadFailed('load-1', 12),
      loadDone('load-1', 14),
      loadFailed('load-2', 16),
      expiredDays('shop_web', 'events', [1, 2], 17),
      expiredDays('shop_web', 'events', [3], 17),
      expiredDays('shop_ios', 'sessions', [1], 18),
    ];
    await deliver(...events);
    const before = await viewer.call('GET', '/api/pipeline/health');
    await deliver(...events, ...[...events].reverse());
    assert.deepEqual((await viewer.call('GET', '/api/pipeline/health')).body, before.body);
  });

  it('raises alarms: failing processing, failed loads, bad-row rate, stale data, runs never queryable', async () => {
    await deliver(
      completed('job-1', 0, [file('events', 'shop_web', 100), file('bad_rows', 'shop_web', 20)]),
      queryable('job-1', 2),
      completed('job-2', 5, [file('events', 'shop_web', 1)]),
      busEvent(ProcessingFailed, { ...ProcessingFailed.example, jobId: 'job-3', failedAt: min(20) }),
      loadFailed('load-1', 12),
      loadFailed('load-2', 13),
      loadDone('load-2', 15),
    );
    // Stale after max(3 × 900 s, 10 min) = 45 min.
    h.now.value = Date.parse(min(50));
    const body = (await viewer.call('GET', '/api/pipeline/health')).body;
    const web = body.apps.find((a: { appId: string }) => a.appId === 'shop_web');
    assert.deepEqual(web.alarms.map((a: { code: string }) => a.code), ['PROCESSING_FAILING', 'NOT_QUERYABLE', 'DATA_STALE', 'BAD_ROW_RATE', 'REDSHIFT_LOAD_FAILING']);
    assert.deepEqual(web.failedLoads.map((l: { loadId: string }) => l.loadId), ['load-1']);
    assert.ok(body.alarms.some((a: { appId: string; code: string }) => a.appId === 'shop_web' && a.code === 'BAD_ROW_RATE'));
    const ios = body.apps.find((a: { appId: string }) => a.appId === 'shop_ios');
    assert.deepEqual(ios.alarms.map((a: { code: string }) => a.code), ['PROCESSING_FAILING'], 'processing failures concern every app');

    await deliver(completed('job-3', 21, [file('events', 'shop_ios', 1)]), loadDone('load-1', 22));
    const after = (await viewer.call('GET', '/api/apps/shop_web/health')).body;
    assert.deepEqual(after.alarms.map((a: { code: string }) => a.code), ['NOT_QUERYABLE', 'DATA_STALE', 'BAD_ROW_RATE']);
  });

  it('an older load failure delivered after the completion does not resurrect the alarm', async () => {
    await deliver(loadDone('load-1', 14), loadFailed('load-1', 12));
    assert.deepEqual((await viewer.call('GET', '/api/apps/shop_web/health')).body.failedLoads, []);
  });
});

describe('appHealth', () => {
  it('does not judge the bad-row rate on a handful of rows, nor call an idle day stale', () => {
    const health = appHealth(
      { appId: 'a', enabled: true },
      { runs: [], failedLoads: [], retention: [], queryable: { jobId: 'j', startedAt: min(0), queryableAt: min(1) } },
      {},
      Date.parse(min(0)) + 2 * 24 * 3_600_000,
      { ...defaultThresholds, processIntervalSeconds: 900 },
    );
    assert.deepEqual(health.alarms, []);
    assert.equal(health.freshness.seconds, 2 * 24 * 3_600);
  });

  it('reads app ids from warehouse file keys', () => {
    assert.deepEqual(appIdsOfFiles(['events/app_id=b/year=2026/x.parquet', 'sessions/app_id=a/y', 'nothing/here', 'events/app_id=b/z']), ['a', 'b']);
  });
});

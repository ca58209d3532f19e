// Data retention: the service's copy of each app's retentionDays (App*.v1), and the daily run that
// deletes older day partitions of every table and announces them (PartitionsExpired.v1).
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { AppDeleted, AppRegistered, AppUpdated, PartitionsExpired, partitionLocation, type BusEvent, type DetailInputOf, type EventContract, type Partition, type TableName } from '@clickstream/contracts';
import { validatedDetail, type EventPublisher } from '@clickstream/lambda-kit';
import { FsObjectStore } from '@clickstream/runtime';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDbAppRetention } from '../src/adapters/aws/dynamodb-app-retention.js';
import { S3WarehousePartitions } from '../src/adapters/aws/s3-warehouse-partitions.js';
import { ObjectStoreAppRetention } from '../src/adapters/local/object-store-app-retention.js';
import { ObjectStoreExpiryAnnouncements } from '../src/adapters/local/object-store-expiry-announcements.js';
import { ObjectStoreWarehousePartitions } from '../src/adapters/local/object-store-warehouse-partitions.js';
import { applyRetention, retentionCutoff, type RetentionPorts } from '../src/domain/retention.js';
import { handler as onAppChanged } from '../src/handlers/on-app-changed.js';
import { handler as scheduleApplyRetention } from '../src/handlers/schedule-apply-retention.js';
import type { WarehousePartitions } from '../src/ports/app-retention.js';
import { useLocalRetentionPorts } from '../src/retention-wiring.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 29, 3, 15); // 2026-11-29 03:15 UTC
const context = { functionName: 'process', awsRequestId: 'r', getRemainingTimeInMillis: () => 900_000 } as unknown as Context;

class RecordingPublisher implements EventPublisher {
  readonly published: { detailType: string; detail: DetailInputOf<typeof PartitionsExpired> }[] = [];
  failure: Error | undefined;
  async publish<C extends EventContract>(contract: C, detail: DetailInputOf<C>): Promise<void> {
    if (this.failure) throw this.failure;
    this.published.push({ detailType: contract.detailType, detail: validatedDetail(contract, detail) as DetailInputOf<typeof PartitionsExpired> });
  }
}

function bus<C extends EventContract>(contract: C, detail: DetailInputOf<C>): BusEvent<unknown> {
  return { version: '0', id: 'e', 'detail-type': contract.detailType, source: contract.source, account: '0', time: '2026-11-29T10:00:00Z', region: 'eu-west-1', resources: [], detail };
}

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'process-retention-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** A local world: objects (state) and a warehouse folder, with the retention ports over them. */
async function world(t: TestContext) {
  const dir = await tempDir(t);
  const objects = new FsObjectStore(join(dir, 'objects'));
  const warehouse = new FsObjectStore(join(dir, 'warehouse'));
  const publisher = new RecordingPublisher();
  const now = { value: NOW };
  const ports: RetentionPorts = {
    retention: new ObjectStoreAppRetention(objects),
    partitions: new ObjectStoreWarehousePartitions(warehouse),
    announcements: new ObjectStoreExpiryAnnouncements(objects),
    publisher,
    clock: { now: () => now.value },
  };
  useLocalRetentionPorts(ports);
  const day = (daysAgo: number) => {
    const d = new Date(Date.UTC(2026, 10, 29) - daysAgo * DAY);
    return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
  };
  const file = async (table: TableName, appId: string, daysAgo: number, name = 'job-1-0.parquet') => {
    const key = `${partitionLocation({ table, appId, ...day(daysAgo) })}/${name}`;
    await warehouse.put(key, 'parquet');
    return key;
  };
  return { dir, objects, warehouse, publisher, ports, now, file, day };
}

const registered = (appId: string, revision: number, retentionDays?: number) =>
  bus(AppRegistered, { ...AppRegistered.example, appId, revision, ...(retentionDays === undefined ? { retentionDays: undefined } : { retentionDays }) });

describe('retention cutoff', () => {
  const cases: [number, number, string][] = [
    [NOW, 1, '2026-11-28'],
    [NOW, 30, '2026-10-30'],
    [Date.UTC(2026, 10, 29, 23, 59, 59), 1, '2026-11-28'],
    [Date.UTC(2026, 10, 29, 0, 0, 0), 1, '2026-11-28'],
    [Date.UTC(2026, 2, 1, 12), 1, '2026-02-28'],
    [Date.UTC(2028, 2, 1, 12), 1, '2028-02-29'],
    [Date.UTC(2027, 0, 1), 365, '2026-01-01'],
  ];
  for (const [now, days, cutoff] of cases) {
    it(`${new Date(now).toISOString()} keeping ${days} day(s) → first day kept ${cutoff}`, () => assert.equal(retentionCutoff(now, days), cutoff));
  }
});

describe('on-app-changed', () => {
  it('keeps the newest retention per app; replays and older revisions change nothing; a deletion keeps the retention', async (t) => {
    const { ports } = await world(t);
    await onAppChanged(registered('shop_web', 1, 30) as never, context);
    await onAppChanged(bus(AppUpdated, { ...AppUpdated.example, appId: 'shop_web', revision: 3, retentionDays: 7 }) as never, context);
    await onAppChanged(bus(AppUpdated, { ...AppUpdated.example, appId: 'shop_web', revision: 2, retentionDays: 99 }) as never, context);
    assert.deepEqual(await ports.retention.get('shop_web'), { appId: 'shop_web', retentionDays: 7, revision: 3, deleted: false });
    await onAppChanged(bus(AppDeleted, { appId: 'shop_web', projectId: 'shop', revision: 4, deletedAt: '2026-11-29T12:00:00.000Z' }) as never, context);
    assert.deepEqual(await ports.retention.get('shop_web'), { appId: 'shop_web', retentionDays: 7, revision: 4, deleted: true });
    // An event of an older producer without the field: keep everything.
    await onAppChanged(registered('blog_web', 1) as never, context);
    assert.equal((await ports.retention.get('blog_web'))?.retentionDays, 0);
  });
});

describe('schedule-apply-retention (local files)', () => {
  it('deletes every table’s day partitions before the cutoff, keeps the rest, and announces them once the files are gone', async (t) => {
    const w = await world(t);
    await onAppChanged(registered('shop_web', 1, 1) as never, context); // cutoff 2026-11-28
    await onAppChanged(registered('blog_web', 1, 0) as never, context); // keeps everything
    const old = [await w.file('events', 'shop_web', 3), await w.file('events', 'shop_web', 3, 'job-2-0.parquet'), await w.file('sessions', 'shop_web', 2), await w.file('bad_rows', 'shop_web', 40)];
    const kept = [await w.file('events', 'shop_web', 1), await w.file('events', 'shop_web', 0), await w.file('events', 'blog_web', 300)];

    const announced: boolean[] = [];
    w.publisher.publish = async function (this: RecordingPublisher, contract, detail) {
      const { partitions } = detail as DetailInputOf<typeof PartitionsExpired>;
      const left = await Promise.all(partitions.map((p) => w.warehouse.list(`${p.location}/`)));
      announced.push(left.every((keys) => keys.length === 0));
      return RecordingPublisher.prototype.publish.call(this, contract, detail);
    };
    await scheduleApplyRetention({ 'detail-type': 'Scheduled Event', source: 'aws.events', time: new Date(NOW).toISOString(), id: 't' } as never, context);

    for (const key of old) assert.equal(existsSync(w.warehouse.pathOf(key)), false, `${key} deleted`);
    for (const key of kept) assert.equal(existsSync(w.warehouse.pathOf(key)), true, `${key} kept`);
    assert.deepEqual(announced, [true, true, true], 'published only after the files were deleted');
    assert.deepEqual(
      w.publisher.published.map((p) => [p.detail.table, p.detail.cutoff, p.detail.retentionDays, p.detail.partitions.map((x) => `${x.year}-${x.month}-${x.day}`)]),
      [
        ['events', '2026-11-28', 1, ['2026-11-26']],
        ['sessions', '2026-11-28', 1, ['2026-11-27']],
        ['bad_rows', '2026-11-28', 1, ['2026-10-20']],
      ],
    );
    for (const p of w.publisher.published) assert.ok(PartitionsExpired.schema.safeParse(p.detail).success);
    // Emptied folders go too (up to the year), never the app's folder.
    assert.deepEqual(await readdir(join(w.dir, 'warehouse', 'bad_rows', 'app_id=shop_web')), []);
    assert.deepEqual(await readdir(join(w.dir, 'warehouse', 'events', 'app_id=shop_web', 'year=2026', 'month=11')), ['day=28', 'day=29']);

    // A second run finds nothing more to do and announces nothing.
    const before = w.publisher.published.length;
    const again = await applyRetention(w.ports);
    assert.deepEqual([again.expired, w.publisher.published.length], [[], before]);
  });

  it('a stop between deleting and publishing: the next run publishes the stored announcement', async (t) => {
    const w = await world(t);
    await onAppChanged(registered('shop_web', 1, 1) as never, context);
    const key = await w.file('items', 'shop_web', 5);
    w.publisher.failure = new Error('PutEvents unavailable');
    await assert.rejects(applyRetention(w.ports), /PutEvents unavailable/);
    assert.equal(existsSync(w.warehouse.pathOf(key)), false, 'files deleted');
    assert.equal(w.publisher.published.length, 0);

    w.publisher.failure = undefined;
    const run = await applyRetention(w.ports);
    assert.equal(run.leftovers, 1);
    assert.deepEqual(w.publisher.published.map((p) => [p.detail.table, p.detail.partitions.length]), [['items', 1]]);
    assert.deepEqual(await w.ports.announcements.list(), []);
  });

  it('stops at the deadline and carries on at the next run', async (t) => {
    const w = await world(t);
    await onAppChanged(registered('shop_web', 1, 1) as never, context);
    await w.file('events', 'shop_web', 5);
    await w.file('users', 'shop_web', 5);
    const run = await applyRetention(w.ports, { deadline: NOW - 1 });
    assert.deepEqual([run.incomplete, run.expired.length], [true, 0]);
    assert.equal((await applyRetention(w.ports)).expired.length, 2);
  });

  it('announces at most 500 partitions per event', async () => {
    const partitions: Partition[] = Array.from({ length: 1_201 }, (_, i) => {
      const d = new Date(Date.UTC(2020, 0, 1) + i * DAY);
      const p = { table: 'events' as const, appId: 'shop_web', year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
      return { ...p, location: partitionLocation(p) };
    });
    const deleted: string[] = [];
    const fake: WarehousePartitions = {
      listBefore: async (table) => (table === 'events' ? partitions : []),
      delete: async (p) => (deleted.push(p.location), 1),
    };
    const stored = new Map<string, DetailInputOf<typeof PartitionsExpired>>();
    const publisher = new RecordingPublisher();
    const run = await applyRetention({
      retention: { get: async () => undefined, put: async () => true, list: async () => [{ appId: 'shop_web', retentionDays: 30, revision: 1, deleted: false }] },
      partitions: fake,
      announcements: { add: async (id, d) => void stored.set(id, d), list: async () => [], remove: async (id) => void stored.delete(id) },
      publisher,
      clock: { now: () => NOW },
    });
    assert.deepEqual(publisher.published.map((p) => p.detail.partitions.length), [500, 500, 201]);
    assert.equal(deleted.length, 1_201);
    assert.equal(stored.size, 0);
    assert.deepEqual(run.expired, [{ appId: 'shop_web', table: 'events', partitions: 1_201, files: 1_201 }]);
  });
});

describe('S3WarehousePartitions', () => {
  it('walks year, month and day folders, skipping those that cannot hold an expired day', async () => {
    const client = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
    const mock = mockClient(client);
    const base = 'events/app_id=shop_web/';
    mock.on(ListObjectsV2Command, { Prefix: base }).resolves({ CommonPrefixes: [{ Prefix: `${base}year=2025/` }, { Prefix: `${base}year=2026/` }, { Prefix: `${base}year=2027/` }] });
    mock.on(ListObjectsV2Command, { Prefix: `${base}year=2025/` }).resolves({ CommonPrefixes: [{ Prefix: `${base}year=2025/month=12/` }] });
    mock
      .on(ListObjectsV2Command, { Prefix: `${base}year=2026/` })
      .resolves({ CommonPrefixes: [{ Prefix: `${base}year=2026/month=10/` }, { Prefix: `${base}year=2026/month=11/` }, { Prefix: `${base}year=2026/month=12/` }] });
    mock.on(ListObjectsV2Command, { Prefix: `${base}year=2025/month=12/` }).resolves({ CommonPrefixes: [{ Prefix: `${base}year=2025/month=12/day=31/` }] });
    mock.on(ListObjectsV2Command, { Prefix: `${base}year=2026/month=10/` }).resolves({ CommonPrefixes: [{ Prefix: `${base}year=2026/month=10/day=2/` }] });
    mock
      .on(ListObjectsV2Command, { Prefix: `${base}year=2026/month=11/` })
      .resolvesOnce({ CommonPrefixes: [{ Prefix: `${base}year=2026/month=11/day=27/` }], NextContinuationToken: 'next', IsTruncated: true })
      .resolvesOnce({ CommonPrefixes: [{ Prefix: `${base}year=2026/month=11/day=28/` }, { Prefix: `${base}year=2026/month=11/day=9/` }] });
    const out = await new S3WarehousePartitions('wh', client).listBefore('events', 'shop_web', '2026-11-28');
    assert.deepEqual(out.map((p) => p.location), [
      `${base}year=2025/month=12/day=31`,
      `${base}year=2026/month=10/day=2`,
      `${base}year=2026/month=11/day=9`,
      `${base}year=2026/month=11/day=27`,
    ]);
    const prefixes = mock.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input.Prefix);
    assert.ok(!prefixes.includes(`${base}year=2027/`), 'a later year is never listed');
    assert.ok(!prefixes.includes(`${base}year=2026/month=12/`), 'a later month of the cutoff year is never listed');
    assert.ok(mock.commandCalls(ListObjectsV2Command).every((c) => c.args[0].input.Delimiter === '/'));
  });

  it('deletes a partition’s objects in batches of 1,000; a key S3 keeps fails the run', async () => {
    const keys = Array.from({ length: 1_500 }, (_, i) => ({ Key: `events/app_id=a/year=2026/month=1/day=1/f${i}.parquet` }));
    const partition = { table: 'events' as const, appId: 'a', year: 2026, month: 1, day: 1, location: 'events/app_id=a/year=2026/month=1/day=1' };
    const client = new S3Client({ region: 'eu-west-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
    const m2 = mockClient(client);
    m2.on(ListObjectsV2Command).resolvesOnce({ Contents: keys.slice(0, 1_200), IsTruncated: true, NextContinuationToken: 'n' }).resolvesOnce({ Contents: keys.slice(1_200) });
    m2.on(DeleteObjectsCommand).resolves({});
    assert.equal(await new S3WarehousePartitions('wh', client).delete(partition), 1_500);
    const batches = m2.commandCalls(DeleteObjectsCommand).map((c) => c.args[0].input.Delete!.Objects!.length);
    assert.deepEqual(batches, [1_000, 200, 300]);
    assert.equal(m2.commandCalls(ListObjectsV2Command)[0]!.args[0].input.Prefix, `${partition.location}/`);

    m2.reset();
    m2.on(ListObjectsV2Command).resolves({ Contents: keys.slice(0, 2) });
    m2.on(DeleteObjectsCommand).resolves({ Errors: [{ Key: keys[1]!.Key, Code: 'AccessDenied', Message: 'no' }] });
    await assert.rejects(new S3WarehousePartitions('wh', client).delete(partition), /S3 kept 1 object\(s\).*AccessDenied/);
  });
});

describe('DynamoDbAppRetention', () => {
  it('writes conditionally on the revision it read', async (t) => {
    const client = new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 't', secretAccessKey: 't' } });
    const mock = mockClient(DynamoDBDocumentClient);
    t.after(() => mock.restore());
    mock.on(PutCommand).resolvesOnce({}).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    const store = new DynamoDbAppRetention('state', client);
    const app = { appId: 'shop_web', retentionDays: 30, revision: 2, deleted: false };
    assert.equal(await store.put(app, -1), true);
    assert.equal(await store.put(app, 1), false);
    const [first, second] = mock.commandCalls(PutCommand).map((c) => c.args[0].input);
    assert.deepEqual(first!.Item, { pk: 'APP_RETENTION', sk: 'shop_web', ...app });
    assert.equal(first!.ConditionExpression, 'attribute_not_exists(pk)');
    assert.deepEqual([second!.ConditionExpression, second!.ExpressionAttributeValues], ['revision = :expected', { ':expected': 1 }]);
  });
});

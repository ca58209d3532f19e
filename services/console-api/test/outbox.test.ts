// The transactional outbox: a change and its contract event are stored together; the event is
// published at once, or by a later dispatch (start-up, schedule) when publishing failed or the
// process stopped in between — in order per app / pipeline, never lost.
import { afterEach, beforeEach, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { AppRegistered, AppUpdated } from '@clickstream/contracts';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDbOutbox } from '../src/adapters/aws/dynamodb-outbox.js';
import { SqliteAppStore } from '../src/adapters/local/sqlite-control-plane.js';
import { openConsoleDatabase } from '../src/adapters/local/sqlite-database.js';
import { SqliteOutbox } from '../src/adapters/local/sqlite-outbox.js';
import type { ConsoleApp } from '../src/domain/model.js';
import { appSettingsOf } from '../src/domain/model.js';
import { appAggregate, dispatchOutbox, outboxMessage, retryDelayMs, SENT_RETENTION_MS, STUCK_AFTER_MS } from '../src/domain/outbox.js';
import { handler as scheduleDispatchOutbox } from '../src/handlers/schedule-dispatch-outbox.js';
import { harness, lambdaContext, RecordingPublisher, registeredEvent, T0, type Harness, type Session } from './support/harness.js';

const iso = (ms: number) => new Date(ms).toISOString();
const app: ConsoleApp = {
  appId: 'shop_web',
  projectId: 'shop',
  name: 'Shop',
  platform: 'Web',
  enabled: true,
  allowedOrigins: [],
  timezone: 'UTC',
  retentionDays: 30,
  revision: 1,
  createdAt: iso(T0),
  updatedAt: iso(T0),
};
const tick = { 'detail-type': 'Scheduled Event', source: 'aws.events', time: iso(T0), id: 'tick' } as const;

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'console-outbox-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('outbox (SQLite)', () => {
  it('a stop between the write and the publish: the next dispatch publishes the event exactly as it was built', async (t) => {
    const path = join(await tempDir(t), 'console.sqlite');
    const db = openConsoleDatabase(path);
    const event = registeredEvent(app);
    assert.equal(await new SqliteAppStore(db).create(app, event), true);
    db.close(); // the process stops here: stored, never published

    const reopened = openConsoleDatabase(path);
    t.after(() => reopened.close());
    const publisher = new RecordingPublisher();
    const ports = { outbox: new SqliteOutbox(reopened), publisher, clock: { now: () => T0 + 1_000 } };
    const result = await dispatchOutbox(ports);
    assert.deepEqual([result.sent, result.failed, result.deferred], [1, 0, 0]);
    assert.deepEqual(publisher.published, [{ detailType: 'AppRegistered.v1', detail: event.detail }]);
    assert.deepEqual(event.detail, { ...appSettingsOf(app), retentionDays: 30, registeredAt: iso(T0) }, 'the detail carries what the contract names');
    assert.equal((await dispatchOutbox(ports)).sent, 0, 'marked sent: not published again');
  });

  it('the change and its message are one transaction: a message that cannot be stored undoes the change', async () => {
    const db = openConsoleDatabase(':memory:');
    const store = new SqliteAppStore(db);
    const outbox = new SqliteOutbox(db);
    assert.equal(await store.create(app, registeredEvent(app)), true);
    // A second message at the same (aggregate, seq) is a bug; the update must not survive it.
    await assert.rejects(store.update({ ...app, name: 'Renamed', revision: 2 }, 1, registeredEvent(app)), /UNIQUE/);
    assert.equal((await store.get('shop_web'))?.name, 'Shop');
    assert.equal((await outbox.pending({ limit: 10 })).length, 1);
    // A refused change (stale revision) stores no message.
    assert.equal(await store.update({ ...app, revision: 3 }, 2, { ...registeredEvent(app), seq: 3 }), false);
    assert.deepEqual((await outbox.pending({ limit: 10 })).map((r) => r.seq), [1]);
    db.close();
  });

  it('claims: a record another dispatcher is publishing is left alone until its claim runs out', async () => {
    const db = openConsoleDatabase(':memory:');
    const outbox = new SqliteOutbox(db);
    await new SqliteAppStore(db).create(app, registeredEvent(app));
    const [record] = await outbox.pending({ limit: 10 });
    assert.ok(record);
    assert.equal(await outbox.claim(record, 'a', iso(T0), iso(T0 + 60_000)), true);
    assert.equal(await outbox.claim(record, 'b', iso(T0 + 1_000), iso(T0 + 61_000)), false);
    const publisher = new RecordingPublisher();
    const during = await dispatchOutbox({ outbox, publisher, clock: { now: () => T0 + 1_000 } });
    assert.deepEqual([during.sent, during.deferred, publisher.published.length], [0, 1, 0]);
    // 'a' died: after its claim expires the record is taken over and published.
    const after = await dispatchOutbox({ outbox, publisher, clock: { now: () => T0 + 60_000 } });
    assert.deepEqual([after.sent, publisher.published.length], [1, 1]);
    // A late failure report of 'a' does not undo the publish.
    await outbox.markFailed(record, 'a', { attempts: 1, error: 'late', nextAttemptAt: iso(T0) });
    assert.deepEqual(await outbox.pending({ limit: 10 }), []);
    db.close();
  });

  it('sent records are kept for a week, then pruned', async () => {
    const db = openConsoleDatabase(':memory:');
    const outbox = new SqliteOutbox(db);
    await new SqliteAppStore(db).create(app, registeredEvent(app));
    const ports = (now: number) => ({ outbox, publisher: new RecordingPublisher(), clock: { now: () => now } });
    await dispatchOutbox(ports(T0));
    const count = () => (db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n;
    await dispatchOutbox(ports(T0 + SENT_RETENTION_MS - 1));
    assert.equal(count(), 1);
    await dispatchOutbox(ports(T0 + SENT_RETENTION_MS + 1));
    assert.equal(count(), 0);
    db.close();
  });
});

describe('outbox through the API', () => {
  let h: Harness;
  let ops: Session;
  beforeEach(async () => {
    h = harness();
    await h.addUser('ops', 'Operator');
    ops = await h.signIn('ops');
    await ops.call('POST', '/api/projects', { body: { projectId: 'shop', name: 'Shop' } });
  });
  afterEach(() => h.close());

  it('publish fails: the change still succeeds, the event is retried with backoff and published in order with later ones', async () => {
    h.publisher.failure = new Error('PutEvents: ThrottlingException');
    const created = await ops.call('POST', '/api/projects/shop/apps', { body: { name: 'Web', platform: 'Web', retentionDays: 7 } });
    assert.equal(created.status, 201, 'the app exists: announcing it is the outbox’s job now');
    const [pending] = await h.ports.outbox.pending({ limit: 10 });
    assert.deepEqual([pending?.detailType, pending?.attempts, pending?.lastError], ['AppRegistered.v1', 1, 'PutEvents: ThrottlingException']);
    assert.equal(pending?.nextAttemptAt, iso(T0 + retryDelayMs(1)));

    // The bus is back, but the first event is still in backoff: the update must wait behind it.
    h.publisher.failure = undefined;
    const updated = await ops.call('PATCH', '/api/apps/shop_web', { body: { enabled: false } });
    assert.equal(updated.status, 200);
    assert.equal(h.publisher.published.length, 0, 'AppUpdated never overtakes AppRegistered');

    // A second failure doubles the wait.
    h.now.value = T0 + retryDelayMs(1);
    h.publisher.failure = new Error('still down');
    const second = await dispatchOutbox(h.ports);
    assert.deepEqual([second.sent, second.failed], [0, 1]);
    assert.equal((await h.ports.outbox.pending({ limit: 10 }))[0]?.nextAttemptAt, iso(h.now.value + retryDelayMs(2)));

    h.publisher.failure = undefined;
    h.now.value += retryDelayMs(2);
    const third = await dispatchOutbox(h.ports);
    assert.deepEqual([third.sent, third.failed, third.deferred], [2, 0, 0]);
    assert.deepEqual(
      h.publisher.published.map((p) => [p.detailType, p.detail.revision, p.detail.retentionDays]),
      [
        ['AppRegistered.v1', 1, 7],
        ['AppUpdated.v1', 2, 7],
      ],
    );
    assert.ok(AppRegistered.schema.safeParse(h.publisher.published[0]!.detail).success);
    assert.ok(AppUpdated.schema.safeParse(h.publisher.published[1]!.detail).success);
  });

  it('one aggregate waiting does not hold back another', async () => {
    h.publisher.failure = new Error('down');
    await ops.call('POST', '/api/projects/shop/apps', { body: { name: 'Web', platform: 'Web' } });
    h.publisher.failure = undefined;
    await ops.call('PUT', '/api/projects/shop/pipeline', { body: { basedOnVersion: 0, config: {} } });
    assert.deepEqual(h.publisher.published.map((p) => p.detailType), ['PipelineConfigChanged.v1']);
    assert.equal((await h.ports.outbox.pending({ limit: 10 }))[0]?.aggregate, appAggregate('shop_web'));
  });

  it('the scheduled dispatch publishes leftovers, and fails (DLQ, alarm) once one has waited too long', async () => {
    h.publisher.failure = new Error('down');
    await ops.call('POST', '/api/projects/shop/apps', { body: { name: 'Web', platform: 'Web' } });
    h.now.value = T0 + STUCK_AFTER_MS + 1;
    await assert.rejects(scheduleDispatchOutbox(tick, lambdaContext()), /outbox: a contract event has waited since 2026-11-29T10:00:00.000Z/);
    h.publisher.failure = undefined;
    h.now.value += retryDelayMs(2);
    await scheduleDispatchOutbox(tick, lambdaContext());
    assert.deepEqual(h.publisher.published.map((p) => p.detailType), ['AppRegistered.v1']);
  });

  it('an invalid detail fails the change instead of entering the outbox', () => {
    assert.throws(
      () => outboxMessage(AppUpdated, { ...appSettingsOf(app), allowedOrigins: 'everyone' } as never, { aggregate: 'APP#x', seq: 1, createdAt: iso(T0) }),
      /refusing to publish invalid AppUpdated.v1/,
    );
  });
});

describe('outbox (DynamoDB)', () => {
  const TABLE = 'clickstream-console';
  const setup = () => {
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }));
    return { dynamo: mockClient(doc), outbox: new DynamoDbOutbox(TABLE, doc) };
  };
  const item = (aggregate: string, seq: number, extra: Record<string, unknown> = {}) => ({
    pk: 'OUTBOX',
    sk: `${aggregate}#${String(seq).padStart(10, '0')}`,
    aggregate,
    seq,
    detailType: 'AppUpdated.v1',
    detail: JSON.stringify({ appId: 'shop_web', revision: seq }),
    createdAt: iso(T0),
    attempts: 0,
    ...extra,
  });
  const record = { aggregate: 'APP#shop_web', seq: 2, detailType: 'AppUpdated.v1', detail: {}, createdAt: iso(T0), attempts: 0 };

  it('reads unsent items in key order across pages, skipping sent ones by filter, up to the limit', async () => {
    const { dynamo, outbox } = setup();
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [item('APP#a', 1, { attempts: 2, lastError: 'x', nextAttemptAt: iso(T0) })], LastEvaluatedKey: { pk: 'OUTBOX', sk: 'APP#a#0000000001' } })
      .resolvesOnce({ Items: [item('APP#a', 2), item('APP#b', 1)] });
    const records = await outbox.pending({ limit: 2 });
    assert.deepEqual(
      records.map((r) => [r.aggregate, r.seq, r.attempts, r.detail]),
      [
        ['APP#a', 1, 2, { appId: 'shop_web', revision: 1 }],
        ['APP#a', 2, 0, { appId: 'shop_web', revision: 2 }],
      ],
    );
    assert.equal(records[0]?.lastError, 'x');
    const input = dynamo.commandCalls(QueryCommand)[0]!.args[0].input;
    assert.equal(input.FilterExpression, 'attribute_not_exists(sentAt)');
    assert.equal(input.ConsistentRead, true);

    dynamo.reset();
    dynamo.on(QueryCommand).resolves({ Items: [] });
    await outbox.pending({ aggregate: 'APP#shop_web', limit: 5 });
    const one = dynamo.commandCalls(QueryCommand)[0]!.args[0].input;
    assert.equal(one.KeyConditionExpression, 'pk = :pk AND begins_with(sk, :prefix)');
    assert.deepEqual(one.ExpressionAttributeValues, { ':pk': 'OUTBOX', ':prefix': 'APP#shop_web#' });
  });

  it('claims with a conditional update; a held or sent record is not claimed', async () => {
    const { dynamo, outbox } = setup();
    dynamo.on(UpdateCommand).resolvesOnce({}).rejects(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }));
    assert.equal(await outbox.claim(record, 'me', iso(T0), iso(T0 + 60_000)), true);
    assert.equal(await outbox.claim(record, 'me', iso(T0), iso(T0 + 60_000)), false);
    const input = dynamo.commandCalls(UpdateCommand)[0]!.args[0].input;
    assert.deepEqual(input.Key, { pk: 'OUTBOX', sk: 'APP#shop_web#0000000002' });
    assert.match(input.ConditionExpression!, /attribute_not_exists\(sentAt\) AND \(attribute_not_exists\(claimedUntil\) OR claimedUntil <= :now\)/);
    assert.deepEqual(input.ExpressionAttributeValues, { ':owner': 'me', ':until': iso(T0 + 60_000), ':now': iso(T0) });
  });

  it('marks sent with a TTL, and failed only while holding the claim', async () => {
    const { dynamo, outbox } = setup();
    dynamo.on(UpdateCommand).resolvesOnce({}).rejects(new ConditionalCheckFailedException({ message: 'not yours', $metadata: {} }));
    await outbox.markSent(record, iso(T0));
    await outbox.markFailed(record, 'me', { attempts: 3, error: 'boom', nextAttemptAt: iso(T0 + 20_000) }); // lost the claim: ignored
    const [sent, failed] = dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    assert.equal(sent!.UpdateExpression, 'SET sentAt = :sentAt, expiresAt = :expiresAt REMOVE claimedBy, claimedUntil');
    assert.equal(sent!.ExpressionAttributeValues![':expiresAt'], T0 / 1000 + 7 * 24 * 3600);
    assert.match(failed!.ConditionExpression!, /claimedBy = :owner/);
    assert.deepEqual(failed!.ExpressionAttributeValues, { ':attempts': 3, ':error': 'boom', ':next': iso(T0 + 20_000), ':owner': 'me' });
  });

  it('drives the dispatcher like the SQLite one: publish, then mark', async () => {
    const { dynamo, outbox } = setup();
    dynamo.on(UpdateCommand).resolves({});
    const publisher = new RecordingPublisher();
    const built = outboxMessage(
      AppUpdated,
      { ...appSettingsOf({ ...app, revision: 2 }), updatedAt: iso(T0) },
      { aggregate: appAggregate('shop_web'), seq: 2, createdAt: iso(T0) },
    );
    dynamo.on(QueryCommand).resolvesOnce({ Items: [item('APP#shop_web', 2, { detail: JSON.stringify(built.detail) })] }).resolves({ Items: [] });
    const result = await dispatchOutbox({ outbox, publisher, clock: { now: () => T0 } });
    assert.equal(result.sent, 1);
    assert.deepEqual(publisher.published, [{ detailType: 'AppUpdated.v1', detail: built.detail }]);
    const updates = dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input.UpdateExpression);
    assert.deepEqual(updates, ['SET claimedBy = :owner, claimedUntil = :until', 'SET sentAt = :sentAt, expiresAt = :expiresAt REMOVE claimedBy, claimedUntil']);
  });
});

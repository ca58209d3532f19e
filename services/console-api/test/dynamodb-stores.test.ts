import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbHealthStore } from '../src/adapters/aws/dynamodb-health.js';
import {
  DynamoDbAppStore,
  DynamoDbMetadataStore,
  DynamoDbPipelineConfigStore,
  DynamoDbProjectStore,
} from '../src/adapters/aws/dynamodb-stores.js';
import type { ConsoleApp, PipelineVersion, Project } from '../src/domain/model.js';
import { defaultPipelineConfig } from '../src/domain/pipeline-config.js';
import type { OutboxMessage } from '../src/ports/outbox.js';

const TABLE = 'clickstream-console';
const T = '2026-11-29T10:00:00.000Z';
const app: ConsoleApp = {
  appId: 'shop_web',
  projectId: 'shop',
  name: 'Shop website',
  platform: 'Web',
  enabled: true,
  allowedOrigins: ['https://shop.example.com'],
  timezone: 'UTC',
  retentionDays: 30,
  revision: 1,
  createdAt: T,
  updatedAt: T,
};
const project: Project = { projectId: 'shop', name: 'Shop', description: '', createdAt: T, updatedAt: T, revision: 1 };

function setup() {
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
  );
  return { dynamo: mockClient(doc), doc };
}
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
/** The transaction was cancelled because its first item's condition failed. */
const changeConditionFailed = () =>
  new TransactionCanceledException({ message: 'Transaction cancelled', $metadata: {}, CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }] });
const event = (aggregate: string, seq: number): OutboxMessage => ({ aggregate, seq, detailType: 'AppUpdated.v1', detail: { appId: 'shop_web', n: seq }, createdAt: T });
const outboxItem = (m: OutboxMessage) => ({
  Put: {
    TableName: TABLE,
    Item: { pk: 'OUTBOX', sk: `${m.aggregate}#${String(m.seq).padStart(10, '0')}`, aggregate: m.aggregate, seq: m.seq, detailType: m.detailType, detail: JSON.stringify(m.detail), createdAt: T, attempts: 0 },
    ConditionExpression: 'attribute_not_exists(sk)',
  },
});

describe('DynamoDbAppStore', () => {
  it('creates an app and its outbox message in one transaction, only if its id was never used', async () => {
    const { dynamo, doc } = setup();
    const store = new DynamoDbAppStore(TABLE, doc);
    dynamo.on(TransactWriteCommand).resolvesOnce({}).rejects(changeConditionFailed());
    assert.equal(await store.create(app, event('APP#shop_web', 1)), true);
    assert.equal(await store.create(app, event('APP#shop_web', 1)), false);
    assert.deepEqual(dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input, {
      TransactItems: [
        { Put: { TableName: TABLE, Item: { pk: 'APPS', sk: 'APP#shop_web', app, revision: 1 }, ConditionExpression: 'attribute_not_exists(sk)' } },
        outboxItem(event('APP#shop_web', 1)),
      ],
    });
    assert.equal(dynamo.commandCalls(PutCommand).length, 0, 'never a write outside the transaction');
  });

  it('a cancellation for another reason (the outbox item exists, a conflict) is an error, not a lost race', async () => {
    const { dynamo, doc } = setup();
    const store = new DynamoDbAppStore(TABLE, doc);
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'None' }, { Code: 'ConditionalCheckFailed' }] }),
    );
    await assert.rejects(store.create(app, event('APP#shop_web', 1)), /not written \(None, ConditionalCheckFailed\)/);
    dynamo.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }] }),
    );
    await assert.rejects(store.create(app, event('APP#shop_web', 1)), /TransactionConflict/);
  });

  it('updates and deletes (as a tombstone) only at the expected revision, with their outbox messages', async () => {
    const { dynamo, doc } = setup();
    const store = new DynamoDbAppStore(TABLE, doc);
    dynamo.on(TransactWriteCommand).resolvesOnce({}).rejects(changeConditionFailed());
    dynamo.on(GetCommand).resolves({ Item: { pk: 'APPS', sk: 'APP#shop_web', app } });
    assert.equal(await store.update({ ...app, revision: 2 }, 1, event('APP#shop_web', 2)), true);
    assert.equal(await store.delete('shop_web', 3, 2, T, event('APP#shop_web', 3)), false);
    const [update, tombstone] = dynamo.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);
    assert.match(update![0]!.Put!.ConditionExpression!, /attribute_not_exists\(deletedAt\) AND \(revision = :expected OR \(attribute_not_exists\(revision\) AND app\.revision = :expected\)\)/);
    assert.deepEqual(update![0]!.Put!.ExpressionAttributeValues, { ':expected': 1 });
    assert.deepEqual(update![1], outboxItem(event('APP#shop_web', 2)));
    assert.deepEqual(tombstone![0]!.Put!.Item, { pk: 'APPS', sk: 'APP#shop_web', revision: 3, deletedAt: T, projectId: 'shop' });
    assert.deepEqual(tombstone![1], outboxItem(event('APP#shop_web', 3)));
  });

  it('gets and lists live apps across pages; tombstones and legacy items are handled', async () => {
    const { dynamo, doc } = setup();
    const store = new DynamoDbAppStore(TABLE, doc);
    const legacy = { appId: 'blog_web', projectId: 'blog', name: 'Blog', platform: 'Web', enabled: true, allowedOrigins: [], timezone: 'UTC', revision: 1 };
    dynamo.on(GetCommand, { Key: { pk: 'APPS', sk: 'APP#shop_web' } }).resolves({ Item: { pk: 'APPS', sk: 'APP#shop_web', app } });
    dynamo.on(GetCommand, { Key: { pk: 'APPS', sk: 'APP#gone' } }).resolves({ Item: { pk: 'APPS', sk: 'APP#gone', revision: 2, deletedAt: T } });
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ app }, { sk: 'APP#gone', revision: 2, deletedAt: T }], LastEvaluatedKey: { pk: 'APPS', sk: 'APP#gone' } })
      .resolvesOnce({ Items: [{ app: legacy }] });
    assert.deepEqual(await store.get('shop_web'), app);
    assert.equal(await store.get('gone'), undefined);
    assert.deepEqual(await store.list(), [
      app,
      { ...legacy, retentionDays: 0, createdAt: '1970-01-01T00:00:00.000Z', updatedAt: '1970-01-01T00:00:00.000Z' },
    ]);
    assert.deepEqual(dynamo.commandCalls(QueryCommand)[1]!.args[0].input.ExclusiveStartKey, { pk: 'APPS', sk: 'APP#gone' });
  });
});

describe('DynamoDbProjectStore', () => {
  it('creates, updates and deletes conditionally', async () => {
    const { dynamo, doc } = setup();
    const store = new DynamoDbProjectStore(TABLE, doc);
    dynamo.on(PutCommand).resolves({});
    dynamo.on(DeleteCommand).rejects(conditionFailed());
    assert.equal(await store.create(project), true);
    assert.equal(await store.update({ ...project, revision: 2 }, 1), true);
    assert.equal(await store.delete('shop', 1), false);
    const [create, update] = dynamo.commandCalls(PutCommand).map((c) => c.args[0].input);
    assert.deepEqual(create, { TableName: TABLE, Item: { pk: 'PROJECTS', sk: 'PROJECT#shop', project, revision: 1 }, ConditionExpression: 'attribute_not_exists(sk)' });
    assert.deepEqual([update!.ConditionExpression, update!.ExpressionAttributeValues], ['revision = :expected', { ':expected': 1 }]);
  });
});

describe('DynamoDbPipelineConfigStore', () => {
  const v = (version: number): PipelineVersion => ({ projectId: 'shop', version, config: defaultPipelineConfig, changedBy: 'ops', changedAt: T });

  it('appends versions under sortable keys with their outbox message, refusing a version that exists', async () => {
    const { dynamo, doc } = setup();
    const store = new DynamoDbPipelineConfigStore(TABLE, doc);
    dynamo.on(TransactWriteCommand).resolvesOnce({}).rejects(changeConditionFailed());
    assert.equal(await store.append(v(12), event('PIPELINE#shop', 12)), true);
    assert.equal(await store.append(v(12), event('PIPELINE#shop', 12)), false);
    const [items] = dynamo.commandCalls(TransactWriteCommand).map((c) => c.args[0].input.TransactItems!);
    assert.deepEqual(items![0]!.Put!.Item, { pk: 'PIPELINE#shop', sk: 'V#0000000012', version: v(12) });
    assert.deepEqual(items![1], outboxItem(event('PIPELINE#shop', 12)));
  });

  it('reads the latest version with one descending query', async () => {
    const { dynamo, doc } = setup();
    const store = new DynamoDbPipelineConfigStore(TABLE, doc);
    dynamo.on(QueryCommand).resolves({ Items: [{ version: v(3) }] });
    assert.deepEqual(await store.latest('shop'), v(3));
    const input = dynamo.commandCalls(QueryCommand)[0]!.args[0].input;
    assert.deepEqual([input.ScanIndexForward, input.Limit, input.ExpressionAttributeValues], [false, 1, { ':pk': 'PIPELINE#shop' }]);
  });
});

describe('DynamoDbMetadataStore', () => {
  it('keeps one item per app, kind and name', async () => {
    const { dynamo, doc } = setup();
    const store = new DynamoDbMetadataStore(TABLE, doc);
    dynamo.on(PutCommand).resolves({});
    dynamo.on(DeleteCommand).resolves({});
    const annotation = { appId: 'shop_web', kind: 'event' as const, name: 'add_to_cart', displayName: 'Add to cart', description: '', updatedBy: 'ana', updatedAt: T };
    await store.put(annotation);
    assert.equal(await store.remove('shop_web', 'event', 'add_to_cart'), true);
    assert.deepEqual(dynamo.commandCalls(PutCommand)[0]!.args[0].input.Item, { pk: 'META#shop_web', sk: 'event#add_to_cart', annotation });
    assert.deepEqual(dynamo.commandCalls(DeleteCommand)[0]!.args[0].input.Key, { pk: 'META#shop_web', sk: 'event#add_to_cart' });
  });
});

describe('DynamoDbHealthStore', () => {
  it('keeps the latest event of each kind with a conditional write', async () => {
    const { dynamo, doc } = setup();
    const store = new DynamoDbHealthStore(TABLE, doc);
    dynamo.on(PutCommand).resolvesOnce({}).rejectsOnce(conditionFailed()).rejects(new Error('ThrottlingException'));
    await store.record('ProcessingCompleted.v1', T, { jobId: 'job-1' });
    await store.record('ProcessingCompleted.v1', T, {});
    await assert.rejects(store.record('ProcessingCompleted.v1', T, {}), /ThrottlingException/);
    assert.deepEqual(dynamo.commandCalls(PutCommand)[0]!.args[0].input, {
      TableName: TABLE,
      Item: { pk: 'HEALTH', sk: 'ProcessingCompleted.v1', at: T, summary: { jobId: 'job-1' } },
      ConditionExpression: 'attribute_not_exists(sk) OR #at <= :at',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':at': T },
    });
  });

  it('a run writes its job, per-app run items and last run; the queryable mark follows once both halves are in', async () => {
    const { dynamo, doc } = setup();
    const store = new DynamoDbHealthStore(TABLE, doc);
    dynamo.on(PutCommand).resolves({});
    dynamo
      .on(UpdateCommand)
      .resolvesOnce({ Attributes: { startedAt: T, completedAt: T, apps: ['shop_web'] } })
      .resolvesOnce({ Attributes: { startedAt: T, apps: ['shop_web'], queryableAt: '2026-11-29T10:01:00.000Z' } });
    await store.recordRun({ jobId: 'job-1', startedAt: T, completedAt: T, apps: { shop_web: { events: 5, badRows: 1 } } });
    const puts = dynamo.commandCalls(PutCommand).map((c) => c.args[0].input.Item!);
    assert.deepEqual(puts.map((i) => i.sk), [`RUN#${T}#job-1`, 'LASTRUN'], 'no QUERYABLE yet');
    assert.deepEqual([puts[0]!.pk, puts[0]!.events, puts[0]!.badRows, typeof puts[0]!.expiresAt], ['APPHEALTH#shop_web', 5, 1, 'number']);

    await store.recordQueryable('job-1', '2026-11-29T10:01:00.000Z');
    const update = dynamo.commandCalls(UpdateCommand)[1]!.args[0].input;
    assert.match(update.UpdateExpression!, /queryableAt = if_not_exists\(queryableAt, :q\)/);
    const mark = dynamo.commandCalls(PutCommand).at(-1)!.args[0].input;
    assert.deepEqual(mark.Item, { pk: 'APPHEALTH#shop_web', sk: 'QUERYABLE', jobId: 'job-1', startedAt: T, queryableAt: '2026-11-29T10:01:00.000Z' });
    assert.equal(mark.ConditionExpression, 'attribute_not_exists(sk) OR #f <= :v');
  });

  it('load outcomes: newer wins, a completion beats a failure at the same instant', async () => {
    const { dynamo, doc } = setup();
    const store = new DynamoDbHealthStore(TABLE, doc);
    dynamo.on(PutCommand).resolves({});
    await store.recordLoad({ loadId: 'l1', table: 'events', status: 'failed', at: T, appIds: ['a', 'b'], attempt: 2, error: { code: 'COPY_FAILED', message: 'x' } });
    await store.recordLoad({ loadId: 'l1', table: 'events', status: 'completed', at: T, appIds: ['a'] });
    const calls = dynamo.commandCalls(PutCommand).map((c) => c.args[0].input);
    assert.deepEqual(calls.map((c) => c.Item!.pk), ['APPHEALTH#a', 'APPHEALTH#b', 'APPHEALTH#a']);
    assert.deepEqual(calls.map((c) => c.ConditionExpression), [
      'attribute_not_exists(sk) OR #at < :at',
      'attribute_not_exists(sk) OR #at < :at',
      'attribute_not_exists(sk) OR #at <= :at',
    ]);
  });

  it("reads an app's records: runs since a time (one per job), last run, queryable mark, failed loads", async () => {
    const { dynamo, doc } = setup();
    const store = new DynamoDbHealthStore(TABLE, doc);
    const run = (jobId: string, completedAt: string) => ({ jobId, startedAt: T, completedAt, events: 1, badRows: 0 });
    dynamo.on(QueryCommand, { KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to' }).resolves({
      Items: [run('job-1', '2026-11-29T10:01:00.000Z'), run('job-1', '2026-11-29T10:02:00.000Z'), run('job-2', '2026-11-29T10:03:00.000Z')],
    });
    dynamo.on(QueryCommand, { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :load)' }).resolves({
      Items: [{ loadId: 'l1', table: 'events', status: 'failed', at: T, attempt: 2, error: { code: 'COPY_FAILED', message: 'x' } }],
    });
    dynamo.on(GetCommand, { Key: { pk: 'APPHEALTH#a', sk: 'LASTRUN' } }).resolves({ Item: { jobId: 'job-2', startedAt: T, completedAt: T } });
    dynamo.on(GetCommand, { Key: { pk: 'APPHEALTH#a', sk: 'QUERYABLE' } }).resolves({});
    dynamo.on(GetCommand, { Key: { pk: 'APPHEALTH#a', sk: 'RETENTION' } }).resolves({});
    const records = await store.appRecords('a', T);
    assert.deepEqual(records.runs.map((r) => [r.jobId, r.completedAt]), [
      ['job-1', '2026-11-29T10:02:00.000Z'],
      ['job-2', '2026-11-29T10:03:00.000Z'],
    ]);
    assert.deepEqual(records.lastRun, { jobId: 'job-2', startedAt: T, completedAt: T });
    assert.equal(records.queryable, undefined);
    assert.deepEqual(records.retention, [], 'no retention run yet');
    assert.deepEqual(records.failedLoads, [{ loadId: 'l1', table: 'events', attempt: 2, error: { code: 'COPY_FAILED', message: 'x' }, failedAt: T }]);
    const runQuery = dynamo.commandCalls(QueryCommand).find((c) => c.args[0].input.KeyConditionExpression?.includes('BETWEEN'))!.args[0].input;
    assert.deepEqual(runQuery.ExpressionAttributeValues, { ':pk': 'APPHEALTH#a', ':from': `RUN#${T}`, ':to': 'RUN#\uffff' });
  });
});

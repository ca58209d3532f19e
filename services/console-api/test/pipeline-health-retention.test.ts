// The last retention run per app, in both health stores: events of one run add up (a table's
// partitions may span several events), a newer run replaces it, an older or repeated event changes
// nothing. SQLite for real; DynamoDB through aws-sdk-client-mock, first with its exact requests,
// then with a stand-in that applies their conditions so the same scenario runs on both.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { PartitionsExpired, partitionLocation, type TableName } from '@clickstream/contracts';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbHealthStore } from '../src/adapters/aws/dynamodb-health.js';
import { openConsoleDatabase } from '../src/adapters/local/sqlite-database.js';
import { SqliteHealthStore } from '../src/adapters/local/sqlite-health.js';
import { expiredPartitionsOf, retentionRunOf } from '../src/domain/pipeline-health.js';
import type { ExpiredPartitions, PipelineHealthStore } from '../src/ports/pipeline-health.js';

const TABLE = 'clickstream-console';
const RUN_1 = '2026-11-28T03:15:00.000Z';
const RUN_2 = '2026-11-29T03:15:00.000Z';

/** One PartitionsExpired.v1 of `appId`'s `table`, expiring the given days of October 2025. */
function expired(appId: string, table: TableName, days: number[], expiredAt = RUN_2, cutoff = '2025-10-30'): ExpiredPartitions {
  return expiredPartitionsOf(
    PartitionsExpired.schema.parse({
      appId,
      table,
      cutoff,
      retentionDays: 395,
      partitions: days.map((day) => ({ table, appId, year: 2025, month: 10, day, location: partitionLocation({ table, appId, year: 2025, month: 10, day }) })),
      // Producers may write any offset: the store compares canonical UTC text.
      expiredAt: expiredAt.replace('.000Z', '+00:00'),
    }),
  );
}

function documentClient() {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }));
  return { doc, dynamo: mockClient(doc) };
}
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

/**
 * Just enough of DynamoDB for the RETENTION item: Put/Update apply the adapter's conditions, Get
 * reads back. Other reads of appRecords answer empty. A request of another shape fails the test.
 */
function retentionTable() {
  const { doc, dynamo } = documentClient();
  const items = new Map<string, Record<string, unknown>>();
  const id = (key: Record<string, unknown>) => `${String(key.pk)}|${String(key.sk)}`;
  dynamo.on(PutCommand).callsFake((input: { Item: Record<string, unknown>; ConditionExpression: string; ExpressionAttributeValues: Record<string, unknown> }) => {
    assert.equal(input.ConditionExpression, 'attribute_not_exists(sk) OR expiredAt < :at');
    const current = items.get(id(input.Item));
    if (current && !(String(current.expiredAt) < String(input.ExpressionAttributeValues[':at']))) throw conditionFailed();
    items.set(id(input.Item), structuredClone(input.Item));
    return {};
  });
  dynamo
    .on(UpdateCommand)
    .callsFake((input: { Key: Record<string, unknown>; UpdateExpression: string; ConditionExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, unknown> }) => {
      assert.deepEqual([input.UpdateExpression, input.ConditionExpression], ['SET parts.#part = :part', 'expiredAt = :at']);
      const current = items.get(id(input.Key));
      if (!current || current.expiredAt !== input.ExpressionAttributeValues[':at']) throw conditionFailed();
      (current.parts as Record<string, unknown>)[input.ExpressionAttributeNames['#part']!] = structuredClone(input.ExpressionAttributeValues[':part']);
      return {};
    });
  dynamo.on(GetCommand).callsFake((input: { Key: Record<string, unknown> }) => {
    const item = items.get(id(input.Key));
    return item ? { Item: structuredClone(item) } : {};
  });
  dynamo.on(QueryCommand).resolves({ Items: [] });
  return { store: new DynamoDbHealthStore(TABLE, doc), dynamo, items };
}

function sqliteStore(t: { after: (fn: () => void) => void }) {
  const db = openConsoleDatabase(':memory:');
  t.after(() => db.close());
  return new SqliteHealthStore(db);
}

const lastRun = async (store: PipelineHealthStore, appId: string) => retentionRunOf((await store.appRecords(appId, RUN_1)).retention);

for (const [name, open] of [
  ['SqliteHealthStore', sqliteStore],
  ['DynamoDbHealthStore', () => retentionTable().store],
] as const) {
  describe(`${name}: last retention run per app`, () => {
    it('adds up the events of one run per table, whatever order and however often they arrive', async (t) => {
      const store = open(t);
      const events = [expired('shop_web', 'events', [27, 28, 29]), expired('shop_web', 'events', [1, 2]), expired('shop_web', 'sessions', [28, 29])];
      for (const e of [...events, ...[...events].reverse(), events[0]!]) await store.recordRetention(e);
      assert.deepEqual(await lastRun(store, 'shop_web'), {
        at: RUN_2,
        cutoff: '2025-10-30',
        retentionDays: 395,
        partitions: 7,
        tables: [
          { table: 'events', partitions: 5, oldestDay: '2025-10-01', newestDay: '2025-10-29' },
          { table: 'sessions', partitions: 2, oldestDay: '2025-10-28', newestDay: '2025-10-29' },
        ],
      });
      assert.equal(await lastRun(store, 'blog_web'), null, 'another app has had none');
    });

    it('a newer run replaces the last one; an event of an older run, late or replayed, changes nothing', async (t) => {
      const store = open(t);
      await store.recordRetention(expired('shop_web', 'events', [27, 28], RUN_1, '2025-10-29'));
      await store.recordRetention(expired('shop_web', 'users', [27], RUN_1, '2025-10-29'));
      await store.recordRetention(expired('blog_web', 'events', [3], RUN_1, '2025-10-29'));
      await store.recordRetention(expired('shop_web', 'events', [29], RUN_2));
      await store.recordRetention(expired('shop_web', 'sessions', [20], RUN_1, '2025-10-29'));
      assert.deepEqual(await lastRun(store, 'shop_web'), {
        at: RUN_2,
        cutoff: '2025-10-30',
        retentionDays: 395,
        partitions: 1,
        tables: [{ table: 'events', partitions: 1, oldestDay: '2025-10-29', newestDay: '2025-10-29' }],
      });
      assert.equal((await lastRun(store, 'blog_web'))?.at, RUN_1, 'each app keeps its own');
    });
  });
}

describe('DynamoDbHealthStore.recordRetention requests', () => {
  const part = expired('shop_web', 'events', [28, 29]);
  const key = { pk: 'APPHEALTH#shop_web', sk: 'RETENTION' };
  const partName = 'events#events/app_id=shop_web/year=2025/month=10/day=28';

  it('an event of the stored run is added to it by its table and first partition', async () => {
    const { doc, dynamo } = documentClient();
    dynamo.on(UpdateCommand).resolves({});
    await new DynamoDbHealthStore(TABLE, doc).recordRetention(part);
    assert.deepEqual(dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input), [
      {
        TableName: TABLE,
        Key: key,
        UpdateExpression: 'SET parts.#part = :part',
        ConditionExpression: 'expiredAt = :at',
        ExpressionAttributeNames: { '#part': partName },
        ExpressionAttributeValues: { ':part': part, ':at': RUN_2 },
      },
    ]);
    assert.equal(dynamo.commandCalls(PutCommand).length, 0);
  });

  it('the first event of a newer run replaces the item (no TTL: the last run is kept however old)', async () => {
    const { doc, dynamo } = documentClient();
    dynamo.on(UpdateCommand).rejects(conditionFailed());
    dynamo.on(PutCommand).resolves({});
    await new DynamoDbHealthStore(TABLE, doc).recordRetention(part);
    assert.deepEqual(dynamo.commandCalls(PutCommand).map((c) => c.args[0].input), [
      {
        TableName: TABLE,
        Item: { ...key, expiredAt: RUN_2, parts: { [partName]: part } },
        ConditionExpression: 'attribute_not_exists(sk) OR expiredAt < :at',
        ExpressionAttributeValues: { ':at': RUN_2 },
      },
    ]);
  });

  it('losing the race to another event of the same run adds to what it wrote; a newer stored run is left alone', async () => {
    const { doc, dynamo } = documentClient();
    dynamo.on(UpdateCommand).rejectsOnce(conditionFailed()).resolvesOnce({}).rejects(conditionFailed());
    dynamo.on(PutCommand).rejects(conditionFailed());
    const store = new DynamoDbHealthStore(TABLE, doc);
    await store.recordRetention(part);
    assert.deepEqual([dynamo.commandCalls(UpdateCommand).length, dynamo.commandCalls(PutCommand).length], [2, 1]);
    await store.recordRetention(part);
    assert.deepEqual([dynamo.commandCalls(UpdateCommand).length, dynamo.commandCalls(PutCommand).length], [4, 2], 'three conditional misses: a newer run is stored');
  });

  it('any other error fails the delivery, so it is retried', async () => {
    const { doc, dynamo } = documentClient();
    dynamo.on(UpdateCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    await assert.rejects(new DynamoDbHealthStore(TABLE, doc).recordRetention(part), /ProvisionedThroughputExceededException/);
  });

  it('reads the run back from the item, in table and partition order', async () => {
    const { store, items } = retentionTable();
    const sessions = expired('shop_web', 'sessions', [3]);
    items.set('APPHEALTH#shop_web|RETENTION', { ...key, expiredAt: RUN_2, parts: { z: sessions, a: part } });
    assert.deepEqual((await store.appRecords('shop_web', RUN_1)).retention, [part, sessions]);
  });
});

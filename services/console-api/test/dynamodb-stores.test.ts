import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AppSettings } from '@clickstream/contracts';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbAppStore, DynamoDbHealthStore } from '../src/adapters/aws/dynamodb-stores.js';

const TABLE = 'clickstream-console';
const app: AppSettings = {
  appId: 'shop_web',
  projectId: 'shop',
  name: 'Shop website',
  platform: 'Web',
  enabled: true,
  allowedOrigins: ['https://shop.example.com'],
  timezone: 'UTC',
  revision: 1,
};

function setup() {
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
  );
  return { dynamo: mockClient(doc), doc };
}
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('DynamoDbAppStore', () => {
  it('creates an app only if its id is free', async () => {
    const { dynamo, doc } = setup();
    const store = new DynamoDbAppStore(TABLE, doc);
    dynamo.on(PutCommand).resolvesOnce({}).rejects(conditionFailed());
    assert.equal(await store.create(app), true);
    assert.equal(await store.create(app), false);
    assert.deepEqual(dynamo.commandCalls(PutCommand)[0]!.args[0].input, {
      TableName: TABLE,
      Item: { pk: 'APPS', sk: 'APP#shop_web', app },
      ConditionExpression: 'attribute_not_exists(sk)',
    });
  });

  it('gets and lists apps across pages', async () => {
    const { dynamo, doc } = setup();
    const store = new DynamoDbAppStore(TABLE, doc);
    const blog = { ...app, appId: 'blog_web' };
    dynamo.on(GetCommand, { Key: { pk: 'APPS', sk: 'APP#shop_web' } }).resolves({ Item: { pk: 'APPS', sk: 'APP#shop_web', app } });
    dynamo.on(GetCommand, { Key: { pk: 'APPS', sk: 'APP#nope' } }).resolves({});
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [{ app }], LastEvaluatedKey: { pk: 'APPS', sk: 'APP#shop_web' } })
      .resolvesOnce({ Items: [{ app: blog }] });
    assert.deepEqual(await store.get('shop_web'), app);
    assert.equal(await store.get('nope'), undefined);
    assert.deepEqual(await store.list(), [app, blog]);
  });
});

describe('DynamoDbHealthStore', () => {
  it('writes the event only if no newer one of its kind is stored', async () => {
    const { dynamo, doc } = setup();
    const store = new DynamoDbHealthStore(TABLE, doc);
    dynamo.on(PutCommand).resolves({});
    await store.record('ProcessingCompleted.v1', '2026-11-29T10:15:00.000Z', { jobId: 'job-1' });
    assert.deepEqual(dynamo.commandCalls(PutCommand)[0]!.args[0].input, {
      TableName: TABLE,
      Item: { pk: 'HEALTH', sk: 'ProcessingCompleted.v1', at: '2026-11-29T10:15:00.000Z', summary: { jobId: 'job-1' } },
      ConditionExpression: 'attribute_not_exists(sk) OR #at <= :at',
      ExpressionAttributeNames: { '#at': 'at' },
      ExpressionAttributeValues: { ':at': '2026-11-29T10:15:00.000Z' },
    });
  });

  it('an older event (condition failed) is silently ignored; other errors propagate', async () => {
    const { dynamo, doc } = setup();
    const store = new DynamoDbHealthStore(TABLE, doc);
    dynamo.on(PutCommand).rejectsOnce(conditionFailed()).rejects(new Error('ThrottlingException'));
    await store.record('ProcessingCompleted.v1', '2026-11-29T10:00:00.000Z', {});
    await assert.rejects(store.record('ProcessingCompleted.v1', '2026-11-29T10:00:00.000Z', {}), /ThrottlingException/);
  });

  it('reads the latest event of each kind', async () => {
    const { dynamo, doc } = setup();
    const store = new DynamoDbHealthStore(TABLE, doc);
    dynamo.on(QueryCommand).resolves({
      Items: [{ pk: 'HEALTH', sk: 'ProcessingCompleted.v1', at: '2026-11-29T10:15:00.000Z', summary: { jobId: 'job-1' } }],
    });
    assert.deepEqual(await store.latest(), {
      'ProcessingCompleted.v1': { at: '2026-11-29T10:15:00.000Z', summary: { jobId: 'job-1' } },
    });
  });
});

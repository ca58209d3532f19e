import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ProcessingCompleted } from '@clickstream/contracts';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbFileTracker } from '../src/adapters/aws/dynamodb-file-tracker.js';
import { trackRunFiles } from '../src/domain/track-files.js';
import type { TrackedFile } from '../src/ports/file-tracker.js';

const TABLE = 'clickstream-redshift-files';
const NOW = Date.UTC(2026, 10, 29, 10, 20);
const FILE: TrackedFile = {
  key: 'events/app_id=shop_web/year=2026/month=11/day=29/job-00000000000000000000-00000000000000000012.parquet',
  table: 'events',
  appId: 'shop_web',
  rows: 10,
  jobId: 'job-00000000000000000000-00000000000000000012',
};

function setup() {
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
  );
  const dynamo = mockClient(doc);
  return { dynamo, tracker: new DynamoDbFileTracker(TABLE, doc, { now: () => NOW }) };
}

const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

describe('DynamoDbFileTracker.recordNew', () => {
  it('puts the file as NEW with a condition that the key does not exist yet', async () => {
    const { dynamo, tracker } = setup();
    dynamo.on(PutCommand).resolves({});
    assert.equal(await tracker.recordNew(FILE), true);
    assert.deepEqual(
      dynamo.commandCalls(PutCommand).map((c) => c.args[0].input),
      [
        {
          TableName: TABLE,
          Item: { ...FILE, status: 'NEW', attempts: 0, updatedAt: NOW },
          ConditionExpression: 'attribute_not_exists(#k)',
          ExpressionAttributeNames: { '#k': 'key' },
        },
      ],
    );
  });

  it('answers false when the condition fails: the file is already known', async () => {
    const { dynamo, tracker } = setup();
    dynamo.on(PutCommand).rejects(conditionFailed());
    assert.equal(await tracker.recordNew(FILE), false);
  });

  it('lets any other error through, so the delivery is retried', async () => {
    const { dynamo, tracker } = setup();
    dynamo.on(PutCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    await assert.rejects(tracker.recordNew(FILE), /ProvisionedThroughputExceededException/);
  });

  it('with trackRunFiles, a replayed run records nothing new', async () => {
    const { dynamo, tracker } = setup();
    const seen = new Set<string>();
    dynamo.on(PutCommand).callsFake(async (input: { Item: { key: string } }) => {
      if (seen.has(input.Item.key)) throw conditionFailed();
      seen.add(input.Item.key);
      return {};
    });
    const run = ProcessingCompleted.schema.parse({
      ...ProcessingCompleted.example,
      files: [
        { table: 'events', appId: 'shop_web', key: FILE.key, rows: 10 },
        { table: 'bad_rows', appId: 'shop_web', key: FILE.key.replace('events/', 'bad_rows/'), rows: 1 },
      ],
    });
    assert.deepEqual(await trackRunFiles(tracker, run), { recorded: 2, known: 0, notTargeted: 0 });
    assert.deepEqual(await trackRunFiles(tracker, run), { recorded: 0, known: 2, notTargeted: 0 });
  });
});

describe('DynamoDbFileTracker.countByStatus', () => {
  it('counts through the status index across pages', async () => {
    const { dynamo, tracker } = setup();
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Count: 100, LastEvaluatedKey: { key: 'k100', status: 'NEW' } })
      .resolvesOnce({ Count: 7 });
    assert.equal(await tracker.countByStatus('NEW'), 107);
    const inputs = dynamo.commandCalls(QueryCommand).map((c) => c.args[0].input);
    assert.deepEqual(inputs[0], {
      TableName: TABLE,
      IndexName: 'by-status',
      KeyConditionExpression: '#s = :s',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': 'NEW' },
      Select: 'COUNT',
      ExclusiveStartKey: undefined,
    });
    assert.deepEqual(inputs[1]!.ExclusiveStartKey, { key: 'k100', status: 'NEW' });
  });
});

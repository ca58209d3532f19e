import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ProcessingCompleted } from '@clickstream/contracts';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbFileTracker } from '../src/adapters/aws/dynamodb-file-tracker.js';
import { expireTrackedFiles } from '../src/domain/expired-files.js';
import { trackRunFiles } from '../src/domain/track-files.js';
import type { FileRecord, TrackedFile } from '../src/ports/file-tracker.js';

const TABLE = 'clickstream-redshift-files';
const NOW = Date.UTC(2026, 10, 29, 10, 20);
const FILE: TrackedFile = {
  key: 'events/app_id=shop_web/year=2026/month=11/day=29/job-00000000000000000000-00000000000000000012.parquet',
  table: 'events',
  appId: 'shop_web',
  rows: 10,
  jobId: 'job-00000000000000000000-00000000000000000012',
};

/**
 * Answers queries with `pages` in turn and returns the inputs as they were when sent — why: the
 * SDK's paginator reuses one input object for every page, so the recorded calls all show the
 * last page's start key.
 */
function answerPages(dynamo: ReturnType<typeof setup>['dynamo'], pages: Record<string, unknown>[]): Record<string, unknown>[] {
  const inputs: Record<string, unknown>[] = [];
  dynamo.on(QueryCommand).callsFake((input: Record<string, unknown>) => {
    inputs.push(JSON.parse(JSON.stringify(input)) as Record<string, unknown>);
    return pages[inputs.length - 1] ?? { Items: [] };
  });
  return inputs;
}

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
    const inputs = answerPages(dynamo, [{ Count: 100, LastEvaluatedKey: { key: 'k100', status: 'NEW' } }, { Count: 7 }]);
    assert.equal(await tracker.countByStatus('NEW'), 107);
    assert.deepEqual(inputs[0], {
      TableName: TABLE,
      IndexName: 'by-status',
      KeyConditionExpression: '#s = :s',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': 'NEW' },
      Select: 'COUNT',
    });
    assert.deepEqual(inputs[1]!.ExclusiveStartKey, { key: 'k100', status: 'NEW' });
  });
});

describe('DynamoDbFileTracker.listByStatus', () => {
  it('narrows a status to one table and app with a filter, across pages', async () => {
    const { dynamo, tracker } = setup();
    const item = { ...FILE, status: 'NEW', attempts: 0 };
    const inputs = answerPages(dynamo, [{ Items: [item], LastEvaluatedKey: { key: FILE.key, status: 'NEW' } }, { Items: [] }]);
    assert.deepEqual(await tracker.listByStatus('NEW', { table: 'events', appId: 'shop_web' }), [item]);
    assert.deepEqual(inputs[0], {
      TableName: TABLE,
      IndexName: 'by-status',
      KeyConditionExpression: '#s = :s',
      FilterExpression: '#t = :t AND appId = :app',
      ExpressionAttributeNames: { '#s': 'status', '#t': 'table' },
      ExpressionAttributeValues: { ':s': 'NEW', ':t': 'events', ':app': 'shop_web' },
    });
    assert.deepEqual(inputs[1]!.ExclusiveStartKey, { key: FILE.key, status: 'NEW' });
  });

  it('without a filter lists the whole status', async () => {
    const { dynamo, tracker } = setup();
    dynamo.on(QueryCommand).resolves({ Items: [] });
    await tracker.listByStatus('FAILED');
    const input = dynamo.commandCalls(QueryCommand)[0]!.args[0].input;
    assert.equal(input.FilterExpression, undefined);
    assert.deepEqual([input.ExpressionAttributeNames, input.ExpressionAttributeValues], [{ '#s': 'status' }, { ':s': 'FAILED' }]);
  });
});

describe('DynamoDbFileTracker.expire', () => {
  const failed: FileRecord = { ...FILE, status: 'FAILED', attempts: 2, loadId: 'events-load-1', nextAttemptAt: NOW + 60_000, lastError: 'COPY_FAILED: x' };

  it('a NEW file: EXPIRED only while still NEW and unclaimed', async () => {
    const { dynamo, tracker } = setup();
    dynamo.on(UpdateCommand).resolves({});
    assert.equal(await tracker.expire({ ...FILE, status: 'NEW', attempts: 0 }, NOW), true);
    assert.deepEqual(dynamo.commandCalls(UpdateCommand)[0]!.args[0].input, {
      TableName: TABLE,
      Key: { key: FILE.key },
      UpdateExpression: 'SET #s = :expired, updatedAt = :now REMOVE nextAttemptAt',
      ConditionExpression: '#s = :was AND attribute_not_exists(loadId)',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':expired': 'EXPIRED', ':now': NOW, ':was': 'NEW' },
    });
  });

  it('a FAILED file: EXPIRED only while still FAILED by the same load (a retry claiming it wins otherwise)', async () => {
    const { dynamo, tracker } = setup();
    dynamo.on(UpdateCommand).resolvesOnce({}).rejectsOnce(conditionFailed()).rejects(new Error('ThrottlingException'));
    assert.equal(await tracker.expire(failed, NOW), true);
    const input = dynamo.commandCalls(UpdateCommand)[0]!.args[0].input;
    assert.equal(input.ConditionExpression, '#s = :was AND loadId = :wasLoad');
    assert.deepEqual(input.ExpressionAttributeValues, { ':expired': 'EXPIRED', ':now': NOW, ':was': 'FAILED', ':wasLoad': 'events-load-1' });
    assert.equal(await tracker.expire(failed, NOW), false, 'the condition failed: someone changed it');
    await assert.rejects(tracker.expire(failed, NOW), /ThrottlingException/, 'any other error fails the delivery, which is retried');
  });

  it('a claim uses the same condition on the state read, so a claim and an expiry of one file never both succeed', async () => {
    const { dynamo, tracker } = setup();
    dynamo.on(UpdateCommand).resolves({});
    await tracker.claim(failed, 'events-load-2', NOW);
    await tracker.expire(failed, NOW);
    const [claim, expire] = dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    assert.equal(claim!.ConditionExpression, expire!.ConditionExpression);
    assert.equal(claim!.ExpressionAttributeValues![':wasLoad'], expire!.ExpressionAttributeValues![':wasLoad']);
  });
});

describe('expireTrackedFiles over DynamoDB', () => {
  const key = (app: string, day: number, job: string) => `events/app_id=${app}/year=2026/month=11/day=${day}/${job}.parquet`;
  const rec = (k: string, status: FileRecord['status'], loadId?: string): FileRecord => ({
    key: k,
    table: 'events',
    appId: 'shop_web',
    rows: 1,
    jobId: 'job-1',
    status,
    attempts: status === 'NEW' ? 0 : 1,
    ...(loadId ? { loadId } : {}),
  });

  it('queries NEW and FAILED of the table and app (LOADING only under the lease), moves the files of days before the cutoff, reports the ones a load took meanwhile', async () => {
    const { dynamo, tracker } = setup();
    const oldNew = rec(key('shop_web', 26, 'a'), 'NEW');
    const keptNew = rec(key('shop_web', 28, 'b'), 'NEW');
    const claimedMeanwhile = rec(key('shop_web', 27, 'c'), 'NEW');
    const oldFailed = rec(key('shop_web', 9, 'd'), 'FAILED', 'events-load-1');
    dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':s': 'NEW', ':t': 'events', ':app': 'shop_web' } }).resolves({ Items: [oldNew, keptNew, claimedMeanwhile] });
    dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':s': 'FAILED', ':t': 'events', ':app': 'shop_web' } }).resolves({ Items: [oldFailed] });
    dynamo.on(UpdateCommand).resolves({});
    dynamo.on(UpdateCommand, { Key: { key: claimedMeanwhile.key } }).rejects(conditionFailed());

    const result = await expireTrackedFiles(tracker, { table: 'events', appId: 'shop_web', cutoff: '2026-11-28' }, NOW, { holdsLease: false });
    assert.deepEqual(result, { expired: [oldNew.key, oldFailed.key], changed: [claimedMeanwhile.key] });
    assert.deepEqual(
      dynamo.commandCalls(QueryCommand).map((c) => c.args[0].input.ExpressionAttributeValues![':s']),
      ['NEW', 'FAILED'],
      'LOADING files may be a running load’s: not even read without the lease',
    );
    assert.deepEqual(
      dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input.Key!.key),
      [oldNew.key, claimedMeanwhile.key, oldFailed.key],
      'the kept day is not touched',
    );
  });

  it('under the lease, LOADING files of a dead load go too (conditional on that load)', async () => {
    const { dynamo, tracker } = setup();
    const orphan = rec(key('shop_web', 26, 'a'), 'LOADING', 'events-load-dead');
    dynamo.on(QueryCommand).resolves({ Items: [] });
    dynamo.on(QueryCommand, { ExpressionAttributeValues: { ':s': 'LOADING', ':t': 'events', ':app': 'shop_web' } }).resolves({ Items: [orphan] });
    dynamo.on(UpdateCommand).resolves({});
    const result = await expireTrackedFiles(tracker, { table: 'events', appId: 'shop_web', cutoff: '2026-11-28' }, NOW, { holdsLease: true });
    assert.deepEqual(result.expired, [orphan.key]);
    const update = dynamo.commandCalls(UpdateCommand)[0]!.args[0].input;
    assert.deepEqual([update.ConditionExpression, update.ExpressionAttributeValues![':wasLoad']], ['#s = :was AND loadId = :wasLoad', 'events-load-dead']);
  });
});

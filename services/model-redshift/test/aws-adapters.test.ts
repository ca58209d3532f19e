// AWS adapters with aws-sdk-client-mock: the Redshift Data API (statement failure, DescribeStatement
// polling, results), the DynamoDB conditional claim / marks / lease / pipeline copy, S3 manifests,
// Step Functions starts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchExecuteStatementCommand, DescribeStatementCommand, ExecuteStatementCommand, GetStatementResultCommand, RedshiftDataClient } from '@aws-sdk/client-redshift-data';
import { HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbFileTracker, DynamoDbLeases } from '../src/adapters/aws/dynamodb-file-tracker.js';
import { DynamoDbPipelineTargets } from '../src/adapters/aws/dynamodb-pipeline-targets.js';
import { RedshiftDataStatementRunner } from '../src/adapters/aws/redshift-data-runner.js';
import { S3Manifests } from '../src/adapters/aws/s3-manifests.js';
import { SfnLoadLauncher } from '../src/adapters/aws/sfn-load-launcher.js';
import { defaultLoadSettings } from '../src/domain/load-settings.js';
import { checkStatement } from '../src/domain/load-steps.js';
import type { FileRecord } from '../src/ports/file-tracker.js';
import type { ModelRedshiftPorts } from '../src/ports/index.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const TABLE = 'clickstream-model-redshift-test-files';
const KEY = 'events/app_id=shop_web/year=2026/month=11/day=29/job-00000000000000000000-00000000000000000012.parquet';
const conditionFailed = () => new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

function dataApi() {
  const client = new RedshiftDataClient({ region: 'eu-west-1', credentials });
  const mock = mockClient(client);
  const runner = new RedshiftDataStatementRunner({ workgroupName: 'clickstream-test', database: 'dev' }, 'arn:aws:iam::123456789012:role/copy', client, {
    pollMs: 1,
    timeoutMs: 50,
    sleep: async () => undefined,
  });
  return { mock, runner };
}

describe('RedshiftDataStatementRunner', () => {
  it('submits a batch as one BatchExecuteStatement, COPY spelt for Redshift with the role and the manifest', async () => {
    const { mock, runner } = dataApi();
    mock.on(BatchExecuteStatementCommand).resolves({ Id: 'stmt-1' });
    const id = await runner.start([
      { kind: 'sql', sql: 'DELETE FROM stage_events' },
      { kind: 'copy', table: 'stage_events_raw', manifest: 's3://bucket/_redshift/manifests/events/load-1/0.manifest' },
    ]);
    assert.equal(id, 'stmt-1');
    assert.deepEqual(mock.commandCalls(BatchExecuteStatementCommand)[0]!.args[0].input, {
      WorkgroupName: 'clickstream-test',
      Database: 'dev',
      StatementName: 'clickstream-model-redshift',
      Sqls: [
        'DELETE FROM stage_events',
        "COPY stage_events_raw FROM 's3://bucket/_redshift/manifests/events/load-1/0.manifest' IAM_ROLE 'arn:aws:iam::123456789012:role/copy' FORMAT AS PARQUET MANIFEST",
      ],
    });
  });

  it('uses the cluster and database user on a provisioned cluster, and IAM_ROLE default without a role', async () => {
    const client = new RedshiftDataClient({ region: 'eu-west-1', credentials });
    const mock = mockClient(client);
    mock.on(BatchExecuteStatementCommand).resolves({ Id: 'stmt-2' });
    const runner = new RedshiftDataStatementRunner({ clusterIdentifier: 'analytics', dbUser: 'loader', database: 'dev' }, '', client);
    await runner.start([{ kind: 'copy', table: 'stage_items_raw', manifest: 's3://b/m' }]);
    const input = mock.commandCalls(BatchExecuteStatementCommand)[0]!.args[0].input;
    assert.equal(input.ClusterIdentifier, 'analytics');
    assert.equal(input.DbUser, 'loader');
    assert.equal(input.WorkgroupName, undefined);
    assert.deepEqual(input.Sqls, ["COPY stage_items_raw FROM 's3://b/m' IAM_ROLE default FORMAT AS PARQUET MANIFEST"]);
  });

  it('maps DescribeStatement states: SUBMITTED/PICKED/STARTED are RUNNING, FAILED and ABORTED carry the error', async () => {
    const { mock, runner } = dataApi();
    mock
      .on(DescribeStatementCommand)
      .resolvesOnce({ Status: 'SUBMITTED' })
      .resolvesOnce({ Status: 'PICKED' })
      .resolvesOnce({ Status: 'STARTED' })
      .resolvesOnce({ Status: 'FINISHED' })
      .resolvesOnce({ Status: 'FAILED', Error: 'ERROR: Spectrum Scan Error: S3 access denied' })
      .resolvesOnce({ Status: 'ABORTED' });
    const states = [];
    for (let i = 0; i < 6; i++) states.push(await runner.describe('stmt-1'));
    assert.deepEqual(states, [
      { status: 'RUNNING' },
      { status: 'RUNNING' },
      { status: 'RUNNING' },
      { status: 'FINISHED' },
      { status: 'FAILED', error: 'ERROR: Spectrum Scan Error: S3 access denied' },
      { status: 'FAILED', error: 'statement aborted' },
    ]);
  });

  it('a failed statement makes CheckCopy throw CopyFailed (what the state machine catches)', async () => {
    const { mock, runner } = dataApi();
    mock.on(DescribeStatementCommand).resolves({ Status: 'FAILED', Error: 'ERROR: Spectrum Scan Error: S3 access denied' });
    const ports = { statements: runner, clock: { now: () => 1_000 }, settings: defaultLoadSettings } as unknown as ModelRedshiftPorts;
    await assert.rejects(checkStatement(ports, { step: 'copy', statementId: 'stmt-1', startedAt: 0 }), (error: Error) => {
      assert.equal(error.name, 'CopyFailed');
      assert.match(error.message, /S3 access denied/);
      return true;
    });
  });

  it('polling: RUNNING is returned for the Wait loop until the statement timeout, then StatementTimeout', async () => {
    const { mock, runner } = dataApi();
    mock.on(DescribeStatementCommand).resolves({ Status: 'STARTED' });
    let now = 0;
    const ports = { statements: runner, clock: { now: () => now }, settings: { ...defaultLoadSettings, STATEMENT_TIMEOUT_SECONDS: 60 } } as unknown as ModelRedshiftPorts;
    now = 59_000;
    assert.deepEqual(await checkStatement(ports, { step: 'merge', statementId: 's', startedAt: 0 }), { statementId: 's', startedAt: 0, status: 'RUNNING' });
    now = 61_000;
    await assert.rejects(checkStatement(ports, { step: 'merge', statementId: 's', startedAt: 0 }), { name: 'StatementTimeout' });
  });

  it('query polls DescribeStatement, then reads every result page', async () => {
    const { mock, runner } = dataApi();
    mock.on(ExecuteStatementCommand).resolves({ Id: 'q-1' });
    mock.on(DescribeStatementCommand).resolvesOnce({ Status: 'STARTED' }).resolves({ Status: 'FINISHED' });
    mock
      .on(GetStatementResultCommand)
      .resolvesOnce({ ColumnMetadata: [{ name: 'version' }, { name: 'name' }], Records: [[{ longValue: 1 }, { stringValue: '001_tables.sql' }]], NextToken: 't' })
      .resolvesOnce({ ColumnMetadata: [{ name: 'version' }, { name: 'name' }], Records: [[{ longValue: 2 }, { isNull: true }]] });
    assert.deepEqual(await runner.query('SELECT version, name FROM schema_migrations'), [
      { version: 1, name: '001_tables.sql' },
      { version: 2, name: null },
    ]);
    assert.equal(mock.commandCalls(DescribeStatementCommand).length, 2);
    assert.equal(mock.commandCalls(GetStatementResultCommand)[1]!.args[0].input.NextToken, 't');
  });

  it('query throws the engine error of a failed statement', async () => {
    const { mock, runner } = dataApi();
    mock.on(ExecuteStatementCommand).resolves({ Id: 'q-2' });
    mock.on(DescribeStatementCommand).resolves({ Status: 'FAILED', Error: 'relation "schema_migrations" does not exist' });
    await assert.rejects(runner.query('SELECT 1'), /schema_migrations" does not exist/);
  });
});

function dynamo() {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1', credentials }));
  return { mock: mockClient(doc), doc };
}

const record = (over: Partial<FileRecord> = {}): FileRecord => ({
  key: KEY,
  table: 'events',
  appId: 'shop_web',
  rows: 10,
  jobId: 'job-1',
  status: 'NEW',
  attempts: 0,
  ...over,
});

describe('DynamoDbFileTracker: conditional claim and marks', () => {
  it('claims a NEW file only if it is still NEW and unclaimed', async () => {
    const { mock, doc } = dynamo();
    mock.on(UpdateCommand).resolves({});
    assert.equal(await new DynamoDbFileTracker(TABLE, doc).claim(record(), 'load-2', 5), true);
    const input = mock.commandCalls(UpdateCommand)[0]!.args[0].input;
    assert.equal(input.ConditionExpression, '#s = :was AND attribute_not_exists(loadId)');
    assert.equal(input.UpdateExpression, 'SET #s = :loading, loadId = :load, attempts = :attempts, updatedAt = :now REMOVE nextAttemptAt');
    assert.deepEqual(input.ExpressionAttributeValues, { ':loading': 'LOADING', ':load': 'load-2', ':attempts': 0, ':now': 5, ':was': 'NEW' });
  });

  it('claims a FAILED or orphaned file only from the load that last held it; an orphan counts an attempt', async () => {
    const { mock, doc } = dynamo();
    mock.on(UpdateCommand).resolves({});
    await new DynamoDbFileTracker(TABLE, doc).claim(record({ status: 'LOADING', loadId: 'dead', attempts: 1 }), 'load-3', 5);
    const input = mock.commandCalls(UpdateCommand)[0]!.args[0].input;
    assert.equal(input.ConditionExpression, '#s = :was AND loadId = :wasLoad');
    assert.equal(input.ExpressionAttributeValues?.[':wasLoad'], 'dead');
    assert.equal(input.ExpressionAttributeValues?.[':attempts'], 2);
  });

  it('a lost race (condition failed) is "not claimed", any other error is thrown', async () => {
    const { mock, doc } = dynamo();
    const tracker = new DynamoDbFileTracker(TABLE, doc);
    mock.on(UpdateCommand).rejectsOnce(conditionFailed()).rejectsOnce(new Error('ProvisionedThroughputExceededException'));
    assert.equal(await tracker.claim(record(), 'load-4', 5), false);
    await assert.rejects(tracker.claim(record(), 'load-4', 5), /ProvisionedThroughputExceeded/);
  });

  it('marks FAILED with a retry time, or without one once attempts are exhausted; only files its load holds', async () => {
    const { mock, doc } = dynamo();
    mock.on(UpdateCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    const marked = await new DynamoDbFileTracker(TABLE, doc).markFailed(
      [
        { key: 'a', attempts: 1, nextAttemptAt: 300_000 },
        { key: 'b', attempts: 5 },
      ],
      'load-5',
      'COPY_FAILED: denied',
      9,
    );
    assert.equal(marked, 1);
    const [a, b] = mock.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    assert.equal(a!.UpdateExpression, 'SET #s = :failed, attempts = :attempts, lastError = :error, updatedAt = :now, nextAttemptAt = :next');
    assert.equal(a!.ExpressionAttributeValues?.[':next'], 300_000);
    assert.equal(b!.UpdateExpression, 'SET #s = :failed, attempts = :attempts, lastError = :error, updatedAt = :now REMOVE nextAttemptAt');
    assert.equal(a!.ConditionExpression, '#s = :loading AND loadId = :load');
  });

  it('candidates: orphans, then due FAILED, then NEW, through the status index, stopping at the limit', async () => {
    const { mock, doc } = dynamo();
    mock
      .on(QueryCommand)
      .resolvesOnce({ Items: [record({ key: 'orphan', status: 'LOADING', loadId: 'dead' })] })
      .resolvesOnce({ Items: [record({ key: 'due', status: 'FAILED', nextAttemptAt: 1 })] })
      .resolvesOnce({ Items: [record({ key: 'n1' })], LastEvaluatedKey: { key: 'n1', status: 'NEW' } })
      .resolvesOnce({ Items: [record({ key: 'n2' }), record({ key: 'n3' })] });
    const found = await new DynamoDbFileTracker(TABLE, doc).candidates('events', 100, 4, 'load-6');
    assert.deepEqual(found.map((f) => f.key), ['orphan', 'due', 'n1', 'n2']);
    const inputs = mock.commandCalls(QueryCommand).map((c) => c.args[0].input);
    assert.deepEqual(inputs.map((i) => i.ExpressionAttributeValues?.[':s']), ['LOADING', 'FAILED', 'NEW', 'NEW']);
    assert.equal(inputs[0]!.FilterExpression, '#t = :t AND loadId <> :load');
    assert.equal(inputs[1]!.FilterExpression, '#t = :t AND nextAttemptAt <= :now');
    assert.deepEqual(inputs[0]!.ExpressionAttributeNames, { '#s': 'status', '#t': 'table' });
    assert.deepEqual(inputs[3]!.ExclusiveStartKey, { key: 'n1', status: 'NEW' });
  });

  it('resetExhausted turns FAILED files without a retry time back into NEW', async () => {
    const { mock, doc } = dynamo();
    mock.on(QueryCommand).resolves({ Items: [record({ key: 'x', status: 'FAILED', attempts: 5, loadId: 'l' })] });
    mock.on(UpdateCommand).resolves({});
    assert.deepEqual(await new DynamoDbFileTracker(TABLE, doc).resetExhausted(7, 'events'), ['x']);
    assert.equal(mock.commandCalls(QueryCommand)[0]!.args[0].input.FilterExpression, 'attribute_not_exists(nextAttemptAt) AND #t = :t');
    const update = mock.commandCalls(UpdateCommand)[0]!.args[0].input;
    assert.equal(update.ConditionExpression, '#s = :failed AND attribute_not_exists(nextAttemptAt)');
    assert.equal(update.ExpressionAttributeValues?.[':new'], 'NEW');
  });
});

describe('DynamoDbLeases', () => {
  it('acquires with a condition (free, expired or already ours) and reports a held lease as not acquired', async () => {
    const { mock, doc } = dynamo();
    mock.on(PutCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    const leases = new DynamoDbLeases(TABLE, doc);
    assert.equal(await leases.acquire('events', 'chain-1', 1000, 60_000), true);
    assert.equal(await leases.acquire('events', 'chain-2', 1000, 60_000), false);
    const input = mock.commandCalls(PutCommand)[0]!.args[0].input;
    assert.deepEqual(input.Item, { key: 'lease#events', owner: 'chain-1', expiresAt: 61_000 });
    assert.equal(input.ConditionExpression, 'attribute_not_exists(#k) OR expiresAt <= :now OR #o = :owner');
  });

  it('releases only its own lease; a lease taken over meanwhile is left alone', async () => {
    const { mock, doc } = dynamo();
    mock.on(DeleteCommand).rejects(conditionFailed());
    await new DynamoDbLeases(TABLE, doc).release('events', 'chain-1');
    assert.equal(mock.commandCalls(DeleteCommand)[0]!.args[0].input.ConditionExpression, '#o = :owner');
  });
});

describe('DynamoDbPipelineTargets', () => {
  it('stores a config version only if it is newer than the stored one', async () => {
    const { mock, doc } = dynamo();
    mock.on(PutCommand).resolvesOnce({}).rejectsOnce(conditionFailed());
    const targets = new DynamoDbPipelineTargets(TABLE, doc);
    const target = { appId: 'shop_web', projectId: 'shop', redshift: false, version: 3 };
    assert.equal(await targets.put(target), true);
    assert.equal(await targets.put(target), false);
    const input = mock.commandCalls(PutCommand)[0]!.args[0].input;
    assert.deepEqual(input.Item, { key: 'pipeline#shop_web', ...target });
    assert.equal(input.ConditionExpression, 'attribute_not_exists(#k) OR version < :v');
  });
});

describe('S3Manifests', () => {
  it('writes one manifest per file with the size HeadObject reports, and returns their s3:// URIs', async () => {
    const client = new S3Client({ region: 'eu-west-1', credentials });
    const mock = mockClient(client);
    mock.on(HeadObjectCommand).resolves({ ContentLength: 1234 });
    mock.on(PutObjectCommand).resolves({});
    const uris = await new S3Manifests('warehouse-bucket', '_redshift/manifests/', client).write('events', 'events-load-1', [KEY]);
    assert.deepEqual(uris, ['s3://warehouse-bucket/_redshift/manifests/events/events-load-1/0.manifest']);
    assert.deepEqual(mock.commandCalls(HeadObjectCommand)[0]!.args[0].input, { Bucket: 'warehouse-bucket', Key: KEY });
    const put = mock.commandCalls(PutObjectCommand)[0]!.args[0].input;
    assert.equal(put.Key, '_redshift/manifests/events/events-load-1/0.manifest');
    assert.deepEqual(JSON.parse(String(put.Body)), {
      entries: [{ url: `s3://warehouse-bucket/${KEY}`, mandatory: true, meta: { content_length: 1234 } }],
    });
  });
});

describe('SfnLoadLauncher', () => {
  it('names executions after the chain (a child gets -g<n>) and treats an existing one as started', async () => {
    const client = new SFNClient({ region: 'eu-west-1', credentials });
    const mock = mockClient(client);
    mock
      .on(StartExecutionCommand)
      .resolvesOnce({ executionArn: 'arn:1' })
      .rejectsOnce(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    const launcher = new SfnLoadLauncher('arn:aws:states:eu-west-1:123456789012:stateMachine:load', { info: () => undefined }, client);
    await launcher.start({ table: 'events', chainId: 'events-2026-11-29T10-20-00Z-abc123', generation: 0 }, 'test');
    await launcher.start({ table: 'events', chainId: 'events-2026-11-29T10-20-00Z-abc123', generation: 2 }, 'test');
    const inputs = mock.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
    assert.deepEqual(inputs.map((i) => i.name), ['events-2026-11-29T10-20-00Z-abc123', 'events-2026-11-29T10-20-00Z-abc123-g2']);
    assert.deepEqual(JSON.parse(inputs[1]!.input!), { table: 'events', chainId: 'events-2026-11-29T10-20-00Z-abc123', generation: 2 });
  });
});

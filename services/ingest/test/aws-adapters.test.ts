// The AWS adapters against mocked SDK clients: batching, partial-failure retries, conditional writes.
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mockClient } from 'aws-sdk-client-mock';
import { parse as parseYaml } from 'yaml';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { FirehoseClient, PutRecordBatchCommand, type PutRecordBatchCommandInput } from '@aws-sdk/client-firehose';
import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { AppRegistered, AppSettings, rawEnvelopeV2Overhead, RawEnvelopeV2 } from '@clickstream/contracts';
import { DynamoDbAppDirectory } from '../src/adapters/aws/dynamodb-app-directory.js';
import { FirehoseSink } from '../src/adapters/aws/firehose-sink.js';
import { KinesisSink } from '../src/adapters/aws/kinesis-sink.js';
import { chunk, sendWithRetries } from '../src/adapters/aws/retrying-batch.js';
import { envelopeRecords, type EnvelopeRecord } from '../src/domain/envelope-records.js';

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
const { AwsConfig, wireAws } = await import('../src/wiring.js');

const clientConfig = { region: 'us-east-1', credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' } };
const KINESIS_RECORD_LIMIT = 1024 * 1024; // data + partition key
const FIREHOSE_RECORD_LIMIT = 1000 * 1024;

/** An envelope as a test writes it: the header and the body's JSON text. */
type TestEnvelope = Omit<RawEnvelopeV2, 'v' | 'body'> & { body: string };

function envelope(i: number, overrides: Partial<TestEnvelope> = {}): TestEnvelope {
  return {
    requestId: `req-${i}`,
    ingestTime: 1_790_000_000_000 + i,
    appId: 'shop_web',
    platform: 'Web',
    clientIp: `198.51.100.${i % 250}`,
    userAgent: 'Mozilla/5.0 (Test)',
    query: { appId: 'shop_web' },
    body: `[{"event_type":"_page_view","n":${i}}]`,
    ...overrides,
  };
}
const envelopes = (n: number, overrides: Partial<TestEnvelope> = {}) => Array.from({ length: n }, (_, i) => envelope(i, overrides));
/** The stream record ingest makes of an envelope (no record limit). */
const record = ({ body, ...header }: TestEnvelope): EnvelopeRecord => envelopeRecords(header, Buffer.from(body), Infinity)[0]!;
const records = (batch: readonly TestEnvelope[]) => batch.map(record);
/** What a record's data reads back as, and what a test envelope should read back as. */
const decode = (data: Uint8Array | undefined) => RawEnvelopeV2.parse(JSON.parse(Buffer.from(data ?? []).toString('utf8')));
const expected = ({ body, ...header }: TestEnvelope): RawEnvelopeV2 => RawEnvelopeV2.parse({ v: 2, ...header, body: JSON.parse(body) });

/** An envelope whose record is exactly `bytes` long. */
function envelopeOfSize(bytes: number, overrides: Partial<TestEnvelope> = {}): TestEnvelope {
  const { body: _body, ...header } = envelope(0, overrides);
  const padding = bytes - rawEnvelopeV2Overhead(header) - '[""]'.length;
  const sized = { ...header, body: `["${'a'.repeat(padding)}"]` };
  assert.equal(record(sized).data.length, bytes);
  return sized;
}

describe('sendWithRetries / chunk', () => {
  it('chunks by count and by bytes, never leaving an item out or splitting one', () => {
    const items = Array.from({ length: 7 }, (_, i) => i);
    assert.deepEqual(chunk(items, 3, 1000, () => 1), [[0, 1, 2], [3, 4, 5], [6]]);
    assert.deepEqual(chunk(items, 100, 10, () => 4), [[0, 1], [2, 3], [4, 5], [6]]);
    assert.deepEqual(chunk([1], 100, 10, () => 50), [[1]], 'an item over the byte cap still goes, alone');
    assert.deepEqual(chunk([], 3, 10, () => 1), []);
  });

  it('resends only the entries a partial failure rejected, with the given backoff', async () => {
    const calls: string[][] = [];
    await sendWithRetries(['a', 'b', 'c', 'd'], {
      maxCount: 10,
      maxBytes: 1000,
      sizeOf: () => 1,
      baseDelayMs: 1,
      send: async (batch) => {
        calls.push(batch);
        return calls.length === 1 ? [1, 3] : [];
      },
    });
    assert.deepEqual(calls, [['a', 'b', 'c', 'd'], ['b', 'd']]);
  });

  it('throws once entries are still rejected after the last attempt', async () => {
    let calls = 0;
    await assert.rejects(
      sendWithRetries(['a', 'b'], {
        maxCount: 10,
        maxBytes: 1000,
        sizeOf: () => 1,
        attempts: 3,
        baseDelayMs: 1,
        send: async (batch) => {
          calls++;
          return batch.length === 2 ? [0] : [0];
        },
      }),
      /1 records still rejected after 3 attempts/,
    );
    assert.equal(calls, 3);
  });

  it('sends nothing for nothing', async () => {
    let calls = 0;
    await sendWithRetries([], { maxCount: 1, maxBytes: 1, sizeOf: () => 1, send: async () => (calls++, []) });
    assert.equal(calls, 0);
  });
});

describe('KinesisSink', () => {
  const kinesis = new KinesisClient(clientConfig);
  const mock = mockClient(kinesis);
  const inputs = () => mock.commandCalls(PutRecordsCommand).map((c) => c.args[0].input as PutRecordsCommandInput);
  const ok = (n: number) => ({ FailedRecordCount: 0, Records: Array.from({ length: n }, (_, i) => ({ SequenceNumber: String(i), ShardId: 'shardId-0' })) });

  beforeEach(() => {
    mock.reset();
    mock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ok(input.Records?.length ?? 0));
  });
  afterEach(() => mock.reset());

  it('puts each envelope as one record of its JSON on the named stream', async () => {
    const batch = envelopes(3);
    await new KinesisSink('raw-stream', kinesis).put(records(batch));
    const [input] = inputs();
    assert.equal(input?.StreamName, 'raw-stream');
    assert.deepEqual(input?.Records?.map((r) => decode(r.Data)), batch.map(expected));
  });

  it('splits more than 500 records into several PutRecords calls, in order', async () => {
    const batch = envelopes(1203);
    await new KinesisSink('raw-stream', kinesis).put(records(batch));
    assert.deepEqual(inputs().map((i) => i.Records?.length), [500, 500, 203]);
    assert.deepEqual(inputs().flatMap((i) => i.Records ?? []).map((r) => decode(r.Data).requestId), batch.map((e) => e.requestId));
  });

  it('keeps each call under 5 MiB', async () => {
    const big = envelopeOfSize(900 * 1024);
    await new KinesisSink('raw-stream', kinesis).put(records(Array.from({ length: 12 }, (_, i) => ({ ...big, requestId: `big-${i}` }))));
    assert.ok(inputs().length >= 3);
    for (const input of inputs()) {
      const bytes = (input.Records ?? []).reduce((s, r) => s + (r.Data?.length ?? 0) + (r.PartitionKey?.length ?? 0), 0);
      assert.ok(bytes <= 5 * 1024 * 1024, `call of ${bytes} bytes`);
    }
  });

  it('partitions by app (then device), within Kinesis\' 256-character key limit', async () => {
    const batch = [
      envelope(1),
      envelope(1, { requestId: 'same-device-again' }),
      envelope(1, { appId: 'blog_web' }),
      envelope(2, { userAgent: 'x'.repeat(2048) }),
      envelope(3, { clientIp: undefined, userAgent: undefined }),
    ];
    await new KinesisSink('raw-stream', kinesis).put(records(batch));
    const keys = inputs()[0]?.Records?.map((r) => r.PartitionKey ?? '') ?? [];
    keys.forEach((key, i) => {
      assert.ok(key.startsWith(`${batch[i]?.appId}:`), `key ${key.slice(0, 40)}… starts with the app id`);
      assert.ok(key.length >= 1 && key.length <= 256);
    });
    assert.equal(keys[0], keys[1], 'one device keeps one key (and so its order on one shard)');
    assert.notEqual(keys[0], keys[2], 'another app gets another key');
  });

  it('retries ONLY the failed entries of a partial failure', async () => {
    mock.reset();
    mock
      .on(PutRecordsCommand)
      .resolvesOnce({
        FailedRecordCount: 2,
        Records: [
          { SequenceNumber: '1', ShardId: 'shardId-0' },
          { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' },
          { SequenceNumber: '3', ShardId: 'shardId-0' },
          { ErrorCode: 'InternalFailure', ErrorMessage: 'oops' },
        ],
      })
      .resolves(ok(2));
    const batch = envelopes(4);
    await new KinesisSink('raw-stream', kinesis).put(records(batch));
    const [first, second] = inputs();
    assert.equal(inputs().length, 2);
    assert.equal(first?.Records?.length, 4);
    assert.deepEqual(second?.Records, [first?.Records?.[1], first?.Records?.[3]]);
    assert.deepEqual(second?.Records?.map((r) => decode(r.Data)), [batch[1]!, batch[3]!].map(expected));
  });

  it('throws after the last attempt while entries are still rejected (so the request gets 503)', async () => {
    mock.reset();
    mock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      FailedRecordCount: 1,
      Records: (input.Records ?? []).map((_, i) => (i === 0 ? { ErrorCode: 'ProvisionedThroughputExceededException' } : { SequenceNumber: '1' })),
    }));
    await assert.rejects(new KinesisSink('raw-stream', kinesis).put(records(envelopes(3))), /still rejected after 4 attempts/);
    assert.deepEqual(inputs().map((i) => i.Records?.length), [3, 1, 1, 1]);
  });

  it('lets a failed call through (the SDK has already retried it)', async () => {
    mock.reset();
    mock.on(PutRecordsCommand).rejects(new Error('ResourceNotFoundException'));
    await assert.rejects(new KinesisSink('raw-stream', kinesis).put(records(envelopes(1))), /ResourceNotFoundException/);
  });

  it('fits a record of the largest envelope ingest produces within the Kinesis record limit', async () => {
    const limit = wireAws(AwsConfig.parse({ MODE: 'aws', STREAM_NAME: 'raw', APPS_TABLE: 'apps' })).maxRecordBytes;
    // The longest user agent ingest keeps makes the longest partition key.
    const largest = [envelopeOfSize(limit), envelopeOfSize(limit, { userAgent: 'y'.repeat(2048) })].flatMap(({ body, ...header }) =>
      envelopeRecords(header, Buffer.from(body), limit),
    );
    await new KinesisSink('raw-stream', kinesis).put(largest);
    for (const r of inputs()[0]?.Records ?? []) {
      assert.ok((r.Data?.length ?? 0) + Buffer.byteLength(r.PartitionKey ?? '') <= KINESIS_RECORD_LIMIT);
    }
  });
});

describe('FirehoseSink', () => {
  const firehose = new FirehoseClient(clientConfig);
  const mock = mockClient(firehose);
  const inputs = () => mock.commandCalls(PutRecordBatchCommand).map((c) => c.args[0].input as PutRecordBatchCommandInput);
  const ok = (n: number) => ({ FailedPutCount: 0, RequestResponses: Array.from({ length: n }, (_, i) => ({ RecordId: String(i) })) });

  beforeEach(() => {
    mock.reset();
    mock.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => ok(input.Records?.length ?? 0));
  });
  afterEach(() => mock.reset());

  it('puts each envelope as one record of exactly its JSON on the named delivery stream', async () => {
    const batch = envelopes(2);
    await new FirehoseSink('raw-direct', firehose).put(records(batch));
    const [input] = inputs();
    assert.equal(input?.DeliveryStreamName, 'raw-direct');
    assert.deepEqual(
      input?.Records?.map((r) => Buffer.from(r.Data ?? []).toString('utf8')),
      records(batch).map((r) => Buffer.from(r.data).toString('utf8')),
    );
    assert.deepEqual(input?.Records?.map((r) => decode(r.Data)), batch.map(expected));
  });

  it('leaves the line delimiter to the delivery stream, whose processor appends one per record', () => {
    // Appending "\n" here too would write blank lines between envelopes in S3, and push a record at
    // the ingest record limit one byte past Firehose's.
    const manifest = parseYaml(readFileSync(new URL('../serverless.yml', import.meta.url), 'utf8')) as {
      resources: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
    };
    const stream = manifest.resources.Resources.DirectPutDeliveryStream;
    assert.equal(stream?.Type, 'AWS::KinesisFirehose::DeliveryStream');
    const processors = JSON.stringify(stream?.Properties.ExtendedS3DestinationConfiguration);
    assert.match(processors, /"Type":"AppendDelimiterToRecord"/);
  });

  it('splits more than 500 records into several PutRecordBatch calls, in order', async () => {
    const batch = envelopes(1001);
    await new FirehoseSink('raw-direct', firehose).put(records(batch));
    assert.deepEqual(inputs().map((i) => i.Records?.length), [500, 500, 1]);
    assert.deepEqual(inputs().flatMap((i) => i.Records ?? []).map((r) => decode(r.Data).requestId), batch.map((e) => e.requestId));
  });

  it('keeps each call under 4 MiB', async () => {
    const big = envelopeOfSize(900 * 1024);
    await new FirehoseSink('raw-direct', firehose).put(records(Array.from({ length: 10 }, (_, i) => ({ ...big, requestId: `big-${i}` }))));
    assert.ok(inputs().length >= 3);
    for (const input of inputs()) {
      const bytes = (input.Records ?? []).reduce((s, r) => s + (r.Data?.length ?? 0), 0);
      assert.ok(bytes <= 4 * 1024 * 1024, `call of ${bytes} bytes`);
    }
  });

  it('retries ONLY the failed entries of a partial failure', async () => {
    mock.reset();
    mock
      .on(PutRecordBatchCommand)
      .resolvesOnce({
        FailedPutCount: 1,
        RequestResponses: [{ RecordId: '1' }, { RecordId: '2' }, { ErrorCode: 'ServiceUnavailableException', ErrorMessage: 'Slow down' }],
      })
      .resolves(ok(1));
    const batch = envelopes(3);
    await new FirehoseSink('raw-direct', firehose).put(records(batch));
    const [first, second] = inputs();
    assert.equal(inputs().length, 2);
    assert.deepEqual(second?.Records, [first?.Records?.[2]]);
    assert.deepEqual(second?.Records?.map((r) => decode(r.Data)), [batch[2]!].map(expected));
  });

  it('throws after the last attempt while entries are still rejected (so the request gets 503)', async () => {
    mock.reset();
    mock.on(PutRecordBatchCommand).callsFake((input: PutRecordBatchCommandInput) => ({
      FailedPutCount: input.Records?.length ?? 0,
      RequestResponses: (input.Records ?? []).map(() => ({ ErrorCode: 'ServiceUnavailableException' })),
    }));
    await assert.rejects(new FirehoseSink('raw-direct', firehose).put(records(envelopes(2))), /2 records still rejected after 4 attempts/);
    assert.equal(inputs().length, 4);
  });

  it('fits a record of the largest envelope ingest produces within the Firehose record limit (1000 KiB)', async () => {
    const limit = wireAws(AwsConfig.parse({ MODE: 'aws', SINK: 'firehose', DELIVERY_STREAM_NAME: 'raw', APPS_TABLE: 'apps' })).maxRecordBytes;
    const { body, ...header } = envelopeOfSize(limit);
    await new FirehoseSink('raw-direct', firehose).put(envelopeRecords(header, Buffer.from(body), limit));
    const size = inputs()[0]?.Records?.[0]?.Data?.length ?? 0;
    assert.ok(size <= FIREHOSE_RECORD_LIMIT, `record of ${size} bytes`);
  });
});

describe('DynamoDbAppDirectory', () => {
  const mock = mockClient(DynamoDBDocumentClient);
  const directory = () => new DynamoDbAppDirectory('apps-table', new DynamoDBClient(clientConfig));
  const app = AppSettings.parse(AppRegistered.example);

  beforeEach(() => mock.reset());
  afterEach(() => mock.reset());

  it('gets an app by its appId key from the table', async () => {
    mock.on(GetCommand).resolves({ Item: { appId: app.appId, deleted: false, revision: 1, app } });
    assert.deepEqual(await directory().get(app.appId), { app });
    const [call] = mock.commandCalls(GetCommand);
    assert.equal(call?.args[0].input.TableName, 'apps-table');
    assert.deepEqual(call?.args[0].input.Key, { appId: app.appId });
  });

  it('answers undefined when there is no item', async () => {
    mock.on(GetCommand).resolves({});
    assert.equal(await directory().get('nobody_web'), undefined);
  });

  it('reads a tombstone', async () => {
    mock.on(GetCommand).resolves({ Item: { appId: app.appId, deleted: true, revision: 3 } });
    assert.deepEqual(await directory().get(app.appId), { appId: app.appId, revision: 3, deleted: true });
  });

  it('fills defaults and drops unknown attributes of a stored app', async () => {
    const { timezone: _tz, ...withoutTimezone } = app;
    mock.on(GetCommand).resolves({ Item: { appId: app.appId, deleted: false, revision: 1, app: { ...withoutTimezone, registeredAt: 'x' } } });
    assert.deepEqual(await directory().get(app.appId), { app: { ...withoutTimezone, timezone: 'UTC' } });
  });

  it('refuses a malformed item rather than serving it', async () => {
    mock.on(GetCommand).resolves({ Item: { appId: app.appId, deleted: false, revision: 1, app: { appId: app.appId } } });
    await assert.rejects(directory().get(app.appId));
    mock.on(GetCommand).resolves({ Item: { appId: app.appId } });
    await assert.rejects(directory().get(app.appId));
  });

  it('writes an app with a conditional put on the expected revision', async () => {
    mock.on(PutCommand).resolves({});
    assert.equal(await directory().put({ app: { ...app, revision: 2 } }, 1), true);
    const input = mock.commandCalls(PutCommand)[0]?.args[0].input;
    assert.equal(input?.TableName, 'apps-table');
    assert.deepEqual(input?.Item, { appId: app.appId, deleted: false, revision: 2, app: { ...app, revision: 2 } });
    assert.equal(input?.ConditionExpression, 'attribute_not_exists(appId) OR revision = :expected');
    assert.deepEqual(input?.ExpressionAttributeValues, { ':expected': 1 });
  });

  it('writes a tombstone the same way', async () => {
    mock.on(PutCommand).resolves({});
    assert.equal(await directory().put({ appId: app.appId, revision: 3, deleted: true }, 2), true);
    const input = mock.commandCalls(PutCommand)[0]?.args[0].input;
    assert.deepEqual(input?.Item, { appId: app.appId, deleted: true, revision: 3 });
    assert.deepEqual(input?.ExpressionAttributeValues, { ':expected': 2 });
  });

  it('answers false when the condition fails (another delivery wrote first)', async () => {
    mock.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} }));
    assert.equal(await directory().put({ app }, -1), false);
  });

  it('lets any other error through', async () => {
    mock.on(PutCommand).rejects(new Error('ProvisionedThroughputExceededException'));
    await assert.rejects(directory().put({ app }, -1), /ProvisionedThroughputExceededException/);
  });

  it('reads back what it wrote', async () => {
    let item: Record<string, unknown> | undefined;
    mock.on(PutCommand).callsFake((input: { Item: Record<string, unknown> }) => ((item = input.Item), {}));
    mock.on(GetCommand).callsFake(() => ({ Item: item }));
    const apps = directory();
    await apps.put({ app }, -1);
    assert.deepEqual(await apps.get(app.appId), { app });
    await apps.put({ appId: app.appId, revision: 9, deleted: true }, 1);
    assert.deepEqual(await apps.get(app.appId), { appId: app.appId, revision: 9, deleted: true });
  });
});

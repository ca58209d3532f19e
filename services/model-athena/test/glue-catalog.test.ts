import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AccessDeniedException,
  BatchCreatePartitionCommand,
  GetPartitionsCommand,
  GetTableCommand,
  GlueClient,
  ThrottlingException,
  type BatchCreatePartitionCommandInput,
  type PartitionError,
  type StorageDescriptor,
} from '@aws-sdk/client-glue';
import { partitionLocation, type Partition } from '@clickstream/contracts';
import { mockClient } from 'aws-sdk-client-mock';
import { GlueCatalog } from '../src/adapters/aws/glue-catalog.js';

const DATABASE = 'clickstream_db';
const BUCKET = 'clickstream-warehouse';

const descriptorOf = (table: string): StorageDescriptor => ({
  Columns: [{ Name: 'event_id', Type: 'string' }],
  Location: `s3://${BUCKET}/${table}/`,
  InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
  OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
  SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
});

function partition(appId: string, day = 29, table: 'events' | 'bad_rows' = 'events'): Partition {
  const p = { table, appId, year: 2026, month: 11, day };
  return { ...p, location: partitionLocation(p) };
}

const valuesOf = (p: Partition) => [p.appId, String(p.year), String(p.month), String(p.day)];
const entryError = (p: Partition, code: string, message = `${code} for ${p.location}`): PartitionError => ({
  PartitionValues: valuesOf(p),
  ErrorDetail: { ErrorCode: code, ErrorMessage: message },
});
const throttling = () => new ThrottlingException({ message: 'Rate exceeded', $metadata: {} });

function setup(retry = { attempts: 3, baseDelayMs: 1 }) {
  const client = new GlueClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const glue = mockClient(client);
  glue.on(GetTableCommand).callsFake(async (input: { Name: string }) => ({ Table: { Name: input.Name, StorageDescriptor: descriptorOf(input.Name) } }));
  const catalog = new GlueCatalog(DATABASE, BUCKET, client, retry);
  const batches = () => glue.commandCalls(BatchCreatePartitionCommand).map((c) => c.args[0].input as BatchCreatePartitionCommandInput);
  const sentValues = (i: number) => batches()[i]!.PartitionInputList!.map((p) => p.Values!.join('/'));
  return { glue, catalog, batches, sentValues };
}

describe('GlueCatalog.addPartitions', () => {
  it("creates each partition with its values, the table's storage descriptor and its own S3 location", async () => {
    const { catalog, batches, glue } = setup();
    glue.on(BatchCreatePartitionCommand).resolves({});
    const result = await catalog.addPartitions([partition('shop_web'), partition('shop_web', 29, 'bad_rows')]);

    assert.deepEqual(result, { added: 2, alreadyPresent: 0 });
    assert.deepEqual(batches(), [
      {
        DatabaseName: DATABASE,
        TableName: 'events',
        PartitionInputList: [
          {
            Values: ['shop_web', '2026', '11', '29'],
            StorageDescriptor: { ...descriptorOf('events'), Location: `s3://${BUCKET}/events/app_id=shop_web/year=2026/month=11/day=29/` },
          },
        ],
      },
      {
        DatabaseName: DATABASE,
        TableName: 'bad_rows',
        PartitionInputList: [
          {
            Values: ['shop_web', '2026', '11', '29'],
            StorageDescriptor: { ...descriptorOf('bad_rows'), Location: `s3://${BUCKET}/bad_rows/app_id=shop_web/year=2026/month=11/day=29/` },
          },
        ],
      },
    ]);
  });

  it('reads each table definition once and reuses it across calls', async () => {
    const { catalog, glue } = setup();
    glue.on(BatchCreatePartitionCommand).resolves({});
    await catalog.addPartitions([partition('a'), partition('b')]);
    await catalog.addPartitions([partition('c')]);
    assert.deepEqual(
      glue.commandCalls(GetTableCommand).map((c) => c.args[0].input),
      [{ DatabaseName: DATABASE, Name: 'events' }],
    );
  });

  it('sends at most 100 partitions per BatchCreatePartition call, per table', async () => {
    const { catalog, glue, batches } = setup();
    glue.on(BatchCreatePartitionCommand).resolves({});
    const events = Array.from({ length: 250 }, (_, i) => partition(`app_${i}`));
    const bad = Array.from({ length: 30 }, (_, i) => partition(`app_${i}`, 29, 'bad_rows'));
    const result = await catalog.addPartitions([...events, ...bad]);

    assert.deepEqual(result, { added: 280, alreadyPresent: 0 });
    assert.deepEqual(
      batches().map((b) => [b.TableName, b.PartitionInputList!.length]),
      [
        ['events', 100],
        ['events', 100],
        ['events', 50],
        ['bad_rows', 30],
      ],
    );
    const sent = batches().flatMap((b) => b.PartitionInputList!.map((p) => `${b.TableName}:${p.Values![0]}`));
    assert.equal(new Set(sent).size, 280, 'every partition is sent exactly once');
  });

  it('counts AlreadyExistsException entries as already present: a replay is a success', async () => {
    const { catalog, glue } = setup();
    const [a, b, c] = [partition('a'), partition('b'), partition('c')];
    glue.on(BatchCreatePartitionCommand).resolves({ Errors: [entryError(b, 'AlreadyExistsException', 'Partition already exists.')] });
    assert.deepEqual(await catalog.addPartitions([a, b, c]), { added: 2, alreadyPresent: 1 });
    assert.equal(glue.commandCalls(BatchCreatePartitionCommand).length, 1, 'nothing to retry');

    glue.on(BatchCreatePartitionCommand).resolves({ Errors: [a, b, c].map((p) => entryError(p, 'AlreadyExistsException')) });
    assert.deepEqual(await catalog.addPartitions([a, b, c]), { added: 0, alreadyPresent: 3 });
  });

  it('retries only the entries that were throttled, until they succeed', async () => {
    const { catalog, glue, sentValues } = setup();
    const [a, b, c] = [partition('a'), partition('b'), partition('c')];
    glue
      .on(BatchCreatePartitionCommand)
      .resolvesOnce({ Errors: [entryError(a, 'ThrottlingException'), entryError(c, 'ThrottlingException')] })
      .resolvesOnce({ Errors: [entryError(c, 'ThrottlingException')] })
      .resolves({});

    assert.deepEqual(await catalog.addPartitions([a, b, c]), { added: 3, alreadyPresent: 0 });
    assert.deepEqual(sentValues(0), ['a/2026/11/29', 'b/2026/11/29', 'c/2026/11/29']);
    assert.deepEqual(sentValues(1), ['a/2026/11/29', 'c/2026/11/29']);
    assert.deepEqual(sentValues(2), ['c/2026/11/29']);
  });

  it('a throttled entry that turns out to exist on retry counts as already present', async () => {
    const { catalog, glue } = setup();
    const [a, b] = [partition('a'), partition('b')];
    glue
      .on(BatchCreatePartitionCommand)
      .resolvesOnce({ Errors: [entryError(a, 'ThrottlingException')] })
      .resolves({ Errors: [entryError(a, 'AlreadyExistsException')] });
    assert.deepEqual(await catalog.addPartitions([a, b]), { added: 1, alreadyPresent: 1 });
  });

  it('retries the whole batch when the call itself is throttled', async () => {
    const { catalog, glue, sentValues } = setup();
    const parts = [partition('a'), partition('b')];
    glue.on(BatchCreatePartitionCommand).rejectsOnce(throttling()).resolves({});
    assert.deepEqual(await catalog.addPartitions(parts), { added: 2, alreadyPresent: 0 });
    assert.deepEqual(sentValues(0), sentValues(1));
    assert.equal(glue.commandCalls(BatchCreatePartitionCommand).length, 2);
  });

  it('gives up after the configured attempts when throttling persists', async () => {
    const entries = setup({ attempts: 3, baseDelayMs: 1 });
    entries.glue.on(BatchCreatePartitionCommand).resolves({ Errors: [entryError(partition('a'), 'ThrottlingException')] });
    await assert.rejects(entries.catalog.addPartitions([partition('a')]), /Glue kept throttling 1 partitions of events/);
    assert.equal(entries.glue.commandCalls(BatchCreatePartitionCommand).length, 3);

    const calls = setup({ attempts: 3, baseDelayMs: 1 });
    calls.glue.on(BatchCreatePartitionCommand).rejects(throttling());
    await assert.rejects(calls.catalog.addPartitions([partition('a')]), (e: Error) => e.name === 'ThrottlingException');
    assert.equal(calls.glue.commandCalls(BatchCreatePartitionCommand).length, 3);
  });

  it('throws on any other entry error, naming the partition and the code', async () => {
    const { catalog, glue } = setup();
    const [a, b] = [partition('a'), partition('b')];
    glue.on(BatchCreatePartitionCommand).resolves({ Errors: [entryError(b, 'InvalidInputException', 'bad location')] });
    await assert.rejects(catalog.addPartitions([a, b]), /Glue rejected partition b\/2026\/11\/29 of events: InvalidInputException bad location/);
    assert.equal(glue.commandCalls(BatchCreatePartitionCommand).length, 1, 'not retried');
  });

  it('throws on any other call error without retrying', async () => {
    const { catalog, glue } = setup();
    glue.on(BatchCreatePartitionCommand).rejects(new AccessDeniedException({ message: 'not authorized', $metadata: {} }));
    await assert.rejects(catalog.addPartitions([partition('a')]), (e: Error) => e.name === 'AccessDeniedException');
    assert.equal(glue.commandCalls(BatchCreatePartitionCommand).length, 1);
  });

  it('does not cache a failed table lookup', async () => {
    const { catalog, glue } = setup();
    glue
      .on(GetTableCommand)
      .rejectsOnce(new Error('network down'))
      .resolves({ Table: { Name: 'events', StorageDescriptor: descriptorOf('events') } });
    glue.on(BatchCreatePartitionCommand).resolves({});
    await assert.rejects(catalog.addPartitions([partition('a')]), /network down/);
    assert.deepEqual(await catalog.addPartitions([partition('a')]), { added: 1, alreadyPresent: 0 });
  });

  it('refuses a table without a storage descriptor', async () => {
    const { catalog, glue } = setup();
    glue.on(GetTableCommand).resolves({ Table: { Name: 'events' } });
    await assert.rejects(catalog.addPartitions([partition('a')]), /no storage descriptor/);
  });
});

describe('GlueCatalog.activeApps', () => {
  it('lists the distinct app ids of the events partitions across pages, sorted', async () => {
    const { catalog, glue } = setup();
    glue
      .on(GetPartitionsCommand)
      .resolvesOnce({
        Partitions: [{ Values: ['shop_web', '2026', '11', '29'] }, { Values: ['blog_web', '2026', '11', '29'] }],
        NextToken: 'page-2',
      })
      .resolvesOnce({ Partitions: [{ Values: ['shop_web', '2026', '11', '30'] }, { Values: [] }] });
    assert.deepEqual(await catalog.activeApps(), ['blog_web', 'shop_web']);
    const inputs = glue.commandCalls(GetPartitionsCommand).map((c) => c.args[0].input);
    assert.equal(inputs.length, 2);
    assert.equal(inputs[0]!.DatabaseName, DATABASE);
    assert.equal(inputs[0]!.TableName, 'events');
    assert.equal(inputs[1]!.NextToken, 'page-2');
  });
});

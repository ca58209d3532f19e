// PartitionsExpired.v1 → the partitions leave the catalog: Glue BatchDeletePartition on AWS (in
// batches, missing = done, throttling retried), the DuckDB catalog and views locally.
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { AccessDeniedException, BatchDeletePartitionCommand, GlueClient, ThrottlingException } from '@aws-sdk/client-glue';
import { DuckDbType, PartitionsExpired, partitionLocation, WarehouseTables, type BusEvent, type Partition } from '@clickstream/contracts';
import { DuckDbWarehouse, sqlString } from '@clickstream/runtime';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GluePartitionRemover } from '../src/adapters/aws/glue-partition-remover.js';
import { DuckDbCatalog } from '../src/adapters/local/duckdb-catalog.js';
import { DuckDbPartitionRemover } from '../src/adapters/local/duckdb-partition-remover.js';
import { handler } from '../src/handlers/on-partitions-expired.js';
import { useLocalRetentionPorts } from '../src/retention-wiring.js';

const day = (d: number, table: 'events' | 'sessions' = 'events', appId = 'shop_web'): Partition => {
  const p = { table, appId, year: 2026, month: 10, day: d };
  return { ...p, location: partitionLocation(p) };
};
const values = (p: Partition) => [p.appId, String(p.year), String(p.month), String(p.day)];

describe('GluePartitionRemover', () => {
  it('deletes in batches of 25 per table; partitions Glue does not have count as already gone', async () => {
    const glue = mockClient(GlueClient);
    const parts = Array.from({ length: 30 }, (_, i) => day(i + 1));
    glue
      .on(BatchDeletePartitionCommand)
      .resolvesOnce({ Errors: [{ PartitionValues: values(parts[3]!), ErrorDetail: { ErrorCode: 'EntityNotFoundException', ErrorMessage: 'gone' } }] })
      .resolves({});
    const out = await new GluePartitionRemover('db', new GlueClient({ region: 'eu-west-1' }), { attempts: 3, baseDelayMs: 1 }).removePartitions(parts);
    assert.deepEqual(out, { removed: 29, alreadyGone: 1 });
    const calls = glue.commandCalls(BatchDeletePartitionCommand).map((c) => c.args[0].input);
    assert.deepEqual(calls.map((c) => [c.DatabaseName, c.TableName, c.PartitionsToDelete?.length]), [['db', 'events', 25], ['db', 'events', 5]]);
    assert.deepEqual(calls[0]!.PartitionsToDelete![0], { Values: ['shop_web', '2026', '10', '1'] });
    glue.restore();
  });

  it('retries throttled calls and throttled entries only; a refusal fails (the event retries, then the DLQ)', async () => {
    const glue = mockClient(GlueClient);
    const parts = [day(1), day(2)];
    glue
      .on(BatchDeletePartitionCommand)
      .rejectsOnce(new ThrottlingException({ message: 'slow down', $metadata: {} }))
      .resolvesOnce({ Errors: [{ PartitionValues: values(parts[1]!), ErrorDetail: { ErrorCode: 'ThrottlingException', ErrorMessage: 'slow' } }] })
      .resolvesOnce({});
    const remover = new GluePartitionRemover('db', new GlueClient({ region: 'eu-west-1' }), { attempts: 5, baseDelayMs: 1 });
    assert.deepEqual(await remover.removePartitions(parts), { removed: 2, alreadyGone: 0 });
    const sent = glue.commandCalls(BatchDeletePartitionCommand).map((c) => c.args[0].input.PartitionsToDelete?.length);
    assert.deepEqual(sent, [2, 2, 1]);

    glue.reset();
    glue.on(BatchDeletePartitionCommand).resolves({ Errors: [{ PartitionValues: values(parts[0]!), ErrorDetail: { ErrorCode: 'AccessDeniedException', ErrorMessage: 'no' } }] });
    await assert.rejects(remover.removePartitions(parts), /Glue refused to delete partition shop_web\/2026\/10\/1 of events: AccessDeniedException/);
    glue.reset();
    glue.on(BatchDeletePartitionCommand).rejects(new AccessDeniedException({ message: 'denied', $metadata: {} }));
    await assert.rejects(remover.removePartitions(parts), /denied/);
    glue.restore();
  });
});

describe('on-partitions-expired (embedded catalog)', () => {
  async function setup(t: TestContext) {
    const dir = await mkdtemp(join(tmpdir(), 'athena-expired-'));
    const warehouse = await DuckDbWarehouse.open(join(dir, 'w.duckdb'), join(dir, 'warehouse'));
    t.after(async () => {
      warehouse.close();
      await rm(dir, { recursive: true, force: true });
    });
    const catalog = new DuckDbCatalog(warehouse, []);
    await catalog.ensureSchema();
    useLocalRetentionPorts({ partitions: new DuckDbPartitionRemover(warehouse, catalog) });
    /** One events file of the partition, every contract column NULL but event_id. */
    const write = async (p: Partition, eventId: string) => {
      const spec = WarehouseTables.events;
      const folder = join(warehouse.root, p.location);
      await mkdir(folder, { recursive: true });
      const select = spec.columns.map((c) => (c.name === 'event_id' ? `${sqlString(eventId)} AS event_id` : `CAST(NULL AS ${DuckDbType[c.type]}) AS "${c.name}"`)).join(', ');
      await warehouse.run(`COPY (SELECT ${select}) TO ${sqlString(join(folder, 'job-1-0.parquet'))} (FORMAT PARQUET)`);
    };
    return { warehouse, catalog, write };
  }
  const deliver = (partitions: Partition[]) =>
    handler(
      {
        version: '0',
        id: 'e',
        'detail-type': PartitionsExpired.detailType,
        source: PartitionsExpired.source,
        account: '0',
        time: '2026-11-29T03:15:00Z',
        region: 'eu-west-1',
        resources: [],
        detail: { appId: 'shop_web', table: 'events', cutoff: '2026-10-28', retentionDays: 32, partitions, expiredAt: '2026-11-29T03:15:00.000Z' },
      } satisfies BusEvent<unknown> as never,
      { functionName: 'on-partitions-expired', awsRequestId: 'r' } as Context,
    );

  it('drops the partitions from the catalog and the views follow the files that are left; a replay changes nothing', async (t) => {
    const { warehouse, catalog, write } = await setup(t);
    await write(day(1), 'old');
    await write(day(28), 'kept');
    await catalog.addPartitions([day(1), day(28)]);
    await rm(join(warehouse.root, day(1).location), { recursive: true }); // process deleted the files first
    await deliver([day(1)]);
    assert.deepEqual(await warehouse.query('SELECT table_name, day FROM _catalog_partitions ORDER BY day'), [{ table_name: 'events', day: 28 }]);
    assert.deepEqual(await warehouse.query('SELECT event_id FROM events'), [{ event_id: 'kept' }]);
    await deliver([day(1)]);
    assert.equal((await warehouse.query('SELECT count(*)::INT AS n FROM _catalog_partitions'))[0]?.n, 1);
  });

  it('when the last file of a table is gone, its view is empty instead of failing', async (t) => {
    const { warehouse, catalog, write } = await setup(t);
    await write(day(1), 'old');
    await catalog.addPartitions([day(1)]);
    await rm(join(warehouse.root, 'events'), { recursive: true });
    await deliver([day(1)]);
    assert.deepEqual(await warehouse.query('SELECT count(*)::INT AS n FROM events'), [{ n: 0 }]);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AthenaPartitionsAdded,
  partitionLocation,
  ProcessingCompleted,
  Sources,
  type BusEvent,
  type DetailInputOf,
  type DetailOf,
  type EventContract,
  type Partition,
} from '@clickstream/contracts';
import { ContractViolation, validatedDetail, type Clock, type EventPublisher } from '@clickstream/lambda-kit';
import type { Context } from 'aws-lambda';
import { handler } from '../src/handlers/on-processing-completed.js';
import type { Catalog } from '../src/ports/catalog.js';
import { useLocalPorts } from '../src/wiring.js';

const NOW = Date.UTC(2026, 10, 29, 10, 15, 3);

/** Registers partitions by location, like Glue: a second registration is "already present". */
class MemoryCatalog implements Catalog {
  readonly registered = new Map<string, Partition>();
  calls = 0;
  async addPartitions(partitions: readonly Partition[]) {
    this.calls++;
    let added = 0;
    for (const p of partitions) {
      if (this.registered.has(p.location)) continue;
      this.registered.set(p.location, p);
      added++;
    }
    return { added, alreadyPresent: partitions.length - added };
  }
  async activeApps() {
    return [...new Set([...this.registered.values()].map((p) => p.appId))].sort();
  }
}

/** Validates like the real adapters do, then records. */
class RecordingPublisher implements EventPublisher {
  readonly published: { detailType: string; detail: unknown }[] = [];
  async publish<C extends EventContract>(contract: C, detail: DetailInputOf<C>): Promise<void> {
    this.published.push({ detailType: contract.detailType, detail: validatedDetail(contract, detail) });
  }
  added(): DetailOf<typeof AthenaPartitionsAdded>[] {
    return this.published.map((p) => AthenaPartitionsAdded.schema.parse(p.detail));
  }
}

const clock: Clock = { now: () => NOW };

function context(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'model-athena-on-processing-completed',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:model-athena-on-processing-completed',
    memoryLimitInMB: '256',
    awsRequestId: 'req-test',
    logGroupName: '/aws/lambda/model-athena-on-processing-completed',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function busEvent(detail: unknown, over: Partial<BusEvent<unknown>> = {}): BusEvent<unknown> {
  return {
    version: '0',
    id: 'a1b2c3d4-0000-4000-8000-000000000001',
    'detail-type': ProcessingCompleted.detailType,
    source: ProcessingCompleted.source,
    account: '000000000000',
    time: '2026-11-29T10:15:02Z',
    region: 'eu-west-1',
    resources: [],
    detail,
    ...over,
  };
}

function partition(table: 'events' | 'bad_rows', appId: string, day = 29): Partition {
  const p = { table, appId, year: 2026, month: 11, day };
  return { ...p, location: partitionLocation(p) };
}

const JOB = 'job-00000000000000000000-00000000000000000012';
const run = (partitions: Partition[]): DetailInputOf<typeof ProcessingCompleted> => ({
  ...ProcessingCompleted.example,
  jobId: JOB,
  partitions,
});

function wire() {
  const catalog = new MemoryCatalog();
  const publisher = new RecordingPublisher();
  // This handler never touches the views.
  const views = { apply: async () => assert.fail('views applied by on-processing-completed') };
  useLocalPorts({ catalog, views, publisher, clock });
  return { catalog, publisher };
}

describe('model-athena on-processing-completed', () => {
  it('registers exactly the partitions of the run and publishes AthenaPartitionsAdded', async () => {
    const { catalog, publisher } = wire();
    const parts = [partition('events', 'shop_web'), partition('bad_rows', 'shop_web'), partition('events', 'blog_web', 28)];
    await handler(busEvent(run(parts)), context());

    assert.deepEqual([...catalog.registered.values()], parts);
    assert.equal(publisher.published.length, 1);
    assert.equal(publisher.published[0]!.detailType, 'AthenaPartitionsAdded.v1');
    assert.deepEqual(publisher.added(), [{ jobId: JOB, partitions: parts, alreadyPresent: 0, addedAt: new Date(NOW).toISOString() }]);
  });

  it('registers a partition listed twice in one run once', async () => {
    const { catalog, publisher } = wire();
    const p = partition('events', 'shop_web');
    await handler(busEvent(run([p, { ...p }])), context());
    assert.equal(catalog.registered.size, 1);
    assert.deepEqual(publisher.added()[0]!.partitions, [p]);
    assert.equal(publisher.added()[0]!.alreadyPresent, 0);
  });

  it('a replayed delivery is not an error: it registers nothing new and reports alreadyPresent', async () => {
    const { catalog, publisher } = wire();
    const parts = [partition('events', 'shop_web'), partition('bad_rows', 'shop_web')];
    await handler(busEvent(run(parts)), context());
    await handler(busEvent(run(parts)), context());
    await handler(busEvent(run(parts), { id: 'a1b2c3d4-0000-4000-8000-000000000002' }), context());

    assert.equal(catalog.registered.size, 2);
    assert.deepEqual(
      publisher.added().map((d) => d.alreadyPresent),
      [0, 2, 2],
    );
  });

  it('a run that wrote nothing still publishes (with no partitions)', async () => {
    const { publisher } = wire();
    await handler(busEvent(run([])), context());
    assert.deepEqual(publisher.added()[0]!.partitions, []);
  });

  it('a detail that violates the contract throws ContractViolation (for the DLQ) and touches nothing', async () => {
    const { catalog, publisher } = wire();
    const malformed = [
      { jobId: JOB },
      { ...run([]), partitions: [{ table: 'events', appId: 'shop web', year: 2026, month: 11, day: 29, location: 'x' }] },
      { ...run([]), completedAt: 'yesterday' },
      null,
    ];
    for (const detail of malformed) {
      await assert.rejects(handler(busEvent(detail), context()), (e: unknown) => {
        assert.ok(e instanceof ContractViolation, String(e));
        assert.equal(e.detailType, 'ProcessingCompleted.v1');
        return true;
      });
    }
    assert.equal(catalog.calls, 0);
    assert.deepEqual(publisher.published, []);
  });

  it('an event from another source or of another type is a ContractViolation', async () => {
    const { catalog } = wire();
    await assert.rejects(handler(busEvent(run([]), { source: Sources.modelAthena }), context()), ContractViolation);
    await assert.rejects(handler(busEvent(run([]), { 'detail-type': 'ProcessingFailed.v1' }), context()), ContractViolation);
    assert.equal(catalog.calls, 0);
  });

  it('a partition whose location disagrees with its values is refused before anything is registered', async () => {
    const { catalog, publisher } = wire();
    const wrong = { ...partition('events', 'shop_web'), location: 'events/app_id=blog_web/year=2026/month=11/day=29' };
    await assert.rejects(handler(busEvent(run([partition('bad_rows', 'shop_web'), wrong])), context()), /should be/);
    assert.equal(catalog.calls, 0);
    assert.deepEqual(publisher.published, []);
  });
});

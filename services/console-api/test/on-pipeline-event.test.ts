import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import {
  AthenaPartitionsAdded,
  PartitionsExpired,
  ProcessingCompleted,
  ProcessingFailed,
  RedshiftLoadCompleted,
  RedshiftLoadFailed,
  type BusEvent,
  type EventContract,
} from '@clickstream/contracts';
import { ContractViolation } from '@clickstream/lambda-kit';
import type { Context } from 'aws-lambda';
import { handler } from '../src/handlers/on-pipeline-event.js';
import type { PipelineHealthStore } from '../src/ports/pipeline-health.js';
import { harness } from './support/harness.js';

async function wire(t: TestContext): Promise<PipelineHealthStore> {
  const h = harness();
  t.after(() => h.close());
  return h.ports.health;
}

function context(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'console-api-on-pipeline-event',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:console-api-on-pipeline-event',
    memoryLimitInMB: '256',
    awsRequestId: 'req-test',
    logGroupName: '/aws/lambda/console-api-on-pipeline-event',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

let ids = 0;
function busEvent(contract: EventContract, detail: unknown): BusEvent<unknown> {
  return {
    version: '0',
    id: `a1b2c3d4-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
    'detail-type': contract.detailType,
    source: contract.source,
    account: '000000000000',
    time: '2026-11-29T10:15:02Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  };
}

const completed = (jobId: string, completedAt: string) =>
  busEvent(ProcessingCompleted, { ...ProcessingCompleted.example, jobId, completedAt });

describe('console-api on-pipeline-event', () => {
  it('records a summary of the latest event of each kind', async (t) => {
    const health = await wire(t);
    for (const c of [ProcessingCompleted, ProcessingFailed, PartitionsExpired, AthenaPartitionsAdded, RedshiftLoadCompleted, RedshiftLoadFailed]) {
      await handler(busEvent(c, c.example), context());
    }
    assert.deepEqual(await health.latest(), {
      'ProcessingCompleted.v1': {
        at: '2026-11-29T10:15:02.000Z',
        summary: { jobId: ProcessingCompleted.example.jobId, rows: { events: 10 }, badRows: 0, apps: ['shop_web'] },
      },
      'ProcessingFailed.v1': {
        at: '2026-11-29T10:15:02.000Z',
        summary: { jobId: ProcessingFailed.example.jobId, error: { code: 'WAREHOUSE_WRITE_FAILED', message: 'disk full' } },
      },
      'PartitionsExpired.v1': {
        at: '2026-11-29T03:15:04.000Z',
        summary: { appId: 'shop_web', table: 'events', cutoff: '2025-10-30', retentionDays: 395, partitions: 2 },
      },
      'AthenaPartitionsAdded.v1': {
        at: '2026-11-29T10:15:03.000Z',
        summary: { jobId: AthenaPartitionsAdded.example.jobId, partitions: 1 },
      },
      'RedshiftLoadCompleted.v1': {
        at: '2026-11-29T10:20:30.000Z',
        summary: { loadId: 'events-2026-11-29T10-20-00Z', table: 'events', rows: 10 },
      },
      'RedshiftLoadFailed.v1': {
        at: '2026-11-29T10:20:30.000Z',
        summary: { loadId: 'events-2026-11-29T10-20-00Z', table: 'events', error: { code: 'COPY_FAILED', message: 'S3 access denied' } },
      },
    });
  });

  it('a newer event replaces the older one of its kind', async (t) => {
    const health = await wire(t);
    await handler(completed('job-1', '2026-11-29T10:00:00.000Z'), context());
    await handler(completed('job-2', '2026-11-29T10:15:00.000Z'), context());
    assert.deepEqual((await health.latest())['ProcessingCompleted.v1']?.summary.jobId, 'job-2');
  });

  it('an older event delivered late is ignored', async (t) => {
    const health = await wire(t);
    await handler(completed('job-2', '2026-11-29T10:15:00.000Z'), context());
    await handler(completed('job-1', '2026-11-29T10:00:00.000Z'), context());
    assert.deepEqual((await health.latest())['ProcessingCompleted.v1'], {
      at: '2026-11-29T10:15:00.000Z',
      summary: { jobId: 'job-2', rows: { events: 10 }, badRows: 0, apps: ['shop_web'] },
    });
  });

  it('compares times as instants, whatever offset or precision the producer wrote', async (t) => {
    const health = await wire(t);
    await handler(completed('job-2', '2026-11-29T10:15:00Z'), context());
    // 11:30+02:00 is 09:30Z: older, although it sorts after "10:15" as text.
    await handler(completed('job-1', '2026-11-29T11:30:00+02:00'), context());
    assert.equal((await health.latest())['ProcessingCompleted.v1']?.summary.jobId, 'job-2');
    // Half a second later is newer, although "10:15:00.500Z" sorts before "10:15:00Z" as text.
    await handler(completed('job-3', '2026-11-29T10:15:00.500Z'), context());
    assert.equal((await health.latest())['ProcessingCompleted.v1']?.summary.jobId, 'job-3');
  });

  it('a replay of the latest event changes nothing', async (t) => {
    const health = await wire(t);
    const event = completed('job-1', '2026-11-29T10:00:00.000Z');
    await handler(event, context());
    const before = await health.latest();
    await handler(event, context());
    assert.deepEqual(await health.latest(), before);
  });

  it('kinds are independent: a failure does not hide the last success', async (t) => {
    const health = await wire(t);
    await handler(completed('job-1', '2026-11-29T10:00:00.000Z'), context());
    await handler(busEvent(ProcessingFailed, { ...ProcessingFailed.example, jobId: 'job-2', failedAt: '2026-11-29T10:15:00.000Z' }), context());
    const latest = await health.latest();
    assert.equal(latest['ProcessingCompleted.v1']?.summary.jobId, 'job-1');
    assert.equal(latest['ProcessingFailed.v1']?.summary.jobId, 'job-2');
  });

  it('a malformed detail is a ContractViolation and records nothing', async (t) => {
    const health = await wire(t);
    await assert.rejects(handler(busEvent(ProcessingCompleted, { jobId: 'job-1' }), context()), ContractViolation);
    await assert.rejects(handler(completed('job-1', 'not a time'), context()), ContractViolation);
    assert.deepEqual(await health.latest(), {});
  });
});

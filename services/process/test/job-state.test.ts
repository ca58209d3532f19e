import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  ProcessingCompleted,
  ProcessingFailed,
  type DetailInputOf,
  type EventContract,
} from '@clickstream/contracts';
import type { Clock, EventPublisher } from '@clickstream/lambda-kit';
import type { Context } from 'aws-lambda';
import { decideOnJobState, type JobRunStateChange } from '../src/domain/job-state.js';
import { handler } from '../src/handlers/on-job-state-change.js';
import type { PipelineConfigStore } from '../src/ports/pipeline-config-store.js';
import type { JobLauncher } from '../src/ports/job-launcher.js';
import type { JobResults } from '../src/ports/job-results.js';
import { useLocalPorts } from '../src/wiring.js';

const NOW = Date.UTC(2026, 11, 1, 8, 30, 0);
const JOB_ID = 'job-20261201T083000000Z';

function change(state: string, over: Partial<JobRunStateChange> = {}): JobRunStateChange {
  return { jobRunId: '00f0abcdef123456', applicationId: '00app', name: JOB_ID, state, ...over };
}

describe('decideOnJobState', () => {
  it('SUCCESS → publish the result manifest of the job', () => {
    assert.deepEqual(decideOnJobState(change('SUCCESS')), { action: 'publish-result', jobId: JOB_ID });
  });

  it('FAILED and CANCELLED → publish a failure with an EMR_ code and the state details', () => {
    assert.deepEqual(decideOnJobState(change('FAILED', { stateDetails: 'Driver exited with code 1' })), {
      action: 'publish-failure',
      jobId: JOB_ID,
      code: 'EMR_FAILED',
      message: 'Driver exited with code 1',
    });
    assert.deepEqual(decideOnJobState(change('CANCELLED')), {
      action: 'publish-failure',
      jobId: JOB_ID,
      code: 'EMR_CANCELLED',
      message: 'job run cancelled',
    });
  });

  it('non-terminal states are ignored', () => {
    for (const state of ['SUBMITTED', 'PENDING', 'SCHEDULED', 'RUNNING', 'QUEUED', 'CANCELLING']) {
      assert.deepEqual(decideOnJobState(change(state)), { action: 'ignore' }, state);
    }
  });

  it('falls back to the job run id when the run has no name', () => {
    assert.deepEqual(decideOnJobState(change('SUCCESS', { name: undefined })), { action: 'publish-result', jobId: '00f0abcdef123456' });
  });
});

// ---- the handler, with fake ports ----

class RecordingPublisher implements EventPublisher {
  readonly published: { detailType: string; detail: unknown }[] = [];
  async publish<C extends EventContract>(contract: C, detail: DetailInputOf<C>): Promise<void> {
    this.published.push({ detailType: contract.detailType, detail: structuredClone(detail) });
  }
}

class ManifestResults implements JobResults {
  readonly reads: string[] = [];
  constructor(private readonly manifests: Record<string, DetailInputOf<typeof ProcessingCompleted>>) {}
  async read(jobId: string) {
    this.reads.push(jobId);
    return this.manifests[jobId];
  }
}

const noConfigs: PipelineConfigStore = {
  get: async () => undefined,
  put: async () => {
    throw new Error('not expected');
  },
  list: async () => [],
};

const neverLaunch: JobLauncher = {
  launch: async () => {
    throw new Error('not used by on-job-state-change');
  },
};
const clock: Clock = { now: () => NOW };

function context(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'process-on-job-state-change',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:process-on-job-state-change',
    memoryLimitInMB: '256',
    awsRequestId: 'req-test',
    logGroupName: '/aws/lambda/process-on-job-state-change',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The EventBridge event EMR Serverless emits on a job run state change. */
function emrEvent(detail: Record<string, unknown>) {
  return {
    version: '0',
    id: 'b1c2d3e4-0000-4000-8000-000000000001',
    'detail-type': 'EMR Serverless Job Run State Change',
    source: 'aws.emr-serverless',
    account: '000000000000',
    time: new Date(NOW).toISOString(),
    region: 'eu-west-1',
    resources: [],
    detail: { jobRunId: '00f0abcdef123456', applicationId: '00app', arn: 'arn:…', releaseLabel: 'emr-7.5.0', ...detail },
  };
}

const manifest: DetailInputOf<typeof ProcessingCompleted> = { ...ProcessingCompleted.example, jobId: JOB_ID };

function wire(manifests: Record<string, DetailInputOf<typeof ProcessingCompleted>> = { [JOB_ID]: manifest }) {
  const publisher = new RecordingPublisher();
  const results = new ManifestResults(manifests);
  useLocalPorts({ jobs: neverLaunch, results, publisher, clock, pipelineConfigs: noConfigs });
  return { publisher, results };
}

describe('on-job-state-change handler', () => {
  it('SUCCESS → publishes the result manifest the job left, as ProcessingCompleted', async () => {
    const { publisher, results } = wire();
    await handler(emrEvent({ name: JOB_ID, state: 'SUCCESS' }), context());
    assert.deepEqual(results.reads, [JOB_ID]);
    assert.deepEqual(publisher.published, [{ detailType: 'ProcessingCompleted.v1', detail: manifest }]);
    assert.ok(ProcessingCompleted.schema.safeParse(publisher.published[0]!.detail).success);
  });

  it('SUCCESS without a result manifest fails loudly (retried, then dead-lettered) and publishes nothing', async () => {
    const { publisher } = wire({});
    await assert.rejects(handler(emrEvent({ name: JOB_ID, state: 'SUCCESS' }), context()), /no result manifest/);
    assert.deepEqual(publisher.published, []);
  });

  it('FAILED → publishes a ProcessingFailed that satisfies the contract', async () => {
    const { publisher, results } = wire();
    await handler(emrEvent({ name: JOB_ID, state: 'FAILED', stateDetails: 'Driver exited with code 1' }), context());
    assert.deepEqual(results.reads, [], 'a failed run has no manifest to read');
    assert.equal(publisher.published.length, 1);
    assert.equal(publisher.published[0]!.detailType, 'ProcessingFailed.v1');
    const parsed = ProcessingFailed.schema.safeParse(publisher.published[0]!.detail);
    assert.ok(parsed.success, parsed.error?.message);
    assert.deepEqual(parsed.data, {
      jobId: JOB_ID,
      inputRange: { from: 'unknown', to: 'unknown' },
      error: { code: 'EMR_FAILED', message: 'Driver exited with code 1' },
      failedAt: new Date(NOW).toISOString(),
    });
  });

  it('RUNNING → publishes nothing', async () => {
    const { publisher, results } = wire();
    await handler(emrEvent({ name: JOB_ID, state: 'RUNNING' }), context());
    assert.deepEqual(publisher.published, []);
    assert.deepEqual(results.reads, []);
  });

  it('rejects an event that is not a job run state change', async () => {
    const { publisher } = wire();
    await assert.rejects(handler({ detail: { state: 'SUCCESS' } }, context()));
    assert.deepEqual(publisher.published, []);
  });
});

describe('job runs of other EMR applications', () => {
  it('are ignored: the default bus carries every application of the account', () => {
    const change = { jobRunId: 'r1', applicationId: 'someone-else', name: 'job-x', state: 'SUCCESS' };
    assert.deepEqual(decideOnJobState(change, 'ours'), { action: 'ignore' });
    assert.equal(decideOnJobState({ ...change, applicationId: 'ours' }, 'ours').action, 'publish-result');
  });
});

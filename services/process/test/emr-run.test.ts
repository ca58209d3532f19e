import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ListJobRunsCommand, StartJobRunCommand, EMRServerlessClient } from '@aws-sdk/client-emr-serverless';
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { PipelineConfig, ProcessingCompleted, type DetailInputOf, type EventContract } from '@clickstream/contracts';
import type { EventPublisher } from '@clickstream/lambda-kit';
import { DynamoDbEmrJobState } from '../src/adapters/aws/dynamodb-emr-job-state.js';
import { DynamoDbPipelineConfigs } from '../src/adapters/aws/dynamodb-pipeline-configs.js';
import { EmrServerlessRuns, sparkSubmitParameters } from '../src/adapters/aws/emr-serverless-runs.js';
import { AwsConfig } from '../src/wiring.js';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { S3JobFiles } from '../src/adapters/aws/s3-job-files.js';
import { S3RawObjects } from '../src/adapters/aws/s3-raw-objects.js';
import { startEmrRun, type EmrRunDeps } from '../src/domain/start-emr-run.js';
import type { EmrJobState, EmrJobStateStore, EmrPendingJob, JobManifest } from '../src/ports/emr-job.js';
import type { StoredPipelineConfig } from '../src/ports/pipeline-config-store.js';
import { PipeConfig } from '../src/pipe/pipe-config.js';

const NOW = new Date(Date.UTC(2026, 10, 29, 10, 15));
const MIN = 60_000;

class MemoryState implements EmrJobStateStore {
  constructor(public value: EmrJobState = { processedUntil: 0 }) {}
  async load() {
    return structuredClone(this.value);
  }
  async start(job: EmrPendingJob, expected: number) {
    if (this.value.pending || this.value.processedUntil !== expected) return false;
    this.value = { ...this.value, pending: job };
    return true;
  }
  async commit(jobId: string) {
    if (this.value.pending?.jobId !== jobId) return;
    this.value = { processedUntil: this.value.pending.to, sessionState: `jobs/${jobId}/session-state/` };
  }
}

function deps(over: { active?: boolean; objects?: string[]; results?: Record<string, DetailInputOf<typeof ProcessingCompleted>>; state?: EmrJobState } = {}) {
  const started: { jobId: string; manifestKey: string; attempt: string }[] = [];
  const manifests: JobManifest[] = [];
  const published: unknown[] = [];
  const listed: [number, number][] = [];
  const config: StoredPipelineConfig = {
    projectId: 'shop',
    version: 3,
    appIds: ['shop_web'],
    process: PipelineConfig.shape.process.parse({ sessionTimeoutMinutes: 20 }),
    changedAt: '2026-11-29T09:00:00.000Z',
  };
  const state = new MemoryState(over.state);
  const publisher: EventPublisher = {
    publish: async <C extends EventContract>(_c: C, detail: unknown) => {
      published.push(detail);
    },
  };
  const d: EmrRunDeps = {
    runs: {
      active: async () => over.active ?? false,
      start: async (jobId, manifestKey, attempt) => {
        started.push({ jobId, manifestKey, attempt });
        return `run-${started.length}`;
      },
    },
    state,
    raw: {
      list: async (from, to) => {
        listed.push([from, to]);
        return over.objects ?? [];
      },
    },
    files: {
      writeManifest: async (m) => {
        manifests.push(m);
        return `jobs/${m.jobId}/manifest.json`;
      },
      readResult: async (jobId) => over.results?.[jobId],
    },
    configs: { get: async () => config, put: async () => true, list: async () => [config] },
    // shop_web keeps 30 days; an app keeping everything (0) needs no entry in the run's configuration.
    retention: {
      get: async () => undefined,
      put: async () => true,
      list: async () => [
        { appId: 'shop_web', retentionDays: 30, revision: 2, deleted: false },
        { appId: 'blog_web', retentionDays: 0, revision: 1, deleted: false },
      ],
    },
    publisher,
    rawBucket: 'raw-bucket',
  };
  return { d, started, manifests, published, listed, state };
}

describe('schedule-start-job on AWS (startEmrRun)', () => {
  it('skips while a run is active', async () => {
    const { d, started } = deps({ active: true, objects: ['raw/a'] });
    assert.deepEqual(await startEmrRun(d, NOW), { status: 'skipped', reason: 'a job run is still active' });
    assert.deepEqual(started, []);
  });

  it('writes a manifest of the raw objects newer than the checkpoint, records the job pending, then starts it', async () => {
    const { d, started, manifests, listed, state } = deps({ objects: ['raw/app_id=shop_web/year=2026/month=11/day=29/hour=09/f1.gz'], state: { processedUntil: NOW.getTime() - 20 * MIN, sessionState: 'jobs/job-prev/session-state/' } });
    const outcome = await startEmrRun(d, NOW);
    const to = NOW.getTime() - 5 * MIN;
    assert.deepEqual(listed, [[NOW.getTime() - 20 * MIN, to]], 'objects that settled (5 min) since the checkpoint');
    assert.equal(outcome.status, 'started');
    const m = manifests[0]!;
    assert.equal(m.jobId, 'job-20261129T101000000Z');
    assert.deepEqual(m.objects, ['raw/app_id=shop_web/year=2026/month=11/day=29/hour=09/f1.gz']);
    assert.equal(m.sessionStateIn, 'jobs/job-prev/session-state/', 'the previous run hands its open sessions over');
    assert.equal(m.rawBucket, 'raw-bucket');
    assert.ok(PipeConfig.safeParse(m.config).success, 'the core accepts the configuration');
    assert.equal(m.config.inputOrder, 'grouped');
    assert.equal(m.config.apps?.shop_web?.sessionTimeoutMinutes, 20, "the app's pipeline configuration travels with the run");
    assert.deepEqual(m.config.retentionDays, { shop_web: 30 }, "each app's stored retention travels with the run");
    assert.equal(m.config.runTime, to, 'the core computes the retention cutoff from the run time, not its own clock');
    assert.deepEqual(state.value.pending, { jobId: m.jobId, from: NOW.getTime() - 20 * MIN, to, startedAt: NOW.getTime() });
    assert.deepEqual(started, [{ jobId: m.jobId, manifestKey: `jobs/${m.jobId}/manifest.json`, attempt: '1' }]);
  });

  it('is idle when nothing new arrived', async () => {
    const { d, manifests } = deps({ objects: [] });
    assert.deepEqual(await startEmrRun(d, NOW), { status: 'idle' });
    assert.deepEqual(manifests, []);
  });

  it('restarts a pending run that left no result (it failed) with the same job id and manifest', async () => {
    const pending = { jobId: 'job-x', from: 0, to: 10, startedAt: 5 };
    const { d, started, manifests } = deps({ objects: ['raw/new'], state: { processedUntil: 0, pending } });
    const outcome = await startEmrRun(d, NOW);
    assert.deepEqual(outcome, { status: 'started', jobId: 'job-x', jobRunId: 'run-1' });
    assert.deepEqual(started, [{ jobId: 'job-x', manifestKey: 'jobs/job-x/manifest.json', attempt: String(NOW.getTime()) }]);
    assert.deepEqual(manifests, [], 'no new manifest while one is pending');
  });

  it('announces and commits a pending run whose result exists (its state change was lost), then starts the next', async () => {
    const pending = { jobId: 'job-x', from: 0, to: NOW.getTime() - 30 * MIN, startedAt: 5 };
    const result = { ...ProcessingCompleted.example, jobId: 'job-x' };
    const { d, published, state, manifests } = deps({ objects: ['raw/new'], state: { processedUntil: 0, pending }, results: { 'job-x': result } });
    const outcome = await startEmrRun(d, NOW);
    assert.deepEqual(published, [result]);
    assert.equal(outcome.status, 'started');
    assert.equal(manifests[0]!.sessionStateIn, 'jobs/job-x/session-state/');
    assert.equal(state.value.pending?.from, pending.to, 'the next run starts where the committed one ended');
  });
});

describe('AWS adapters of the run', () => {
  it('EmrServerlessRuns: active runs and StartJobRun with the manifest and a per-attempt token', async () => {
    const emr = mockClient(EMRServerlessClient);
    emr.on(ListJobRunsCommand).resolves({ jobRuns: [] });
    emr.on(StartJobRunCommand).resolves({ jobRunId: 'jr-1', applicationId: 'app', arn: 'arn' });
    const runs = new EmrServerlessRuns({ applicationId: 'app', executionRoleArn: 'role', warehouseBucket: 'wh' }, new EMRServerlessClient({}));
    assert.equal(await runs.active(), false);
    assert.deepEqual(emr.commandCalls(ListJobRunsCommand)[0]!.args[0].input.states, ['SUBMITTED', 'PENDING', 'SCHEDULED', 'RUNNING', 'QUEUED']);
    assert.equal(await runs.start('job-1', 'jobs/job-1/manifest.json', '2'), 'jr-1');
    const input = emr.commandCalls(StartJobRunCommand)[0]!.args[0].input;
    assert.equal(input.name, 'job-1');
    assert.equal(input.clientToken, 'job-1-2');
    assert.deepEqual(input.jobDriver?.sparkSubmit?.entryPointArguments, ['--job-id', 'job-1', '--manifest', 's3://wh/jobs/job-1/manifest.json', '--warehouse', 's3://wh/']);
    assert.equal(input.jobDriver?.sparkSubmit?.sparkSubmitParameters, undefined, 'no sizing configured: EMR decides');
    emr.restore();
  });

  it('EmrServerlessRuns: StartJobRun sizes the driver and executors from the configured sizing', async () => {
    const emr = mockClient(EMRServerlessClient);
    emr.on(StartJobRunCommand).resolves({ jobRunId: 'jr-2', applicationId: 'app', arn: 'arn' });
    const sizing = { driverCores: 2, driverMemory: '6g', executorCores: 1, executorMemory: '3g', maxExecutors: 7 };
    const runs = new EmrServerlessRuns({ applicationId: 'app', executionRoleArn: 'role', warehouseBucket: 'wh', sizing }, new EMRServerlessClient({}));
    await runs.start('job-2', 'jobs/job-2/manifest.json', '1');
    const sparkSubmit = emr.commandCalls(StartJobRunCommand)[0]!.args[0].input.jobDriver?.sparkSubmit;
    assert.equal(
      sparkSubmit?.sparkSubmitParameters,
      '--conf spark.driver.cores=2 --conf spark.driver.memory=6g --conf spark.executor.cores=1 --conf spark.executor.memory=3g ' +
        '--conf spark.dynamicAllocation.minExecutors=1 --conf spark.dynamicAllocation.initialExecutors=1 --conf spark.dynamicAllocation.maxExecutors=7',
    );
    assert.equal(sparkSubmit?.entryPoint, 's3://wh/jobs/driver/process_driver.py');
    emr.restore();
  });

  it("serverless.yml's sizing params reach StartJobRun through the environment and AwsConfig", () => {
    const yml = parseYaml(readFileSync(new URL('../serverless.yml', import.meta.url), 'utf8')) as {
      params: { default: Record<string, unknown> };
      provider: { environment: Record<string, unknown> };
    };
    const params = yml.params.default;
    // The environment as the stack would set it: ${param:X} replaced by its default.
    const env: Record<string, string> = {};
    for (const [name, value] of Object.entries(yml.provider.environment)) {
      if (!name.startsWith('EMR_') || typeof value !== 'string') continue;
      env[name] = value.replace(/\$\{param:(\w+)\}/g, (_, p: string) => {
        assert.ok(p in params, `params.default.${p} is missing`);
        return String(params[p]);
      });
    }
    const config = AwsConfig.parse({ MODE: 'aws', RAW_BUCKET: 'r', WAREHOUSE_BUCKET: 'w', EMR_APPLICATION_ID: 'a', EMR_JOB_ROLE_ARN: 'arn', EVENT_BUS_NAME: 'b', STATE_TABLE: 's', ...env });
    const sizing = {
      driverCores: config.EMR_DRIVER_CORES,
      driverMemory: config.EMR_DRIVER_MEMORY,
      executorCores: config.EMR_EXECUTOR_CORES,
      executorMemory: config.EMR_EXECUTOR_MEMORY,
      maxExecutors: config.EMR_MAX_EXECUTORS,
    };
    assert.equal(
      sparkSubmitParameters(sizing),
      '--conf spark.driver.cores=1 --conf spark.driver.memory=4g --conf spark.executor.cores=1 --conf spark.executor.memory=4g ' +
        `--conf spark.dynamicAllocation.minExecutors=1 --conf spark.dynamicAllocation.initialExecutors=1 --conf spark.dynamicAllocation.maxExecutors=${String(params.emrMaxExecutors)}`,
    );
    // The defaults hold without the variables too, and nonsense is refused before any run starts.
    const bare = AwsConfig.parse({ MODE: 'aws', RAW_BUCKET: 'r', WAREHOUSE_BUCKET: 'w', EMR_APPLICATION_ID: 'a', EMR_JOB_ROLE_ARN: 'arn', EVENT_BUS_NAME: 'b', STATE_TABLE: 's' });
    assert.deepEqual([bare.EMR_DRIVER_CORES, bare.EMR_DRIVER_MEMORY, bare.EMR_EXECUTOR_MEMORY, bare.EMR_MAX_EXECUTORS], [1, '4g', '4g', 4]);
    assert.equal(AwsConfig.safeParse({ ...bare, EMR_DRIVER_MEMORY: '4 GB' }).success, false);
    assert.equal(AwsConfig.safeParse({ ...bare, EMR_MAX_EXECUTORS: '0' }).success, false);
  });

  it('S3RawObjects: lists per app only the hour prefixes the range can touch, filtered by LastModified', async () => {
    const s3 = mockClient(S3Client);
    s3.on(ListObjectsV2Command).resolves({});
    const from = Date.UTC(2026, 10, 29, 9, 30);
    const to = Date.UTC(2026, 10, 29, 10, 10);
    s3.on(ListObjectsV2Command, { Prefix: 'raw/', Delimiter: '/' }).resolves({ CommonPrefixes: [{ Prefix: 'raw/app_id=a/' }] });
    s3.on(ListObjectsV2Command, { Prefix: 'raw/app_id=a/year=2026/month=11/day=29/hour=09/' }).resolves({
      Contents: [
        { Key: 'raw/app_id=a/year=2026/month=11/day=29/hour=09/old', LastModified: new Date(from - 1) },
        { Key: 'raw/app_id=a/year=2026/month=11/day=29/hour=09/new', LastModified: new Date(from) },
      ],
    });
    s3.on(ListObjectsV2Command, { Prefix: 'raw/app_id=a/year=2026/month=11/day=29/hour=10/' }).resolves({
      Contents: [{ Key: 'raw/app_id=a/year=2026/month=11/day=29/hour=10/late', LastModified: new Date(to) }],
    });
    const keys = await new S3RawObjects('raw', new S3Client({})).list(from, to);
    assert.deepEqual(keys, ['raw/app_id=a/year=2026/month=11/day=29/hour=09/new']);
    const prefixes = s3.commandCalls(ListObjectsV2Command).map((c) => c.args[0].input.Prefix);
    assert.deepEqual(prefixes, [
      'raw/',
      'raw/app_id=a/year=2026/month=11/day=29/hour=07/',
      'raw/app_id=a/year=2026/month=11/day=29/hour=08/',
      'raw/app_id=a/year=2026/month=11/day=29/hour=09/',
      'raw/app_id=a/year=2026/month=11/day=29/hour=10/',
    ]);
    s3.restore();
  });

  it('S3JobFiles: writes the manifest under jobs/<jobId>/', async () => {
    const s3 = mockClient(S3Client);
    s3.on(PutObjectCommand).resolves({});
    const key = await new S3JobFiles('wh', new S3Client({})).writeManifest({ jobId: 'job-1' } as JobManifest);
    assert.equal(key, 'jobs/job-1/manifest.json');
    assert.equal(s3.commandCalls(PutObjectCommand)[0]!.args[0].input.Key, key);
    s3.restore();
  });

  it('DynamoDbEmrJobState: pending only without another pending; commit moves the checkpoint once', async () => {
    const ddb = mockClient(DynamoDBDocumentClient);
    ddb.on(GetCommand).resolves({ Item: { pk: 'CHECKPOINT', sk: 'raw', processedUntil: 10, pending: { jobId: 'job-1', from: 10, to: 20, startedAt: 1 } } });
    ddb.on(UpdateCommand).resolves({});
    const store = new DynamoDbEmrJobState('state', new DynamoDBClient({}));
    await store.commit('job-1');
    const update = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    assert.equal(update.ConditionExpression, 'pending.jobId = :job');
    assert.deepEqual(update.ExpressionAttributeValues, { ':to': 20, ':state': 'jobs/job-1/session-state/', ':job': 'job-1' });
    await store.commit('job-other');
    assert.equal(ddb.commandCalls(UpdateCommand).length, 1, 'committing another job changes nothing');
    ddb.on(PutCommand).resolves({});
    await store.start({ jobId: 'job-2', from: 20, to: 30, startedAt: 2 }, 20);
    assert.match(String(ddb.commandCalls(PutCommand)[0]!.args[0].input.ConditionExpression), /attribute_not_exists\(pending\)/);
    ddb.restore();
  });

  it('DynamoDbPipelineConfigs: conditional put on the version, list by partition key', async () => {
    const ddb = mockClient(DynamoDBDocumentClient);
    ddb.on(PutCommand).resolves({});
    const process = PipelineConfig.shape.process.parse({});
    ddb.on(QueryCommand).resolves({ Items: [{ pk: 'PIPELINE_CONFIG', sk: 'shop', projectId: 'shop', version: 2, appIds: ['a'], process, changedAt: 'x' }] });
    const store = new DynamoDbPipelineConfigs('state', new DynamoDBClient({}));
    assert.equal(await store.put({ projectId: 'shop', version: 3, appIds: ['a'], process, changedAt: 'y' }, 2), true);
    const put = ddb.commandCalls(PutCommand)[0]!.args[0].input;
    assert.equal(put.ConditionExpression, 'attribute_not_exists(pk) OR version = :expected');
    assert.deepEqual([put.Item?.pk, put.Item?.sk], ['PIPELINE_CONFIG', 'shop']);
    assert.deepEqual((await store.list()).map((c) => c.version), [2]);
    ddb.restore();
  });
});

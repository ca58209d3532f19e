// The cost model's arithmetic, component by component, against values worked out by hand from the
// price table (us-east-1) and a fixed deployment, so edits to the serverless.yml files elsewhere
// don't move these numbers. One test reads the real templates.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCli } from './cost-model.js';
import * as c from './cost-model/components.js';
import { readDeployment, resolveParam, runsPerMonth, type Deployment } from './cost-model/deployment.js';
import { runMatrix, runModel } from './cost-model/model.js';
import { parseParams, parseVolume, type ModelInput } from './cost-model/params.js';
import { US_EAST_1 as $ } from './cost-model/prices.js';
import { deriveUsage, GB } from './cost-model/usage.js';
import { servicesRoot } from './template-check.js';

const deployment: Deployment = {
  functions: [
    { service: 'ingest', name: 'http-collect', memoryMb: 512, architecture: 'arm64' },
    { service: 'console-api', name: 'http-api', memoryMb: 1024, architecture: 'arm64' },
  ],
  schedules: {
    'process/schedule-start-job': { expression: 'rate(15 minutes)', runsPerMonth: 2920 },
    'model-athena/schedule-create-partitions': { expression: 'cron(0 23 * * ? *)', runsPerMonth: 30 },
    'model-redshift/schedule-start-load': { expression: 'rate(5 minutes)', runsPerMonth: 8760 },
  },
  kinesisStreamMode: 'ON_DEMAND',
  kinesisRetentionHours: 24,
  defaultSink: 'kinesis',
  firehoseBufferSeconds: 60,
  firehoseBufferMb: 64,
  rawRetentionDays: 90,
  logRetentionDays: 30,
  archiveRetentionDays: 30,
  emrArchitecture: 'ARM64',
  emrMaxVcpu: 32,
  emrSparkSubmitParameters: undefined,
  alarms: 3,
  queues: 5,
  stateMachines: 0,
  sources: [],
};

/** 10 M events of exactly 1,000 B in batches of 10: records of 10 × 1000 (v2: body unescaped) + 450 = 10,450 B. */
const base: ModelInput = { events: 10_000_000, eventsPerRequest: 10, eventBytes: 1000, apps: 1 };
const inputs = (over: ModelInput = {}) => {
  const p = parseParams({ ...base, ...over });
  return { p, d: deployment, u: deriveUsage(p, deployment), $ };
};
const lineUsd = (comp: c.ComponentCost | undefined, startsWith: string) => {
  const l = comp?.lines.find((x) => x.item.startsWith(startsWith));
  assert.ok(l, `no line "${startsWith}" in ${comp?.id}`);
  return l.usd;
};
const near = (actual: number, expected: number, tolerance = 1e-6) =>
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `expected ${expected}, got ${actual}`);

describe('usage', () => {
  test('requests, record size and runs', () => {
    const { u } = inputs();
    assert.equal(u.requests, 1_000_000);
    near(u.recordBytes, 10_450);
    assert.equal(u.processRuns, 2920);
    near(u.eventsPerRun, 10_000_000 / 2920);
    // 1 M requests spread over 730 h is one flush per 60 s buffer: 43,800 objects for one app.
    near(u.firehoseObjects, 43_800);
    assert.equal(u.dashboardQueries, 9000);
  });

  test('the process interval parameter overrides the schedule', () => {
    assert.equal(inputs({ processIntervalMinutes: 60 }).u.processRuns, 730);
  });
});

describe('components', () => {
  test('API Gateway: $1 per million requests, $0.90 beyond 300 M', () => {
    // 1 M collect + 9,000 queries + 3,000 page requests.
    near(c.apiGateway(inputs()).usd, 1.012);
    const big = c.apiGateway(inputs({ events: 4_000_000_000 }));
    // 400 M collect + 12,000 console: 300 M at $1, the rest at $0.90.
    near(big.usd, 300 + (100_012_000 / 1e6) * 0.9);
  });

  test('Lambda http-collect: requests and arm64 GB-seconds at 512 MB', () => {
    const [collect] = c.lambda(inputs());
    // 1 M × $0.20/M + 1 M × 0.030 s × 0.5 GB × $0.0000133334.
    near(collect!.usd, 0.2 + 15_000 * 0.0000133334);
  });

  test('Lambda free tier is shared by all functions', () => {
    const [collect] = c.lambda(inputs({ freeTier: true }));
    // 1 M requests and 15,000 GB-s of collect alone are inside the allowance once all functions share it.
    assert.ok(collect!.usd < 0.05, `collect ${collect!.usd}`);
  });

  test('Kinesis on-demand: stream-hours, 1 KB rounding in and out, KMS', () => {
    const k = c.kinesis(inputs())!;
    near(lineUsd(k, 'stream-hours'), 730 * 0.04);
    // 10,450 B → 11 KB per record: 1 M × 11 KiB = 10.49 GiB.
    const gb = (1_000_000 * 11 * 1024) / GB;
    near(lineUsd(k, 'data written'), gb * 0.08);
    near(lineUsd(k, 'data read'), gb * 0.04);
    near(lineUsd(k, 'KMS'), ((4 * 2 * 12 * 730) / 10_000) * 0.03);
  });

  test('Kinesis provisioned: shards for the peak, 25 KB payload units', () => {
    const k = c.kinesis(inputs({ kinesisMode: 'provisioned' }))!;
    near(lineUsd(k, 'shard-hours'), 730 * 0.015);
    near(lineUsd(k, 'PUT payload units'), 1 * 0.014);
    assert.equal(c.kinesis(inputs({ sink: 'firehose' })), undefined);
  });

  test('Firehose: 5 KB rounding, dynamic partitioning per GB and per object', () => {
    const f = c.firehose(inputs());
    // 10,450 B bills as 15 KB.
    near(lineUsd(f, 'ingestion'), ((1_000_000 * 15 * 1024) / GB) * 0.029);
    near(lineUsd(f, 'dynamic partitioning, GB'), ((1_000_000 * 10_450) / GB) * 0.02);
    near(lineUsd(f, 'dynamic partitioning, objects'), (43_800 / 1000) * 0.005);
  });

  test('EMR Serverless: driver plus idle executors per run, 1-minute minimum', () => {
    // EMR's own worker defaults (what a run without sizing gets).
    const e = c.emr(inputs({ emrDriverVcpu: 4, emrDriverGb: 16, emrExecutors: 3, emrExecutorVcpu: 4, emrExecutorGb: 16 }));
    // Driver 90 s + 3,424.66 events / 5,000 per s; 3 executors 90 s; ARM64 prices.
    const driverH = (2920 * (90 + 10_000_000 / 2920 / 5000)) / 3600;
    const execH = (2920 * 3 * 90) / 3600;
    near(lineUsd(e, 'driver vCPU-hours'), driverH * 4 * 0.042094);
    near(lineUsd(e, 'driver GB-hours'), driverH * 16 * 0.004628);
    near(lineUsd(e, 'executor vCPU-hours'), execH * 4 * 0.042094);
    near(lineUsd(e, 'executor GB-hours'), execH * 16 * 0.004628);
    const lean = c.emr(inputs({ emrDriverVcpu: 1, emrDriverGb: 4, emrExecutors: 0, emrOverheadSeconds: 0, events: 1000 }));
    // A tiny run is still billed 60 s: 2920 min of a 1 vCPU / 4 GB driver, plus the image.
    near(lean.usd, (2920 / 60) * (0.042094 + 4 * 0.004628) + 1.5 * 0.1);
    // The sized runs the process params ask for by default: 1 vCPU / 5 GB driver and one executor.
    const sized = c.emr(inputs());
    const sizedExecH = (2920 * 1 * 90) / 3600;
    near(lineUsd(sized, 'driver vCPU-hours'), driverH * 1 * 0.042094);
    near(lineUsd(sized, 'driver GB-hours'), driverH * 5 * 0.004628);
    near(lineUsd(sized, 'executor vCPU-hours'), sizedExecH * 1 * 0.042094);
  });

  test('Athena: bytes after partition and column pruning, 10 MB minimum', () => {
    // 10 M / 30.4167 days × 7 days × 100 B × 0.25 = 57.5 MB per query.
    const perQuery = (10_000_000 / (730 / 24)) * 7 * 100 * 0.25;
    near(c.athena(inputs())!.usd, ((9000 * perQuery) / 1e12) * 5);
    near(c.athena(inputs({ events: 100_000 }))!.usd, ((9000 * 10 * 2 ** 20) / 1e12) * 5);
    assert.equal(c.athena(inputs({ warehouse: 'redshift' })), undefined);
  });

  test('Redshift Serverless: loads and dashboard views billed 60 s each at the base RPU', () => {
    const r = c.redshift(inputs({ warehouse: 'redshift' }))!;
    // 2,920 loads × 60 s + 1,500 views × 60 s = 73.67 h × 8 RPU × $0.375.
    near(lineUsd(r, 'RPU-hours'), ((2920 + 1500) / 60) * 8 * 0.375);
    const fixed = c.redshift(inputs({ warehouse: 'redshift', redshiftActiveHours: 10 }))!;
    near(lineUsd(fixed, 'RPU-hours'), 10 * 8 * 0.375);
  });

  test('S3: steady-state storage and request counts', () => {
    const s = c.s3(inputs());
    near(lineUsd(s, 'raw storage'), ((1_000_000 * 10_450 * 0.12 * (90 / (730 / 24))) / GB) * 0.023);
    near(lineUsd(s, 'warehouse storage'), ((10_000_000 * 120 * 12) / GB) * 0.023);
    // Firehose objects + runs × (5 files + 2) + 2 per Athena query.
    near(lineUsd(s, 'PUT requests'), ((43_800 + 2920 * 7 + 9000 * 2) / 1000) * 0.005);
    // Athena: 96 runs/day → 96 files per table-day × 7 days × 3 GETs per file.
    near(lineUsd(s, 'GET requests'), ((43_800 + 2920 * 2 + 9000 * 96 * 7 * 3) / 1000) * 0.0004);
  });

  test('Step Functions and DynamoDB follow the Redshift loads', () => {
    near(c.stepFunctions(inputs({ warehouse: 'redshift' }))!.usd, ((2920 * 24) / 1000) * 0.025);
    assert.equal(c.stepFunctions(inputs()), undefined);
    const d = c.dynamodb(inputs({ warehouse: 'athena' }));
    // Writes: 4 per run + one health record per pipeline event (2 per run on the Athena path).
    near(lineUsd(d, 'write request units'), ((2920 * 4 + 2920 * 2) / 1e6) * 0.625);
  });

  test('CloudWatch alarms come from the templates; SQS is zero', () => {
    near(lineUsd(c.cloudWatch(inputs()), 'alarms'), 3 * 0.1);
    assert.equal(lineUsd(c.cloudWatch(inputs({ freeTier: true })), 'alarms'), 0);
    assert.equal(c.sqs(inputs()).usd, 0);
  });
});

describe('model', () => {
  test('totals are the sum of the components, per 10 M events scales with volume', () => {
    const r = runModel({ ...base, sink: 'firehose' }, deployment);
    near(r.totalUsd, r.components.reduce((s, x) => s + x.usd, 0));
    near(r.usdPer10MEvents, r.totalUsd);
    assert.ok(r.target);
    assert.equal(r.target.met, r.usdPer10MEvents < 15);
    const share = r.dominant.reduce((s, x) => s + x.share, 0);
    near(share, 1);
  });

  test('matrix: every sink × warehouse, Kinesis only on its sink', () => {
    const m = runMatrix(base, deployment);
    assert.deepEqual(m.map((r) => `${r.params.sink}+${r.params.warehouse}`), ['kinesis+athena', 'kinesis+redshift', 'firehose+athena', 'firehose+redshift']);
    assert.ok(m[0]!.components.some((x) => x.id === 'kinesis'));
    assert.ok(!m[2]!.components.some((x) => x.id === 'kinesis'));
    assert.ok(m[1]!.components.some((x) => x.id === 'redshift-serverless'));
  });

  test('bad parameters are rejected with the flag name', () => {
    assert.throws(() => runModel({ events: -1 }, deployment), /--events:/);
    assert.throws(() => runModel({ region: 'eu-west-1' }, deployment), /no price table for region eu-west-1/);
  });
});

describe('inputs', () => {
  test('volumes', () => {
    assert.equal(parseVolume('10M'), 10_000_000);
    assert.equal(parseVolume('2.5k'), 2500);
    assert.equal(parseVolume('1B'), 1e9);
    assert.throws(() => parseVolume('ten'), /invalid event volume/);
  });

  test('CLI flags map to parameters', () => {
    const cli = parseCli(['--scenario', '1B', '--sink', 'firehose', '--events-per-request', '4', '--free-tier', '--json']);
    assert.deepEqual(cli.scenarios, [['1B', 1e9]]);
    assert.deepEqual(cli.sinks, ['firehose']);
    assert.equal(cli.input.eventsPerRequest, '4');
    assert.equal(cli.input.freeTier, true);
    assert.equal(cli.json, true);
    assert.throws(() => parseCli(['--sink', 'kafka']), /--sink kafka/);
    assert.throws(() => parseCli(['--nope', '1']), /Unknown option/);
  });

  test('schedules and params', () => {
    assert.equal(runsPerMonth('rate(15 minutes)'), 2920);
    assert.equal(runsPerMonth('rate(1 hour)'), 730);
    near(runsPerMonth('cron(0 23 * * ? *)'), 730 / 24);
    assert.equal(resolveParam("${param:processSchedule, 'rate(15 minutes)'}", { processSchedule: 'rate(1 hour)' }), 'rate(1 hour)');
    assert.equal(resolveParam("${param:missing, 'x'}", {}), 'x');
    assert.throws(() => resolveParam('${param:missing}', {}), /has no default/);
  });

  test('the real templates parse into a deployment', () => {
    const d = readDeployment(servicesRoot);
    assert.ok(d.functions.some((f) => f.service === 'ingest' && f.name === 'http-collect' && f.memoryMb > 0));
    assert.ok(d.schedules['process/schedule-start-job']!.runsPerMonth > 0);
    assert.ok(['ON_DEMAND', 'PROVISIONED'].includes(d.kinesisStreamMode));
    assert.ok(d.queues >= 1);
  });
});

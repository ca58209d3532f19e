// One function per AWS service the templates declare: monthly usage × list price, line by line.
import { functionSpec, HOURS_PER_MONTH, type Deployment } from './deployment.js';
import type { ModelParams } from './params.js';
import { cost, type Price, type PriceTable } from './prices.js';
import { GB, RAW_GZIP_RATIO, TABLES, type Usage } from './usage.js';

export interface CostLine {
  item: string;
  quantity: number;
  unit: string;
  usd: number;
}

export interface ComponentCost {
  id: string;
  name: string;
  usd: number;
  lines: CostLine[];
  notes: string[];
}

export interface Inputs {
  p: ModelParams;
  d: Deployment;
  u: Usage;
  $: PriceTable;
}

export const line = (item: string, quantity: number, price: Price): CostLine => ({ item, quantity, unit: price.unit, usd: cost(quantity, price) });

const component = (id: string, name: string, lines: CostLine[], notes: string[] = []): ComponentCost => ({
  id,
  name,
  usd: lines.reduce((s, l) => s + l.usd, 0),
  lines,
  notes,
});

const free = (quantity: number, allowance: number, on: boolean) => (on ? Math.max(0, quantity - allowance) : quantity);
const roundUp = (bytes: number, unit: number) => Math.ceil(bytes / unit) * unit;

export function apiGateway({ p, u, $ }: Inputs): ComponentCost {
  const collect = u.requests * (1 + p.preflightShare);
  const total = collect + u.consoleRequests;
  const first = Math.min(total, 300e6);
  const lines = [line('HTTP API requests (collect + console API)', first, $.apiGateway.httpRequests)];
  if (total > first) lines.push(line('HTTP API requests over 300 M', total - first, $.apiGateway.httpRequestsOver300M));
  return component('api-gateway', 'API Gateway HTTP API', lines, ['Requests up to 512 KB count once; SDK batches are far smaller.']);
}

/** GB-seconds and requests of one function; the free tier is applied to the total in `lambda`. */
interface Invocations {
  fn: string;
  requests: number;
  seconds: number;
}

function invocations({ p, u }: Inputs): Invocations[] {
  const querySeconds = u.uses.dashboardsOn === 'athena' ? p.athenaQuerySeconds : p.redshiftQuerySeconds;
  const consoleSeconds = u.dashboardQueries * querySeconds + 2 * p.dashboardViews * 0.05;
  const list: Invocations[] = [
    { fn: 'ingest/http-collect', requests: u.requests * (1 + p.preflightShare), seconds: p.collectDurationMs / 1000 },
    { fn: 'ingest/on-app-changed', requests: 20, seconds: 0.2 },
    { fn: 'process/schedule-start-job', requests: u.processRuns, seconds: 0.3 },
    { fn: 'process/on-job-state-change', requests: u.processRuns, seconds: 0.4 },
    { fn: 'console-api/on-pipeline-event', requests: u.pipelineEvents, seconds: 0.1 },
    // The API function waits for each query it runs; page requests take ~50 ms.
    { fn: 'console-api/http-api', requests: u.consoleRequests, seconds: consoleSeconds / Math.max(1, u.consoleRequests) },
  ];
  if (u.uses.athena) {
    list.push({ fn: 'model-athena/on-processing-completed', requests: u.processRuns, seconds: 0.8 });
    list.push({ fn: 'model-athena/schedule-create-partitions', requests: u.partitionRuns, seconds: 2 });
  }
  if (u.uses.redshift) {
    list.push({ fn: 'model-redshift/on-processing-completed', requests: u.processRuns, seconds: 0.3 });
    list.push({ fn: 'model-redshift/schedule-start-load', requests: u.loadTicks, seconds: 0.2 });
  }
  return list;
}

export function lambda(i: Inputs): ComponentCost[] {
  const { p, d, $ } = i;
  const rows = invocations(i).map((inv) => {
    const [service, name] = inv.fn.split('/') as [string, string];
    const spec = functionSpec(d, service, name);
    const gbSeconds = inv.requests * Math.max(0.001, inv.seconds) * (spec.memoryMb / 1024);
    return { ...inv, spec, gbSeconds };
  });
  const totalRequests = rows.reduce((s, r) => s + r.requests, 0);
  const totalGbs = rows.reduce((s, r) => s + r.gbSeconds, 0);
  // The always-free allowance is shared; spread it in proportion so the two rows still add up.
  const reqScale = totalRequests > 0 ? free(totalRequests, $.alwaysFree.lambdaRequests, p.freeTier) / totalRequests : 1;
  const gbsScale = totalGbs > 0 ? free(totalGbs, $.alwaysFree.lambdaGbSeconds, p.freeTier) / totalGbs : 1;
  const priceOf = (arch: string) => (arch === 'x86_64' ? $.lambda.x86GbSecond : $.lambda.arm64GbSecond);
  const toLines = (r: (typeof rows)[number]) => [
    line(`${r.fn} requests`, r.requests * reqScale, $.lambda.requests),
    line(`${r.fn} GB-s (${r.spec.memoryMb} MB ${r.spec.architecture}, ${Math.round(Math.max(0.001, r.seconds) * 1000)} ms)`, r.gbSeconds * gbsScale, priceOf(r.spec.architecture)),
  ];
  const collect = rows.filter((r) => r.fn === 'ingest/http-collect');
  const others = rows.filter((r) => r.fn !== 'ingest/http-collect');
  return [
    component('lambda-collect', 'Lambda http-collect', collect.flatMap(toLines), [`${p.collectDurationMs} ms billed per request (PutRecords/PutRecordBatch included).`]),
    component('lambda-consumers', 'Lambda consumers, schedules, console API', others.flatMap(toLines), ['Durations are estimates; console-api http-api is billed while it waits for each query.']),
  ];
}

export function kinesis({ p, d, u, $ }: Inputs): ComponentCost | undefined {
  if (p.sink !== 'kinesis') return undefined;
  const mode = p.kinesisMode ?? (d.kinesisStreamMode === 'PROVISIONED' ? 'provisioned' : 'on-demand');
  const billedKb = roundUp(u.recordBytes, 1024) / 1024;
  const gbWritten = (u.requests * billedKb * 1024) / GB;
  const extraRetentionHours = Math.max(0, d.kinesisRetentionHours - 24);
  const lines: CostLine[] = [];
  const notes = [`${mode} (services/ingest/serverless.yml declares ${d.kinesisStreamMode}); records of ${Math.round(u.recordBytes)} B bill as ${billedKb} KB.`];
  let shards: number;
  if (mode === 'on-demand') {
    // An on-demand stream starts at 4 shards; KMS calls scale with them.
    shards = Math.max(4, Math.ceil((u.peakRequestsPerSecond * u.recordBytes) / 2 ** 20), Math.ceil(u.peakRequestsPerSecond / 1000));
    lines.push(line('stream-hours', HOURS_PER_MONTH, $.kinesis.onDemandStreamHour));
    lines.push(line('data written (1 KB rounding)', gbWritten, $.kinesis.onDemandDataIn));
    lines.push(line('data read by Firehose (1 KB rounding)', gbWritten, $.kinesis.onDemandDataOut));
    if (extraRetentionHours > 0) {
      lines.push(line('retention beyond 24 h', (gbWritten * Math.min(extraRetentionHours, HOURS_PER_MONTH)) / HOURS_PER_MONTH, $.kinesis.onDemandExtendedRetention));
    }
  } else {
    shards = Math.max(1, Math.ceil((u.peakRequestsPerSecond * u.recordBytes) / 2 ** 20), Math.ceil(u.peakRequestsPerSecond / 1000));
    lines.push(line(`shard-hours (${shards} shard${shards > 1 ? 's' : ''} for ${p.peakFactor}× peak)`, shards * HOURS_PER_MONTH, $.kinesis.shardHour));
    lines.push(line('PUT payload units (25 KB)', u.requests * Math.ceil(u.recordBytes / 25_600), $.kinesis.putPayloadUnits));
    if (extraRetentionHours > 0) lines.push(line('retention beyond 24 h', shards * HOURS_PER_MONTH, $.kinesis.extendedRetentionShardHour));
  }
  // Server-side encryption with aws/kinesis: data keys are refreshed about every 5 minutes per shard, on write and read.
  lines.push(line('KMS requests (stream encryption)', shards * 2 * 12 * HOURS_PER_MONTH, $.kms.requests));
  return component('kinesis', 'Kinesis Data Streams', lines, notes);
}

export function firehose({ d, u, $ }: Inputs): ComponentCost {
  const billedBytes = roundUp(u.recordBytes, 5120);
  const jqSecondsPerRecord = 100e-6;
  return component(
    'firehose',
    'Data Firehose (→ S3 raw/)',
    [
      line(`ingestion (5 KB rounding: ${Math.round(u.recordBytes)} B → ${billedBytes / 1024} KB)`, (u.requests * billedBytes) / GB, $.firehose.ingestion),
      line('dynamic partitioning, GB', u.rawBytes / GB, $.firehose.dynamicPartitioningGb),
      line('dynamic partitioning, objects', u.firehoseObjects, $.firehose.dynamicPartitioningObjects),
      line('JQ processing hours (≈100 µs/record)', (u.requests * jqSecondsPerRecord) / 3600, $.firehose.jqHour),
    ],
    [`${d.firehoseBufferSeconds} s / ${d.firehoseBufferMb} MB buffer, one object per app and buffer interval.`],
  );
}

export function s3({ p, d, u, $ }: Inputs): ComponentCost {
  const months = (days: number) => days / (HOURS_PER_MONTH / 24);
  const rawStored = (u.rawBytes * RAW_GZIP_RATIO * Math.min(months(d.rawRetentionDays), 1e9)) / GB;
  const warehouseStored = (p.events * p.warehouseBytesPerEvent * p.retentionMonths) / GB;
  const redshiftCopyGets = u.uses.redshift ? u.processRuns * u.filesPerRun : 0;
  const athenaGets = u.uses.dashboardsOn === 'athena' ? u.dashboardQueries * u.athenaFilesPerQuery * 3 : 0;
  // A run lists the raw prefixes it covers (one per app and hour) and reads every new object once.
  const runLists = u.processRuns * p.apps * 2;
  // A run writes its files, a manifest and a result.json; Athena writes a result and its metadata per query.
  const puts = u.firehoseObjects + u.processRuns * (u.filesPerRun + 2) + (u.uses.dashboardsOn === 'athena' ? u.dashboardQueries * 2 : 0);
  return component(
    's3',
    'S3 (raw, warehouse, Athena results)',
    [
      line(`raw storage (gzip ${RAW_GZIP_RATIO}, ${d.rawRetentionDays} days kept)`, rawStored, $.s3.standardGbMonth),
      line(`warehouse storage (${p.warehouseBytesPerEvent} B/event, ${p.retentionMonths} months kept)`, warehouseStored, $.s3.standardGbMonth),
      line('PUT requests (Firehose objects, run files, query results)', puts, $.s3.putCopyPostList),
      line('LIST requests (processing runs)', runLists, $.s3.putCopyPostList),
      line('GET requests (processing reads raw, Athena reads Parquet, Redshift COPY)', u.firehoseObjects + u.processRuns * 2 + athenaGets + redshiftCopyGets, $.s3.getSelectOther),
    ],
    ['Storage is the steady state once the retention periods are full; the first months cost less.'],
  );
}

export function emr({ p, d, u, $ }: Inputs): ComponentCost {
  const arm = d.emrArchitecture === 'ARM64';
  const vcpuPrice = arm ? $.emrServerless.arm64VcpuHour : $.emrServerless.x86VcpuHour;
  const gbPrice = arm ? $.emrServerless.arm64GbHour : $.emrServerless.x86GbHour;
  const processing = u.eventsPerRun / (p.emrEventsPerVcpuSecond * p.emrParallelism);
  const driverSeconds = Math.max(60, p.emrOverheadSeconds + processing);
  // Executors that get no tasks (the core runs on the driver) are released after the idle timeout.
  const executorSeconds = Math.max(60, p.emrParallelism > 1 ? driverSeconds : Math.min(driverSeconds, p.emrExecutorIdleSeconds));
  const driverHours = (u.processRuns * driverSeconds) / 3600;
  const executorHours = (u.processRuns * p.emrExecutors * executorSeconds) / 3600;
  const notes = [
    `${Math.round(u.processRuns)} runs/month (every ${((HOURS_PER_MONTH * 60) / u.processRuns).toFixed(0)} min), ${Math.round(u.eventsPerRun).toLocaleString('en-US')} events/run, driver ${Math.round(driverSeconds)} s, ${p.emrExecutors} executors ${Math.round(executorSeconds)} s each (1-minute minimum per worker).`,
    d.emrSparkSubmitParameters === undefined
      ? `Workers as sized by the process params (emrDriver*/emrExecutor*): ${p.emrDriverVcpu} vCPU/${p.emrDriverGb} GB driver, ${p.emrExecutors} initial executor(s) of ${p.emrExecutorVcpu} vCPU/${p.emrExecutorGb} GB.`
      : `Spark settings in the template: ${d.emrSparkSubmitParameters}`,
    'A run starts on every schedule tick, with or without new data.',
  ];
  const peakVcpu = p.emrDriverVcpu + p.emrExecutors * p.emrExecutorVcpu;
  if (peakVcpu > d.emrMaxVcpu) notes.push(`Needs ${peakVcpu} vCPU, above the application's maximum capacity of ${d.emrMaxVcpu}.`);
  return component(
    'emr-serverless',
    `EMR Serverless (${arm ? 'ARM64' : 'X86_64'})`,
    [
      line(`driver vCPU-hours (${p.emrDriverVcpu} vCPU)`, driverHours * p.emrDriverVcpu, vcpuPrice),
      line(`driver GB-hours (${p.emrDriverGb} GB)`, driverHours * p.emrDriverGb, gbPrice),
      line(`executor vCPU-hours (${p.emrExecutors} × ${p.emrExecutorVcpu} vCPU)`, executorHours * p.emrExecutorVcpu, vcpuPrice),
      line(`executor GB-hours (${p.emrExecutors} × ${p.emrExecutorGb} GB)`, executorHours * p.emrExecutorGb, gbPrice),
      line('ECR image storage', p.emrImageGb, $.ecr.storageGbMonth),
    ],
    notes,
  );
}

export function glue({ p, u, $ }: Inputs): ComponentCost | undefined {
  if (!u.uses.athena) return undefined;
  const days = p.retentionMonths * (HOURS_PER_MONTH / 24);
  const objects = TABLES * p.apps * days + TABLES + 4;
  // Per run: a GetTable and a BatchCreatePartition per table; per query: GetTable + GetPartitions (≈3); daily pre-creation.
  const requests = u.processRuns * TABLES * 2 + u.dashboardQueries * 3 + u.partitionRuns * TABLES * 2;
  return component('glue', 'Glue Data Catalog', [
    line(`objects (tables, views, ${Math.round(days)} days of partitions)`, free(objects, $.alwaysFree.glueObjects, true), $.glue.catalogObjects),
    line('requests', free(requests, $.alwaysFree.glueRequests, true), $.glue.catalogRequests),
  ], ['The first million objects and requests are free every month (applied always).']);
}

export function athena({ u, $ }: Inputs): ComponentCost | undefined {
  if (u.uses.dashboardsOn !== 'athena') return undefined;
  const billed = Math.max(10 * 2 ** 20, u.athenaBytesPerQuery);
  return component('athena', 'Athena (console dashboards)', [line(`bytes scanned (${u.dashboardQueries.toLocaleString('en-US')} queries × ${(billed / 2 ** 20).toFixed(0)} MB)`, u.dashboardQueries * billed, $.athena.scanned)], [
    'Each query reads one app\'s days in range (partition pruning) and a share of the columns; 10 MB minimum per query.',
  ]);
}

export function redshift({ p, u, $ }: Inputs): ComponentCost | undefined {
  if (!u.uses.redshift) return undefined;
  const loadHours = (u.redshiftLoads * Math.max(60, p.redshiftLoadSeconds)) / 3600;
  const dashboardHours = u.uses.dashboardsOn === 'redshift' ? (p.dashboardViews * Math.max(60, p.queriesPerView * p.redshiftQuerySeconds)) / 3600 : 0;
  const hours = p.redshiftActiveHours ?? loadHours + dashboardHours;
  const stored = (p.events * p.warehouseBytesPerEvent * p.retentionMonths) / GB;
  return component('redshift-serverless', `Redshift Serverless (${p.redshiftBaseRpu} RPU base)`, [
    line(`RPU-hours (${hours.toFixed(1)} active h: ${Math.round(u.redshiftLoads)} loads${dashboardHours ? ' + dashboards' : ''})`, hours * p.redshiftBaseRpu, $.redshiftServerless.rpuHour),
    line('managed storage', stored, $.redshiftServerless.managedStorageGbMonth),
  ], [
    p.redshiftActiveHours !== undefined ? 'Active hours given with --redshift-active-hours.' : 'Each load and each dashboard view is a separate active period billed at least 60 s.',
  ]);
}

export function stepFunctions({ p, d, u, $ }: Inputs): ComponentCost | undefined {
  if (!u.uses.redshift) return undefined;
  const perLoad = 24;
  return component('step-functions', 'Step Functions (Redshift load)', [
    line(`state transitions (${perLoad} per load)`, free(u.redshiftLoads * perLoad, $.alwaysFree.stepFunctionsTransitions, p.freeTier), $.stepFunctions.standardTransitions),
  ], [d.stateMachines === 0 ? 'The load state machine is still a TODO in services/model-redshift/serverless.yml; modelled as 4 transitions per table and 4 more per load.' : `${d.stateMachines} state machine(s) declared.`]);
}

export function dynamodb({ p, u, $ }: Inputs): ComponentCost {
  // ingest reads an app at most once per 30 s per warm container (CachedAppDirectory).
  const warmContainers = Math.max(1, Math.ceil(u.peakRequestsPerSecond * (p.collectDurationMs / 1000)));
  const appReads = (warmContainers * p.apps * HOURS_PER_MONTH * 3600) / 30;
  const files = u.uses.redshift ? u.processRuns * u.filesPerRun : 0;
  // process job state: ~4 writes and reads per run; files: record (table + GSI), two status updates (× GSI); health: one write per pipeline event.
  const writes = u.processRuns * 4 + files * 6 + u.pipelineEvents;
  const reads = appReads * 0.5 + u.processRuns * 4 + u.loadTicks * 1 + p.dashboardViews * 2;
  const itemsGb = (files * p.retentionMonths * 400) / GB;
  return component('dynamodb', 'DynamoDB on-demand (4 tables)', [
    line('write request units', writes, $.dynamodb.writeRequestUnits),
    line('read request units', reads, $.dynamodb.readRequestUnits),
    line('storage', free(itemsGb, $.alwaysFree.dynamodbStorageGb, p.freeTier), $.dynamodb.storageGbMonth),
    line('point-in-time recovery', itemsGb, $.dynamodb.pitrGbMonth),
  ]);
}

export function eventBridge({ p, d, u, $ }: Inputs): ComponentCost {
  // ProcessingCompleted lists every file and partition of the run: ~250 B per file, ~120 B per partition.
  const completedBytes = 800 + u.filesPerRun * 250 + u.filesPerRun * 120;
  const chunks = Math.ceil(completedBytes / 65_536);
  const published = u.processRuns * chunks + (u.pipelineEvents - u.processRuns) + 20;
  const archivedGb = (u.processRuns * completedBytes + (u.pipelineEvents - u.processRuns) * 1500) / GB;
  const months = d.archiveRetentionDays / (HOURS_PER_MONTH / 24);
  return component('eventbridge', 'EventBridge (custom bus + archive)', [
    line('custom events published', published, $.eventBridge.customEvents),
    line('events archived', archivedGb, $.eventBridge.archiveProcessing),
    line(`archive storage (${d.archiveRetentionDays} days)`, archivedGb * months, $.eventBridge.archiveStorageGbMonth),
  ], [`Schedules and EMR state changes are free AWS events; ${p.apps} app(s) → ${Math.round(completedBytes)} B per ProcessingCompleted.`]);
}

export function cloudWatch({ p, d, u, $ }: Inputs): ComponentCost {
  const otherInvocations = u.processRuns * 2 + u.pipelineEvents + u.consoleRequests + u.partitionRuns + u.loadTicks + (u.uses.athena ? u.processRuns : 0) + (u.uses.redshift ? u.processRuns : 0);
  const ingestedGb = (u.requests * (1 + p.preflightShare) * p.collectLogBytes + otherInvocations * p.otherLogBytes) / GB;
  const storedGb = ingestedGb * 0.15 * Math.min(d.logRetentionDays / (HOURS_PER_MONTH / 24), 120);
  return component('cloudwatch', 'CloudWatch Logs and alarms', [
    line('log ingestion', free(ingestedGb, $.alwaysFree.cloudWatchLogsGb, p.freeTier), $.cloudWatch.logsIngestedGb),
    line(`log storage (${d.logRetentionDays} days, compressed)`, storedGb, $.cloudWatch.logsStoredGbMonth),
    line(`alarms (${d.alarms} in the templates)`, free(d.alarms, $.alwaysFree.cloudWatchAlarms, p.freeTier), $.cloudWatch.alarm),
  ]);
}

export function sqs({ d, $ }: Inputs): ComponentCost {
  return component('sqs', `SQS dead-letter queues (${d.queues})`, [line('requests (only when deliveries fail)', 0, $.sqs.requests)], [
    'Empty DLQs cost nothing; their depth alarms read free SQS metrics.',
  ]);
}

export function allComponents(i: Inputs): ComponentCost[] {
  return [
    apiGateway(i),
    ...lambda(i),
    kinesis(i),
    firehose(i),
    s3(i),
    emr(i),
    glue(i),
    athena(i),
    redshift(i),
    stepFunctions(i),
    dynamodb(i),
    eventBridge(i),
    cloudWatch(i),
    sqs(i),
  ].filter((c): c is ComponentCost => c !== undefined);
}

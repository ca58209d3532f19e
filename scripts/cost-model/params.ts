// The model's inputs: traffic, how it is sent, how the warehouse is used, and the few performance
// figures the bill depends on. Every one has a default and a flag (camelCase key → --kebab-case).
import * as z from 'zod';

const positive = z.coerce.number().positive();
const nonNegative = z.coerce.number().min(0);
const fraction = z.coerce.number().gt(0).max(1);

export const ModelParams = z.object({
  region: z.string().default('us-east-1'),
  /** Events accepted per month. */
  events: positive.default(10_000_000),
  /** Events per /collect request (the SDKs' batch; 10 for the web SDK's default). */
  eventsPerRequest: z.coerce.number().min(1).default(10),
  /** Average JSON size of one event as the SDK sends it (uncompressed), bytes. */
  eventBytes: positive.default(1000),
  sink: z.enum(['kinesis', 'firehose']).default('kinesis'),
  warehouse: z.enum(['athena', 'redshift', 'both']).default('athena'),
  /** Kinesis capacity mode; default: what services/ingest/serverless.yml declares. */
  kinesisMode: z.enum(['on-demand', 'provisioned']).optional(),
  /** Peak-to-average traffic ratio (sizes provisioned shards and warm Lambda containers). */
  peakFactor: z.coerce.number().min(1).default(3),
  apps: z.coerce.number().int().min(1).default(1),
  /** Minutes between processing runs; default: the process schedule in its serverless.yml. */
  processIntervalMinutes: positive.optional(),
  /** Billed duration of one http-collect invocation, ms. */
  collectDurationMs: positive.default(30),
  /** Share of /collect POSTs that cause a CORS preflight (OPTIONS) request too. */
  preflightShare: z.coerce.number().min(0).max(1).default(0),
  // ---- processing (EMR Serverless) ----
  /** Events one vCPU of the job turns into Parquet per second (measured core: 8–10 k/s before writing). */
  emrEventsPerVcpuSecond: positive.default(5000),
  /** vCPUs that process in parallel; 1 = the TypeScript core as one process on the driver. */
  emrParallelism: z.coerce.number().int().min(1).default(1),
  /** Driver seconds per run besides processing: worker start, Spark/Node start, S3 listing and writes. */
  emrOverheadSeconds: nonNegative.default(90),
  // Worker sizes follow services/process/serverless.yml's emrDriver*/emrExecutor* params (1 core,
  // 4g): with Spark's memory overhead EMR Serverless bills a 5 GB worker. EMR's own defaults, used
  // when no sizing is passed, are 4 vCPU / 16 GB with 3 initial executors.
  emrDriverVcpu: positive.default(1),
  emrDriverGb: positive.default(5),
  /** Executors requested at start (spark.dynamicAllocation.initialExecutors in the process params). */
  emrExecutors: z.coerce.number().int().min(0).default(1),
  emrExecutorVcpu: positive.default(1),
  emrExecutorGb: positive.default(5),
  /** Seconds an unused executor is billed: allocation plus the 60 s dynamic-allocation idle timeout. */
  emrExecutorIdleSeconds: positive.default(90),
  emrImageGb: nonNegative.default(1.5),
  // ---- warehouse ----
  /** Months of processed data kept (steady-state storage). */
  retentionMonths: positive.default(12),
  /** Parquet bytes per event in the events table (measured 76 B on 100 k-row files; small files compress worse). */
  parquetBytesPerEvent: positive.default(100),
  /** All five tables together, Parquet bytes per event (measured 90 B on 100 k-row files). */
  warehouseBytesPerEvent: positive.default(120),
  /** Console dashboard views per month (all apps). */
  dashboardViews: nonNegative.default(1500),
  queriesPerView: nonNegative.default(6),
  /** Days each dashboard query covers; partition pruning reads only those days of one app. */
  dashboardRangeDays: positive.default(7),
  /** Share of the events table's bytes a dashboard query reads (Parquet column pruning). */
  scannedColumnShare: fraction.default(0.25),
  /** Seconds console-api's Lambda waits for one Athena query. */
  athenaQuerySeconds: positive.default(2.5),
  redshiftBaseRpu: z.coerce.number().min(4).default(8),
  /** Seconds of one Redshift load (COPY + MERGE of a run's files); billed at least 60 s. */
  redshiftLoadSeconds: positive.default(60),
  redshiftQuerySeconds: positive.default(2),
  /** Override: total Redshift Serverless active hours per month (else derived from loads and dashboards). */
  redshiftActiveHours: nonNegative.optional(),
  /** Bytes CloudWatch Logs ingests per http-collect invocation (START/END/REPORT lines). */
  collectLogBytes: nonNegative.default(400),
  /** Bytes per invocation of the other functions (Powertools INFO lines included). */
  otherLogBytes: nonNegative.default(1500),
  /** Apply the always-free monthly allowances (Lambda, Glue, SQS, Step Functions, CloudWatch). */
  freeTier: z.boolean().default(false),
});
export type ModelParams = z.infer<typeof ModelParams>;
export type ModelInput = z.input<typeof ModelParams>;

/** Flag name of a parameter: `eventsPerRequest` → `events-per-request`. */
export const flagOf = (key: string): string => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export const PARAM_KEYS = Object.keys(ModelParams.shape) as (keyof ModelParams)[];

export function parseParams(input: ModelInput): ModelParams {
  const parsed = ModelParams.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `--${flagOf(String(i.path[0] ?? ''))}: ${i.message}`);
  throw new Error(`invalid parameters: ${issues.join('; ')}`);
}

export const SCENARIOS: Readonly<Record<string, number>> = {
  '10M': 10_000_000,
  '100M': 100_000_000,
  '1B': 1_000_000_000,
};

/** Parses a volume: a scenario name (10M, 1B), or a number with an optional k/M/B suffix. */
export function parseVolume(text: string): number {
  const named = SCENARIOS[text];
  if (named) return named;
  const m = /^(\d+(?:\.\d+)?)([kKmMbB]?)$/.exec(text.trim());
  if (!m) throw new Error(`invalid event volume ${JSON.stringify(text)}: use 10M, 1B or a number like 25000000 / 25M`);
  const unit = { '': 1, k: 1e3, m: 1e6, b: 1e9 }[(m[2] ?? '').toLowerCase() as '' | 'k' | 'm' | 'b'];
  return Number(m[1]) * unit;
}

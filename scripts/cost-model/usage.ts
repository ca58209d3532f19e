// Monthly usage derived once from the parameters and the deployment: requests, record sizes, runs,
// files and queries. The component costs only multiply these by prices.
import { HOURS_PER_MONTH, SECONDS_PER_MONTH, scheduleRuns, type Deployment } from './deployment.js';
import type { ModelParams } from './params.js';

export const GB = 2 ** 30;
export const TABLES = 5;

/** Envelope fields besides the body: ids, times, IP, user agent, query string. */
export const ENVELOPE_OVERHEAD_BYTES = 450;
/** gzip of JSON-lines envelopes in the raw bucket. */
export const RAW_GZIP_RATIO = 0.12;

export interface Usage {
  events: number;
  requests: number;
  /** One Kinesis/Firehose record per request (the envelope). */
  recordBytes: number;
  rawBytes: number;
  avgRequestsPerSecond: number;
  peakRequestsPerSecond: number;
  processRuns: number;
  eventsPerRun: number;
  /** Parquet files a run writes: one per table, app and day touched. */
  filesPerRun: number;
  firehoseObjects: number;
  partitionRuns: number;
  loadTicks: number;
  redshiftLoads: number;
  dashboardQueries: number;
  /** Console API requests: dashboard queries plus two page requests per view. */
  consoleRequests: number;
  athenaBytesPerQuery: number;
  athenaFilesPerQuery: number;
  pipelineEvents: number;
  uses: { athena: boolean; redshift: boolean; dashboardsOn: 'athena' | 'redshift' };
}

export function deriveUsage(p: ModelParams, d: Deployment): Usage {
  const requests = p.events / p.eventsPerRequest;
  // RawEnvelope v2 embeds the body unescaped: a record is the body plus the envelope fields (v1's
  // escaped string was ×1.1 on generated traffic).
  const recordBytes = p.eventsPerRequest * p.eventBytes + ENVELOPE_OVERHEAD_BYTES;
  const avgRequestsPerSecond = requests / SECONDS_PER_MONTH;
  const processRuns = p.processIntervalMinutes
    ? (HOURS_PER_MONTH * 60) / p.processIntervalMinutes
    : scheduleRuns(d, 'process/schedule-start-job', 'rate(15 minutes)');
  const filesPerRun = TABLES * p.apps;
  // Firehose closes an object per partition (app, hour) when the buffer time or size is reached.
  const flushesPerApp = Math.min(requests / p.apps, SECONDS_PER_MONTH / d.firehoseBufferSeconds);
  const bySize = (requests * recordBytes) / (d.firehoseBufferMb * 2 ** 20);
  const firehoseObjects = Math.max(flushesPerApp * p.apps, bySize);
  const loadTicks = scheduleRuns(d, 'model-redshift/schedule-start-load', 'rate(5 minutes)');
  const athena = p.warehouse !== 'redshift';
  const redshift = p.warehouse !== 'athena';
  const dashboardQueries = p.dashboardViews * p.queriesPerView;
  // Partition pruning: one app's days in range; column pruning: a share of those bytes.
  const eventsPerAppDay = p.events / p.apps / (HOURS_PER_MONTH / 24);
  const athenaBytesPerQuery = eventsPerAppDay * p.dashboardRangeDays * p.parquetBytesPerEvent * p.scannedColumnShare;
  const runsPerDay = processRuns / (HOURS_PER_MONTH / 24);
  const redshiftLoads = redshift ? Math.min(loadTicks, processRuns) : 0;
  return {
    events: p.events,
    requests,
    recordBytes,
    rawBytes: requests * recordBytes,
    avgRequestsPerSecond,
    peakRequestsPerSecond: avgRequestsPerSecond * p.peakFactor,
    processRuns,
    eventsPerRun: p.events / processRuns,
    filesPerRun,
    firehoseObjects,
    partitionRuns: athena ? scheduleRuns(d, 'model-athena/schedule-create-partitions', 'cron(0 23 * * ? *)') : 0,
    loadTicks: redshift ? loadTicks : 0,
    redshiftLoads,
    dashboardQueries,
    consoleRequests: dashboardQueries + 2 * p.dashboardViews,
    athenaBytesPerQuery,
    athenaFilesPerQuery: Math.ceil(runsPerDay) * p.dashboardRangeDays,
    // ProcessingCompleted per run, AthenaPartitionsAdded per run, a RedshiftLoad* per table and load.
    pipelineEvents: processRuns * (1 + (athena ? 1 : 0)) + redshiftLoads * TABLES,
    uses: { athena, redshift, dashboardsOn: athena ? 'athena' : 'redshift' },
  };
}

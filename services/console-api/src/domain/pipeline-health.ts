import {
  AthenaPartitionsAdded,
  PartitionsExpired,
  ProcessingCompleted,
  ProcessingFailed,
  RedshiftLoadCompleted,
  RedshiftLoadFailed,
  TableName,
  partitionDay,
  type DetailOf,
} from '@clickstream/contracts';
import type { Delivery } from '@clickstream/lambda-kit';
import type { AppHealthRecords, CompletedRun, ExpiredPartitions, LatestByKind, LoadOutcome, PipelineHealthStore } from '../ports/pipeline-health.js';

/** The events the health view is built from. */
export const pipelineContracts = [
  ProcessingCompleted,
  ProcessingFailed,
  PartitionsExpired,
  AthenaPartitionsAdded,
  RedshiftLoadCompleted,
  RedshiftLoadFailed,
] as const;
type PipelineContracts = (typeof pipelineContracts)[number];
type PipelineDelivery = Delivery<PipelineContracts>;

// Stores keep the newer of two records by comparing times as text: only one canonical UTC form (ms
// precision, `Z`) makes text order time order, whatever offset or precision the producer wrote.
const canonical = (iso: string) => new Date(iso).toISOString();

/** The few facts of each pipeline event that the health view shows. */
export function summarisePipelineEvent(d: PipelineDelivery): { at: string; summary: Record<string, unknown> } {
  const { at, summary } = describeEvent(d);
  return { at: canonical(at), summary };
}

function describeEvent(d: PipelineDelivery): { at: string; summary: Record<string, unknown> } {
  switch (d.detailType) {
    case 'ProcessingCompleted.v1':
      return {
        at: d.detail.completedAt,
        summary: { jobId: d.detail.jobId, rows: d.detail.rowCounts, badRows: d.detail.badRowCount, apps: d.detail.appIds },
      };
    case 'ProcessingFailed.v1':
      return { at: d.detail.failedAt, summary: { jobId: d.detail.jobId, error: d.detail.error } };
    case 'PartitionsExpired.v1':
      return {
        at: d.detail.expiredAt,
        summary: { appId: d.detail.appId, table: d.detail.table, cutoff: d.detail.cutoff, retentionDays: d.detail.retentionDays, partitions: d.detail.partitions.length },
      };
    case 'AthenaPartitionsAdded.v1':
      return { at: d.detail.addedAt, summary: { jobId: d.detail.jobId, partitions: d.detail.partitions.length } };
    case 'RedshiftLoadCompleted.v1':
      return { at: d.detail.completedAt, summary: { loadId: d.detail.loadId, table: d.detail.table, rows: d.detail.rowsMerged } };
    case 'RedshiftLoadFailed.v1':
      return { at: d.detail.failedAt, summary: { loadId: d.detail.loadId, table: d.detail.table, error: d.detail.error } };
  }
}

/** Per app, the events and bad rows a run wrote (from its file list: the row counts are per table only). */
export function completedRunOf(detail: DetailOf<typeof ProcessingCompleted>): CompletedRun {
  const apps: CompletedRun['apps'] = {};
  for (const appId of detail.appIds) apps[appId] = { events: 0, badRows: 0 };
  for (const file of detail.files) {
    const counts = (apps[file.appId] ??= { events: 0, badRows: 0 });
    if (file.table === 'events') counts.events += file.rows;
    else if (file.table === 'bad_rows') counts.badRows += file.rows;
  }
  return { jobId: detail.jobId, startedAt: canonical(detail.startedAt), completedAt: canonical(detail.completedAt), apps };
}

/** What one PartitionsExpired.v1 says about its app's retention run. */
export function expiredPartitionsOf(detail: DetailOf<typeof PartitionsExpired>): ExpiredPartitions {
  const days = detail.partitions.map((p) => ({ day: partitionDay(p), location: p.location })).sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
  // The contract asks for at least one partition.
  const oldest = days[0]!;
  const newest = days.at(-1)!;
  return {
    appId: detail.appId,
    table: detail.table,
    expiredAt: canonical(detail.expiredAt),
    cutoff: detail.cutoff,
    retentionDays: detail.retentionDays,
    first: oldest.location,
    partitions: detail.partitions.length,
    oldestDay: oldest.day,
    newestDay: newest.day,
  };
}

/** An app's last retention run as the health view shows it. */
export interface RetentionRun {
  /** When the run expired the partitions. */
  at: string;
  cutoff: string;
  retentionDays: number;
  /** Day partitions removed, over every table. */
  partitions: number;
  tables: { table: string; partitions: number; oldestDay: string; newestDay: string }[];
}

const tableOrder = (table: string) => {
  const i = (TableName.options as readonly string[]).indexOf(table);
  return i < 0 ? TableName.options.length : i;
};

/** Sums the events of one retention run per table (in the contract's table order). */
export function retentionRunOf(parts: readonly ExpiredPartitions[]): RetentionRun | null {
  const [head] = parts;
  if (!head) return null;
  const tables = new Map<string, RetentionRun['tables'][number]>();
  let cutoff = head.cutoff;
  for (const p of parts) {
    if (p.cutoff > cutoff) cutoff = p.cutoff;
    const t = tables.get(p.table);
    if (!t) tables.set(p.table, { table: p.table, partitions: p.partitions, oldestDay: p.oldestDay, newestDay: p.newestDay });
    else {
      t.partitions += p.partitions;
      if (p.oldestDay < t.oldestDay) t.oldestDay = p.oldestDay;
      if (p.newestDay > t.newestDay) t.newestDay = p.newestDay;
    }
  }
  const list = [...tables.values()].sort((a, b) => tableOrder(a.table) - tableOrder(b.table) || a.table.localeCompare(b.table));
  return { at: head.expiredAt, cutoff, retentionDays: head.retentionDays, partitions: list.reduce((n, t) => n + t.partitions, 0), tables: list };
}

/** `events/app_id=shop_web/year=…` → `shop_web` (the warehouse's hive layout). */
export function appIdsOfFiles(files: readonly string[]): string[] {
  const ids = new Set<string>();
  for (const key of files) {
    const m = /(?:^|\/)app_id=([A-Za-z0-9_]{1,64})(?:\/|$)/.exec(key);
    if (m?.[1]) ids.add(m[1]);
  }
  return [...ids].sort();
}

/** The events after which the warehouse holds other data: new data queryable or loaded, expired data deleted. */
const dataChanging = ['ProcessingCompleted.v1', 'AthenaPartitionsAdded.v1', 'RedshiftLoadCompleted.v1', 'PartitionsExpired.v1'] as const;

/** The data changed: cached analytics results are stale (and the local copies must look at the files). */
export const invalidatesAnalytics = (d: PipelineDelivery) => (dataChanging as readonly string[]).includes(d.detailType);

/**
 * The warehouse's data version as the health store knows it: when data last became queryable or
 * loaded, or expired. Lambda instances key their analytics caches by it (the invalidating event reaches another instance).
 */
export function dataVersion(latest: LatestByKind): string {
  return dataChanging.map((k) => latest[k]?.at ?? '-').join('|');
}

/** Stores what one pipeline event says; every write is idempotent (see PipelineHealthStore). */
export async function recordPipelineEvent(store: PipelineHealthStore, d: PipelineDelivery): Promise<void> {
  const { at, summary } = summarisePipelineEvent(d);
  await store.record(d.detailType, at, summary);
  switch (d.detailType) {
    case 'ProcessingCompleted.v1':
      return store.recordRun(completedRunOf(d.detail));
    case 'AthenaPartitionsAdded.v1':
      return store.recordQueryable(d.detail.jobId, at);
    case 'RedshiftLoadCompleted.v1':
      return store.recordLoad(loadOutcome(d.detail.loadId, d.detail.table, 'completed', at, d.detail.files));
    case 'RedshiftLoadFailed.v1':
      return store.recordLoad({
        ...loadOutcome(d.detail.loadId, d.detail.table, 'failed', at, d.detail.files),
        attempt: d.detail.attempt,
        error: d.detail.error,
      });
    case 'ProcessingFailed.v1':
      // Global: a failed run names no apps (its input is still unread). `record` above keeps it.
      return;
    case 'PartitionsExpired.v1':
      // The latest expiry overall is listed with the other kinds (`record` above); per app, its last run.
      return store.recordRetention(expiredPartitionsOf(d.detail));
  }
}

const loadOutcome = (loadId: string, table: string, status: LoadOutcome['status'], at: string, files: string[]): LoadOutcome => ({
  loadId,
  table,
  status,
  at,
  appIds: appIdsOfFiles(files),
});

/** When the health view raises alarms. */
export interface HealthThresholds {
  /** Processing interval of the app's project (its pipeline configuration). */
  processIntervalSeconds: number;
  /** Share of rows that are bad above which BAD_ROW_RATE fires (0.05 = 5 %). */
  badRowRate: number;
  /** Rows in the last hour below which the bad-row rate is not judged (too few to mean anything). */
  badRowMinRows: number;
}
export const defaultThresholds: Omit<HealthThresholds, 'processIntervalSeconds'> = { badRowRate: 0.05, badRowMinRows: 20 };

export interface Alarm {
  code: 'PROCESSING_FAILING' | 'NOT_QUERYABLE' | 'DATA_STALE' | 'BAD_ROW_RATE' | 'REDSHIFT_LOAD_FAILING';
  severity: 'critical' | 'warning';
  message: string;
  since?: string;
}

export interface AppHealth {
  appId: string;
  enabled: boolean;
  /** Events processed in the last hour, per minute (processing input counts). */
  ingest: { windowMinutes: number; events: number; badRows: number; eventsPerMinute: number };
  last24h: { runs: number; events: number; badRows: number };
  lastRun: { jobId: string; startedAt: string; completedAt: string } | null;
  /**
   * `seconds` = now − the arrival time of the app's newest queryable event, bounded by the start of
   * the newest queryable run that carried its data (runs read everything that arrived before they start).
   */
  freshness: { newestQueryableBefore: string | null; queryableAt: string | null; seconds: number | null };
  failedLoads: AppHealthRecords['failedLoads'];
  /** The app's last retention run (what it removed, up to which day), null before the first. */
  lastRetention: RetentionRun | null;
  alarms: Alarm[];
}

const HOUR = 3_600_000;
const minutes = (ms: number) => Math.round(ms / 60_000);

/** Judges one app's pipeline from the stored records: counts, freshness and the alarms that fire. */
export function appHealth(
  app: { appId: string; enabled: boolean },
  records: AppHealthRecords,
  latest: LatestByKind,
  now: number,
  thresholds: HealthThresholds,
): AppHealth {
  const hourAgo = now - HOUR;
  const lastHour = records.runs.filter((r) => Date.parse(r.completedAt) >= hourAgo);
  const sum = (runs: typeof records.runs, key: 'events' | 'badRows') => runs.reduce((n, r) => n + r[key], 0);
  const events = sum(lastHour, 'events');
  const badRows = sum(lastHour, 'badRows');
  const seconds = records.queryable ? Math.max(0, Math.round((now - Date.parse(records.queryable.startedAt)) / 1000)) : null;

  const alarms: Alarm[] = [];
  const failed = latest['ProcessingFailed.v1'];
  const completed = latest['ProcessingCompleted.v1'];
  if (failed && (!completed || failed.at > completed.at)) {
    const error = failed.summary.error as { code?: string; message?: string } | undefined;
    alarms.push({
      code: 'PROCESSING_FAILING',
      severity: 'critical',
      message: `The latest processing run failed (${error?.code ?? 'error'}: ${error?.message ?? ''}); its input is retried by the next run.`,
      since: failed.at,
    });
  }
  // A run finished but its partitions never became queryable: modeling is stuck or failing.
  const grace = Math.max(2 * thresholds.processIntervalSeconds * 1000, 10 * 60_000);
  const last = records.lastRun;
  if (last && (!records.queryable || records.queryable.startedAt < last.startedAt) && now - Date.parse(last.completedAt) > grace) {
    alarms.push({
      code: 'NOT_QUERYABLE',
      severity: 'critical',
      message: `Run ${last.jobId} completed ${minutes(now - Date.parse(last.completedAt))} min ago but its partitions are not queryable.`,
      since: last.completedAt,
    });
  }
  // Stale: data was flowing in the last day, and nothing newer has become queryable for a while.
  const staleAfter = Math.max(3 * thresholds.processIntervalSeconds, 600);
  if (app.enabled && seconds !== null && seconds > staleAfter && records.runs.length > 0) {
    alarms.push({
      code: 'DATA_STALE',
      severity: 'warning',
      message: `No new data queryable for ${minutes(seconds * 1000)} min (threshold ${minutes(staleAfter * 1000)} min): the app stopped sending or processing is behind.`,
      since: records.queryable?.startedAt,
    });
  }
  const total = events + badRows;
  if (total >= thresholds.badRowMinRows && badRows / total > thresholds.badRowRate) {
    alarms.push({
      code: 'BAD_ROW_RATE',
      severity: 'warning',
      message: `${((badRows / total) * 100).toFixed(1)} % of the last hour's rows were bad (threshold ${(thresholds.badRowRate * 100).toFixed(0)} %).`,
    });
  }
  if (records.failedLoads.length > 0) {
    const oldest = records.failedLoads.map((l) => l.failedAt).sort()[0];
    alarms.push({
      code: 'REDSHIFT_LOAD_FAILING',
      severity: 'critical',
      message: `${records.failedLoads.length} Redshift load(s) failed and await retry.`,
      ...(oldest ? { since: oldest } : {}),
    });
  }

  return {
    appId: app.appId,
    enabled: app.enabled,
    ingest: { windowMinutes: 60, events, badRows, eventsPerMinute: Math.round((events / 60) * 100) / 100 },
    last24h: { runs: records.runs.length, events: sum(records.runs, 'events'), badRows: sum(records.runs, 'badRows') },
    lastRun: records.lastRun ?? null,
    freshness: {
      newestQueryableBefore: records.queryable?.startedAt ?? null,
      queryableAt: records.queryable?.queryableAt ?? null,
      seconds,
    },
    failedLoads: records.failedLoads,
    lastRetention: retentionRunOf(records.retention),
    alarms,
  };
}

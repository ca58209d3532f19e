// The pipeline builder's pure parts: client-side checks (the API's rules, so errors show while
// typing), the diff shown before saving, and each stage's health from the apps' health reports.
import type { FieldIssue } from '../api/http.js';
import type { AppHealth, PipelineConfig } from '../api/types.js';
import { formatAgo, formatDuration } from './format.js';

export const KNOWN_ENRICHERS = [
  { id: 'user-agent', label: 'User agent', hint: 'browser, OS, device' },
  { id: 'bots', label: 'Bots', hint: 'flags known crawlers' },
  { id: 'geo', label: 'Geo', hint: 'country, region and city from IP (DB-IP)' },
  { id: 'traffic-source', label: 'Traffic source', hint: 'UTM, click ids, referrer, channel' },
] as const;

const intIn = (issues: FieldIssue[], path: (string | number)[], value: unknown, min: number, max: number, what: string) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) issues.push({ path, message: `${what} must be a number` });
  else if (!Number.isInteger(value)) issues.push({ path, message: `${what} must be a whole number` });
  else if (value < min || value > max) issues.push({ path, message: `${what} must be between ${min} and ${max}` });
};

/** The same limits as the PipelineConfig contract; the API re-checks everything. */
export function validatePipeline(c: PipelineConfig): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!['kinesis', 'firehose'].includes(c.ingest.sink)) issues.push({ path: ['ingest', 'sink'], message: 'Choose Kinesis or Firehose' });
  intIn(issues, ['process', 'intervalSeconds'], c.process.intervalSeconds, 10, 86_400, 'Interval');
  intIn(issues, ['process', 'sessionTimeoutMinutes'], c.process.sessionTimeoutMinutes, 1, 1_440, 'Session timeout');
  intIn(issues, ['process', 'lateEventWindowHours'], c.process.lateEventWindowHours, 1, 720, 'Late-event window');
  c.process.plugins.forEach((p, i) => {
    if (!p.name.trim()) issues.push({ path: ['process', 'plugins', i, 'name'], message: 'A plugin needs a name' });
  });
  if (c.model.targets.length === 0) issues.push({ path: ['model', 'targets'], message: 'Choose at least one warehouse' });
  intIn(issues, ['model', 'redshiftLoadIntervalMinutes'], c.model.redshiftLoadIntervalMinutes, 1, 1_440, 'Load interval');
  return issues;
}

/** The API may report paths from the body (`config.process.x`) or the config (`process.x`). */
export function configIssues(issues: FieldIssue[]): FieldIssue[] {
  return issues.map((i) => (i.path[0] === 'config' ? { ...i, path: i.path.slice(1) } : i));
}

export function issueFor(issues: FieldIssue[], path: string): string | undefined {
  return issues.find((i) => i.path.join('.') === path)?.message;
}

export interface ConfigChange {
  path: string;
  before: unknown;
  after: unknown;
}

function flatten(value: unknown, prefix: string, out: Map<string, unknown>): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else out.set(prefix, value);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Leaf-by-leaf changes from `before` to `after` (arrays compare as one value), in a stable order. */
export function diffConfig(before: unknown, after: unknown): ConfigChange[] {
  const a = new Map<string, unknown>();
  const b = new Map<string, unknown>();
  flatten(before, '', a);
  flatten(after, '', b);
  const paths = [...new Set([...a.keys(), ...b.keys()])];
  return paths.filter((p) => !same(a.get(p), b.get(p))).map((p) => ({ path: p, before: a.get(p), after: b.get(p) }));
}

export function describeValue(v: unknown): string {
  if (v === undefined) return '(not set)';
  if (Array.isArray(v)) return v.length === 0 ? '(none)' : v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ');
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

export type StageId = 'ingest' | 'process' | 'model' | 'dashboards';
export interface StageStatus {
  tone: 'good' | 'warn' | 'bad' | 'idle';
  label: string;
  facts: [string, string][];
}

const ALARM_STAGE: Record<string, StageId> = {
  PROCESSING_FAILING: 'process',
  BAD_ROW_RATE: 'process',
  NOT_QUERYABLE: 'model',
  REDSHIFT_LOAD_FAILING: 'model',
  DATA_STALE: 'dashboards',
};

/** The health of each stage over the project's apps: the worst alarm decides the tone. */
export function stageStatuses(healths: AppHealth[], now = Date.now()): Record<StageId, StageStatus> {
  const alarms = healths.flatMap((h) => h.alarms.map((a) => ({ ...a, appId: h.appId })));
  const tone = (stage: StageId, active: boolean): StageStatus['tone'] => {
    const mine = alarms.filter((a) => ALARM_STAGE[a.code] === stage);
    if (mine.some((a) => a.severity === 'critical')) return 'bad';
    if (mine.length) return 'warn';
    return active ? 'good' : 'idle';
  };
  const label = (t: StageStatus['tone'], stage: StageId) => {
    const first = alarms.find((a) => ALARM_STAGE[a.code] === stage);
    return t === 'good' ? 'Healthy' : t === 'idle' ? 'No data yet' : (first?.message ?? 'Needs attention');
  };
  const sum = (f: (h: AppHealth) => number) => healths.reduce((s, h) => s + f(h), 0);
  const newest = (f: (h: AppHealth) => string | null | undefined) =>
    healths
      .map(f)
      .filter((x): x is string => !!x)
      .sort()
      .at(-1);
  const lastRun = newest((h) => h.lastRun?.completedAt);
  const queryable = newest((h) => h.freshness.queryableAt);
  const freshness = healths.map((h) => h.freshness.seconds).filter((s): s is number => s !== null);
  const worstFreshness = freshness.length ? Math.max(...freshness) : undefined;
  const failedLoads = sum((h) => h.failedLoads.length);
  const badRows24h = sum((h) => h.last24h.badRows);
  const events24h = sum((h) => h.last24h.events);

  const ingestTone = tone('ingest', sum((h) => h.ingest.events) > 0 || events24h > 0);
  const processTone = tone('process', !!lastRun);
  const modelTone = failedLoads > 0 && tone('model', !!queryable) === 'good' ? 'warn' : tone('model', !!queryable);
  const dashTone = tone('dashboards', worstFreshness !== undefined);
  return {
    ingest: {
      tone: ingestTone,
      label: label(ingestTone, 'ingest'),
      facts: [
        ['Rate (last hour)', `${sum((h) => h.ingest.eventsPerMinute).toFixed(1)} events/min`],
        ['Events (24 h)', String(events24h)],
      ],
    },
    process: {
      tone: processTone,
      label: label(processTone, 'process'),
      facts: [
        ['Last run', formatAgo(lastRun, now)],
        ['Runs (24 h)', String(Math.max(0, ...healths.map((h) => h.last24h.runs)))],
        ['Bad rows (24 h)', String(badRows24h)],
      ],
    },
    model: {
      tone: modelTone,
      label: failedLoads > 0 && modelTone === 'warn' && !alarms.some((a) => ALARM_STAGE[a.code] === 'model') ? `${failedLoads} failed load(s)` : label(modelTone, 'model'),
      facts: [
        ['Queryable', formatAgo(queryable, now)],
        ['Failed loads', String(failedLoads)],
      ],
    },
    dashboards: {
      tone: dashTone,
      label: label(dashTone, 'dashboards'),
      facts: [['Freshness', worstFreshness === undefined ? '–' : `${formatDuration(worstFreshness)} behind`]],
    },
  };
}

export interface RetentionLine {
  appId: string;
  /** What the run removed and when, e.g. `6 day partitions before 2025-10-30 · 2h ago`. */
  summary: string;
  /** Per table, with the days removed. */
  detail: string;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
const dayRange = (from: string, to: string) => (from === to ? from : `${from} – ${to}`);

/** Each app's last retention run, newest first; apps that never had one are left out. */
export function retentionLines(healths: AppHealth[], now = Date.now()): RetentionLine[] {
  return healths
    .flatMap((h) => (h.lastRetention ? [{ appId: h.appId, run: h.lastRetention }] : []))
    .sort((a, b) => b.run.at.localeCompare(a.run.at) || a.appId.localeCompare(b.appId))
    .map(({ appId, run }) => ({
      appId,
      summary: `${plural(run.partitions, 'day partition', 'day partitions')} before ${run.cutoff} (${run.retentionDays} d kept) · ${formatAgo(run.at, now)}`,
      detail: run.tables.map((t) => `${t.table} ${t.partitions} (${dayRange(t.oldestDay, t.newestDay)})`).join(', '),
    }));
}

// The analytics API answers with named tables ("panels": typed columns and rows). These pure
// functions turn them into what the dashboards draw: headline figures, a trend, ranked
// breakdowns, cohorts. Unknown panels still show, as tables with readable headers.
import type { Breakdown, CohortTable, DashboardView, Kpi, MetricDef, TimeSeries } from './analytics-types.js';
import { dimensionLabel } from '../lib/dimensions.js';
import type { ValueFormat } from '../lib/format.js';

export type Cell = string | number | boolean | null;
export interface PanelTable {
  name: string;
  columns: { name: string; type: string }[];
  rows: Record<string, Cell>[];
  /** Why the panel has no data (e.g. the warehouse lacks a column). */
  unavailable?: string;
}

const LABELS: Record<string, string> = {
  active_users: 'Active users',
  new_users: 'New users',
  users: 'Users',
  sessions: 'Sessions',
  engaged_sessions: 'Engaged sessions',
  bounce_rate: 'Bounce rate',
  views: 'Views',
  events: 'Events',
  views_per_session: 'Views / session',
  sessions_per_user: 'Sessions / user',
  avg_engagement_seconds: 'Avg. engagement time',
  engagement_seconds: 'Engagement time',
  avg_session_seconds: 'Avg. session duration',
  scrolls: 'Scrolls',
  scroll_rate: 'Scroll rate',
  dau: 'DAU',
  wau: 'WAU',
  mau: 'MAU',
  stickiness: 'Stickiness (DAU/MAU)',
  dau_mau: 'DAU / MAU',
  dau_wau: 'DAU / WAU',
  conversions: 'Conversions',
  count: 'Count',
};

const PANEL_TITLES: Record<string, string> = {
  channels: 'Channels',
  source_medium: 'Source / medium',
  campaigns: 'Campaigns',
  landing_pages: 'Landing pages',
  new_users_by_channel: 'New users by first channel',
  pages: 'Pages and screens',
  events: 'Events',
  scroll: 'Scroll depth',
  browsers: 'Browsers',
  operating_systems: 'Operating systems',
  os: 'Operating systems',
  device_categories: 'Device categories',
  screen_sizes: 'Screen sizes',
  app_versions: 'App versions',
  platforms: 'Platforms',
  countries: 'Countries',
  regions: 'Regions',
  cities: 'Cities',
  locales: 'Locales',
  continents: 'Continents',
  realtime_events: 'Events in the last 30 minutes',
};

/** The dimension a breakdown panel's keys belong to, so a click on a key can filter on it. */
const PANEL_FIELDS: Record<string, string> = {
  channels: 'channel_group',
  new_users_by_channel: 'channel_group',
  campaigns: 'traffic_source_campaign',
  source_medium: 'source_medium',
  pages: 'page',
  landing_pages: 'page',
  events: 'event_type',
  realtime_events: 'event_type',
  browsers: 'browser',
  operating_systems: 'os',
  os: 'os',
  device_categories: 'device_category',
  app_versions: 'app_version',
  platforms: 'platform',
  screen_sizes: 'screen_size',
  countries: 'country',
  continents: 'continent',
  regions: 'region',
  cities: 'city',
  locales: 'locale',
};

const DONUTS = new Set(['device_categories', 'platforms', 'new_users_by_channel']);

export function humanize(name: string): string {
  const s = name.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
export const columnLabel = (name: string) => LABELS[name] ?? humanize(name);
export const panelTitle = (name: string) => PANEL_TITLES[name] ?? humanize(name);

export function formatOf(column: string): ValueFormat {
  if (/(_rate|_share|^share|stickiness|^dau_|conversion)/.test(column)) return 'percent';
  if (/_seconds$/.test(column)) return 'duration';
  if (/(_per_|avg_)/.test(column)) return 'decimal';
  return 'number';
}

const metricDef = (name: string): MetricDef => ({ id: name, label: columnLabel(name), format: formatOf(name) });
const numeric = (p: PanelTable) => p.columns.filter((c) => c.type === 'number' && c.name !== 'rank');
const value = (c: Cell): number => (typeof c === 'number' ? c : Number(c ?? 0) || 0);

/** One-row panels of numbers become headline figures; the comparison period's row gives `previous`. */
export function kpisOf(p: PanelTable, previous?: PanelTable, prefix = ''): Kpi[] {
  const row = p.rows[0];
  if (!row) return [];
  return numeric(p).map((c) => ({
    id: `${prefix}${c.name}`,
    label: `${prefix ? `${humanize(prefix.replace(/[._]$/, ''))}: ` : ''}${columnLabel(c.name)}`,
    value: value(row[c.name] ?? null),
    ...(previous?.rows[0] ? { previous: value(previous.rows[0][c.name] ?? null) } : {}),
    format: formatOf(c.name),
  }));
}

export function seriesOf(p: PanelTable, previous?: PanelTable): TimeSeries {
  const x = p.columns.find((c) => c.type === 'date' || c.type === 'timestamp')!.name;
  const metrics = numeric(p).map((c) => metricDef(c.name));
  const points = (t: PanelTable) => t.rows.map((r) => ({ date: String(r[x]).replace('T', ' ').slice(0, 16), values: Object.fromEntries(metrics.map((m) => [m.id, value(r[m.id] ?? null)])) }));
  return { metrics, points: points(p), ...(previous ? { previous: points(previous) } : {}) };
}

export function breakdownOf(p: PanelTable, previous?: PanelTable): Breakdown {
  const key = p.columns.find((c) => c.type === 'string')!.name;
  const metrics = numeric(p).map((c) => metricDef(c.name));
  const before = new Map((previous?.rows ?? []).map((r) => [String(r[key]), r]));
  const field = PANEL_FIELDS[p.name];
  return {
    id: p.name,
    title: panelTitle(p.name),
    dimension: key === 'value' ? (field ? dimensionLabel(field) : panelTitle(p.name)) : columnLabel(key),
    ...(field ? { field } : {}),
    chart: DONUTS.has(p.name) ? 'donut' : metrics.length > 5 ? 'table' : 'bar',
    metrics,
    rows: p.rows.map((r) => {
      const prev = before.get(String(r[key]));
      return {
        key: r[key] === null ? '(not set)' : String(r[key]),
        values: Object.fromEntries(metrics.map((m) => [m.id, value(r[m.id] ?? null)])),
        ...(prev ? { previous: Object.fromEntries(metrics.map((m) => [m.id, value(prev[m.id] ?? null)])) } : {}),
      };
    }),
  };
}

/** Long cohort rows (`cohort`, `period`, `users`/`returned`, `size`) pivoted into the heatmap's shape. */
export function cohortsOf(p: PanelTable): CohortTable {
  const cohortCol = p.columns.find((c) => c.name === 'cohort' || c.name === 'cohort_start')?.name ?? 'cohort';
  const periodCol = p.columns.find((c) => c.name === 'period' || c.name === 'offset')?.name ?? 'period';
  const sizeCol = p.columns.find((c) => c.name === 'cohort_users' || c.name === 'size' || c.name === 'cohort_size')?.name;
  const countCol = p.columns.find((c) => ['returned', 'retained', 'users', 'active_users'].includes(c.name))?.name ?? 'users';
  const unit = (p.rows[0]?.unit as CohortTable['unit'] | undefined) ?? (/week/.test(p.name) ? 'week' : /month/.test(p.name) ? 'month' : 'day');
  const byCohort = new Map<string, { size: number; returned: number[] }>();
  for (const r of p.rows) {
    const cohort = String(r[cohortCol]).slice(0, 10);
    const k = value(r[periodCol] ?? null);
    const entry = byCohort.get(cohort) ?? { size: 0, returned: [] };
    entry.returned[k] = value(r[countCol] ?? null);
    if (sizeCol) entry.size = value(r[sizeCol] ?? null);
    else if (k === 0) entry.size = value(r[countCol] ?? null);
    byCohort.set(cohort, entry);
  }
  const cohorts = [...byCohort.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([cohort, e]) => ({ cohort, size: e.size, returned: Array.from({ length: e.returned.length }, (_, i) => e.returned[i] ?? 0) }));
  return { unit, cohorts };
}

const isCohortPanel = (p: PanelTable) => p.columns.some((c) => c.name === 'cohort' || c.name === 'cohort_start') && p.columns.some((c) => c.name === 'period' || c.name === 'offset');

/** Every panel of a dashboard answer, placed: totals → tiles, dated → trend, keyed → breakdowns. */
export function dashboardFromPanels(panels: PanelTable[], previous: PanelTable[] = []): Required<Pick<DashboardView, 'unavailable' | 'extraSeries'>> & DashboardView {
  const prev = new Map(previous.map((p) => [p.name, p]));
  const view: ReturnType<typeof dashboardFromPanels> = { kpis: [], breakdowns: [], unavailable: [], extraSeries: [] };
  for (const p of panels) {
    if (p.unavailable) {
      view.unavailable.push({ title: panelTitle(p.name), reason: p.unavailable });
      continue;
    }
    const hasDate = p.columns.some((c) => c.type === 'date' || c.type === 'timestamp');
    const hasKey = p.columns.some((c) => c.type === 'string');
    if (isCohortPanel(p)) view.cohorts = cohortsOf(p);
    else if (hasDate) {
      const series = seriesOf(p, prev.get(p.name));
      if (!view.series && !p.name.startsWith('realtime')) view.series = series;
      else view.extraSeries.push({ title: panelTitle(p.name), series });
    } else if (hasKey) view.breakdowns.push(breakdownOf(p, prev.get(p.name)));
    else if (p.rows.length === 1) view.kpis.push(...kpisOf(p, prev.get(p.name), p.name === 'totals' ? '' : `${p.name}.`));
  }
  return view;
}

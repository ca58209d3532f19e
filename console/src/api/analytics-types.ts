// The analytics results as the console's screens and charts use them. api/analytics.ts turns the
// API's answers into these shapes, so a change on the wire touches one module.
import type { ValueFormat } from '../lib/format.js';

export type CompareMode = 'none' | 'previous' | 'year';
export type FilterOp = 'eq' | 'neq' | 'in' | 'not_in' | 'contains' | 'not_contains' | 'starts_with' | 'gt' | 'gte' | 'lt' | 'lte' | 'is_set' | 'is_not_set';

/**
 * A filter as the console keeps it (and writes it in the URL): `field` is a dimension
 * (`country`), an event attribute (`attr.product_id`) or a user attribute (`user.plan`).
 */
export interface Filter {
  field: string;
  op: FilterOp;
  /** One value; `in`/`not_in` take a comma-separated list; `is_set`/`is_not_set` none. */
  value: string;
}

/** A field as the API names it. */
export type FieldRef = { dimension: string } | { attribute: string } | { userAttribute: string };

/** What every query shares: the period, its time zone, the comparison and the filters. */
export interface QueryContext {
  /** Inclusive days, `YYYY-MM-DD`, in `timezone`. */
  from: string;
  to: string;
  timezone: string;
  compare: CompareMode;
  filters: Filter[];
}

export interface Kpi {
  id: string;
  label: string;
  value: number;
  previous?: number;
  format: ValueFormat;
}

export interface MetricDef {
  id: string;
  label: string;
  format: ValueFormat;
}

/** One value per day (or week/month) for one or more metrics. */
export interface TimeSeries {
  metrics: MetricDef[];
  points: { date: string; values: Record<string, number> }[];
  /** The comparison period's points, aligned by position with `points`. */
  previous?: { date: string; values: Record<string, number> }[];
}

/** A ranked breakdown of metrics by one dimension (channels, pages, countries…). */
export interface Breakdown {
  id: string;
  title: string;
  /** Column header for the keys, e.g. `Country`. */
  dimension: string;
  /** The field a filter on one of the keys uses, when there is one. */
  field?: string;
  /** How the dashboard draws it. */
  chart?: 'bar' | 'donut' | 'table';
  metrics: MetricDef[];
  rows: { key: string; values: Record<string, number>; previous?: Record<string, number> }[];
}

/** Cohorts by first visit and the share of each that came back in later periods. */
export interface CohortTable {
  unit: 'day' | 'week' | 'month';
  cohorts: { cohort: string; size: number; returned: number[] }[];
}

export interface DashboardView {
  kpis: Kpi[];
  series?: TimeSeries;
  breakdowns: Breakdown[];
  cohorts?: CohortTable;
  /** More trends (realtime minutes, engagement per day…), drawn after the main one. */
  extraSeries?: { title: string; series: TimeSeries }[];
  /** Panels the warehouse cannot answer yet, and why. */
  unavailable?: { title: string; reason: string }[];
}

// Explorations (specs exactly as the API takes them) ---------------------------------------------

export type Granularity = 'hour' | 'day' | 'week' | 'month';
export type Interval = 'day' | 'week' | 'month';

export interface EventSpec {
  type: 'event';
  /** All events when empty. */
  events: string[];
  metric: 'events' | 'users' | 'sessions' | 'events_per_user';
  granularity: Granularity;
  breakdown?: FieldRef;
  limit?: number;
}

export interface FunnelSpec {
  type: 'funnel';
  steps: { event: string; label?: string }[];
  window: { value: number; unit: 'minute' | 'hour' | 'day' };
  order: 'strict' | 'relaxed';
  breakdown?: FieldRef;
  limit?: number;
}

export interface PathSpec {
  type: 'path';
  nodeType: 'event' | 'page';
  /** Omitted: the session's first (next) or last (previous) node. */
  start?: string;
  direction: 'next' | 'previous';
  depth: number;
  limit: number;
}

export interface RetentionSpec {
  type: 'retention';
  startEvent?: string;
  returnEvent?: string;
  granularity: Interval;
  periods: number;
}

export interface AttributionSpec {
  type: 'attribution';
  goalEvent: string;
  model: 'first_touch' | 'last_touch' | 'linear' | 'position_based';
  dimension: 'channel_group' | 'traffic_source_source' | 'traffic_source_medium' | 'traffic_source_campaign' | 'source_medium';
  lookbackDays: number;
}

export type ExplorationSpec = EventSpec | FunnelSpec | PathSpec | RetentionSpec | AttributionSpec;

export interface EventResult {
  series: { key: string; points: { date: string; value: number }[] }[];
}

export interface FunnelStepResult {
  name: string;
  users: number;
  /** Share of the first step's users, 0..1. */
  conversion: number;
  /** Share of the previous step's users, 0..1 (1 for the first step). */
  stepConversion: number;
  dropOff: number;
  /** Median seconds from the previous step (undefined for the first). */
  medianSeconds?: number;
}

export interface FunnelResult {
  steps: FunnelStepResult[];
  breakdown?: { key: string; users: number[] }[];
}

export interface PathResult {
  nodes: { id: string; name: string; depth: number }[];
  links: { source: string; target: string; value: number }[];
}

export interface RetentionResult {
  unit: Interval;
  cohorts: { cohort: string; size: number; returned: number[] }[];
}

export interface AttributionResult {
  model: AttributionSpec['model'];
  /** Conversions credited under the chosen model, and under every model for comparison. */
  rows: { key: string; conversions: number; byModel?: Partial<Record<AttributionSpec['model'], number>> }[];
}

/** The body of the explore route: the context's options plus the spec. */
export interface ExploreRequest {
  dateRange: { start: string; end: string } | { lastDays: number };
  timezone?: string;
  filters: { field: FieldRef; op: FilterOp; values: string[] }[];
  exploration: ExplorationSpec;
}

/** An exploration saved with its project: a name and the exact request to run. */
export interface SavedExploration {
  id: string;
  projectId: string;
  appId: string;
  name: string;
  description: string;
  request: ExploreRequest;
  createdBy: string;
  createdAt: string;
  updatedBy: string;
  updatedAt: string;
}

// Data management ------------------------------------------------------------------------------

export interface EventMetadata {
  name: string;
  displayName: string;
  description: string;
  updatedBy: string | null;
  updatedAt: string | null;
  /** Null for a name only known from an annotation (not in the data). */
  count: number | null;
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface AttributeMetadata extends EventMetadata {
  /** `event` (attributes) or `user` (user attributes). */
  scope?: 'event' | 'user';
  /** JSON types the values had. */
  types?: string[];
}

export interface BadRowReason {
  reasonCode: string;
  rows: number;
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface BadRowSample {
  requestId: string | null;
  ingestTimestamp: string | null;
  reasonCode: string;
  reason: string | null;
  eventId: string | null;
  raw: string | null;
  rawLength: number;
}

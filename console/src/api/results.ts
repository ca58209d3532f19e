// The analytics API's answers (QueryResult: named tables of typed rows) and requests, and the pure
// functions turning one into the other's shapes. Tested in test/results.test.ts.
import type { AttributionResult, AttributionSpec, CompareMode, EventResult, FieldRef, Filter, FunnelResult, PathResult, QueryContext, RetentionResult } from './analytics-types.js';
import type { Cell, PanelTable } from './panels.js';

export interface ResultTable {
  columns: { name: string; type: string }[];
  rows: Record<string, Cell>[];
  unavailable?: string;
}

export interface QueryResult {
  appId: string;
  kind: 'dashboard' | 'exploration';
  name: string;
  dateRange: { start: string; end: string; timezone: string };
  comparisonRange?: { start: string; end: string; timezone: string };
  tables: Record<string, ResultTable>;
  comparison?: Record<string, ResultTable>;
  dataVersion: string;
  generatedAt: string;
  cached: boolean;
}

export const panelsOf = (tables: Record<string, ResultTable> | undefined): PanelTable[] => Object.entries(tables ?? {}).map(([name, t]) => ({ name, ...t }));

/** `country` → `{ dimension }`, `attr.x` → `{ attribute }`, `user.x` → `{ userAttribute }`. */
export function fieldRef(field: string): FieldRef {
  if (field.startsWith('attr.')) return { attribute: field.slice(5) };
  if (field.startsWith('user.')) return { userAttribute: field.slice(5) };
  return { dimension: field };
}

export function fieldName(ref: FieldRef | undefined): string | undefined {
  if (!ref) return undefined;
  if ('dimension' in ref) return ref.dimension;
  if ('attribute' in ref) return `attr.${ref.attribute}`;
  return `user.${ref.userAttribute}`;
}

export function apiFilter(f: Filter): { field: FieldRef; op: Filter['op']; values: string[] } {
  const values = f.op === 'is_set' || f.op === 'is_not_set' ? [] : f.op === 'in' || f.op === 'not_in' ? f.value.split(',').map((v) => v.trim()).filter(Boolean) : [f.value];
  return { field: fieldRef(f.field), op: f.op, values };
}

const COMPARISON: Record<Exclude<CompareMode, 'none'>, string> = { previous: 'previous_period', year: 'previous_year' };

/** The part of every query body the context gives: period, zone, comparison, filters. */
export function queryOptions(c: QueryContext, options: { compare?: boolean } = {}) {
  return {
    dateRange: { start: c.from, end: c.to },
    timezone: c.timezone,
    ...(options.compare !== false && c.compare !== 'none' ? { comparison: { type: COMPARISON[c.compare] } } : {}),
    filters: c.filters.map(apiFilter),
  };
}

const num = (c: Cell | undefined): number => (typeof c === 'number' ? c : Number(c ?? 0) || 0);
const text = (c: Cell | undefined): string => (c === null || c === undefined ? '(not set)' : String(c));
const rows = (r: QueryResult, name: string) => r.tables[name]?.rows ?? [];

export function eventResult(r: QueryResult): EventResult {
  const byKey = new Map<string, { date: string; value: number }[]>();
  for (const row of rows(r, 'series')) {
    const key = text(row.value);
    const list = byKey.get(key) ?? [];
    list.push({ date: String(row.period).replace('T', ' ').slice(0, 16), value: num(row.metric) });
    byKey.set(key, list);
  }
  // Series in the order of their totals (the API sorts them by the metric).
  const order = rows(r, 'totals').map((t) => text(t.value));
  const keys = [...byKey.keys()].sort((a, b) => (order.indexOf(a) === -1 ? 1e9 : order.indexOf(a)) - (order.indexOf(b) === -1 ? 1e9 : order.indexOf(b)));
  return { series: keys.map((key) => ({ key, points: byKey.get(key)! })) };
}

export function funnelResult(r: QueryResult): FunnelResult {
  const steps = rows(r, 'steps').map((s) => ({
    name: text(s.label ?? s.event),
    users: num(s.users),
    conversion: num(s.conversion_rate),
    stepConversion: num(s.step_conversion_rate ?? 1),
    dropOff: num(s.dropoff),
    ...(s.median_seconds_from_previous === null || s.median_seconds_from_previous === undefined ? {} : { medianSeconds: num(s.median_seconds_from_previous) }),
  }));
  const breakdownRows = rows(r, 'breakdown');
  if (breakdownRows.length === 0) return { steps };
  const byKey = new Map<string, number[]>();
  for (const b of breakdownRows) {
    const users = byKey.get(text(b.value)) ?? Array.from({ length: steps.length }, () => 0);
    users[num(b.step) - 1] = num(b.users);
    byKey.set(text(b.value), users);
  }
  return { steps, breakdown: [...byKey.entries()].map(([key, users]) => ({ key, users })).sort((a, b) => (b.users[0] ?? 0) - (a.users[0] ?? 0)) };
}

/** Nodes are per step (`2:add_to_cart`); a link's `step` is its target's. Previous paths read right to left. */
export function pathResult(r: QueryResult, direction: 'next' | 'previous' = 'next'): PathResult {
  const nodeRows = rows(r, 'nodes');
  const depth = Math.max(0, ...nodeRows.map((n) => num(n.step)));
  const column = (step: number) => (direction === 'next' ? step : depth - step);
  const id = (step: number, node: string) => `${step}:${node}`;
  return {
    nodes: nodeRows.map((n) => ({ id: id(num(n.step), text(n.node)), name: text(n.node), depth: column(num(n.step)) })),
    links: rows(r, 'links').map((l) => {
      const from = id(num(l.step) - 1, text(l.source));
      const to = id(num(l.step), text(l.target));
      return direction === 'next' ? { source: from, target: to, value: num(l.sessions) } : { source: to, target: from, value: num(l.sessions) };
    }),
  };
}

export function retentionResult(r: QueryResult, unit: RetentionResult['unit']): RetentionResult {
  const byCohort = new Map<string, { size: number; returned: number[] }>();
  for (const row of rows(r, 'cohorts')) {
    const cohort = String(row.cohort).slice(0, 10);
    const entry = byCohort.get(cohort) ?? { size: num(row.size), returned: [] };
    entry.returned[num(row.period)] = num(row.users);
    byCohort.set(cohort, entry);
  }
  return {
    unit,
    cohorts: [...byCohort.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([cohort, e]) => ({ cohort, size: e.size, returned: Array.from({ length: e.returned.length }, (_, i) => e.returned[i] ?? 0) })),
  };
}

const MODELS: AttributionSpec['model'][] = ['first_touch', 'last_touch', 'linear', 'position_based'];

export function attributionResult(r: QueryResult, model: AttributionSpec['model']): AttributionResult {
  return {
    model,
    rows: rows(r, 'attribution').map((a) => ({
      key: text(a.value),
      conversions: num(a.conversions ?? a[model]),
      byModel: Object.fromEntries(MODELS.filter((m) => a[m] !== undefined).map((m) => [m, num(a[m])])),
    })),
  };
}

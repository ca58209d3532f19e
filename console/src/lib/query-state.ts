// The query context (period, time zone, comparison, filters) lives in the URL, so a dashboard or
// exploration can be shared and reloaded as it is. Pure functions; see test/query-state.test.ts.
import type { CompareMode, Filter, FilterOp, QueryContext } from '../api/analytics-types.js';

export const PRESETS = [
  { id: 'today', label: 'Today', days: 1 },
  { id: '7d', label: 'Last 7 days', days: 7 },
  { id: '28d', label: 'Last 28 days', days: 28 },
  { id: '90d', label: 'Last 90 days', days: 90 },
] as const;
export type Preset = (typeof PRESETS)[number]['id'] | 'custom';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const OPS: FilterOp[] = ['eq', 'neq', 'in', 'not_in', 'contains', 'not_contains', 'starts_with', 'gt', 'gte', 'lt', 'lte', 'is_set', 'is_not_set'];
const COMPARE: CompareMode[] = ['none', 'previous', 'year'];

/** `YYYY-MM-DD` of `now` in `timezone` (falls back to UTC for an unknown zone). */
export function todayIn(timezone: string, now: Date = new Date()): string {
  try {
    return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function addDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

/** The period a comparison uses: the same number of days just before, or the same days a year earlier. */
export function comparisonPeriod(from: string, to: string, mode: CompareMode): { from: string; to: string } | undefined {
  if (mode === 'none') return undefined;
  if (mode === 'year') {
    const shift = (d: string) => `${Number(d.slice(0, 4)) - 1}${d.slice(4)}`.replace(/-02-29$/, '-02-28');
    return { from: shift(from), to: shift(to) };
  }
  const days = daysBetween(from, to);
  return { from: addDays(from, -days), to: addDays(from, -1) };
}

/** `field:op:value` — the value may itself contain colons. */
export function parseFilter(text: string): Filter | undefined {
  const a = text.indexOf(':');
  const b = a < 0 ? -1 : text.indexOf(':', a + 1);
  if (a <= 0 || b < 0) return undefined;
  const field = text.slice(0, a);
  const op = text.slice(a + 1, b) as FilterOp;
  if (!OPS.includes(op) || !/^[A-Za-z_][\w.]*$/.test(field)) return undefined;
  return { field, op, value: text.slice(b + 1) };
}

export const formatFilter = (f: Filter) => `${f.field}:${f.op}:${f.value}`;

export interface ContextState extends QueryContext {
  preset: Preset;
}

/** Reads the context from the query string; anything missing or malformed takes its default. */
export function contextFromSearch(search: URLSearchParams, defaults: { timezone: string; now?: Date }): ContextState {
  const tzParam = search.get('tz');
  const timezone = tzParam && isTimeZone(tzParam) ? tzParam : defaults.timezone;
  const compareParam = search.get('compare') as CompareMode | null;
  const compare = compareParam && COMPARE.includes(compareParam) ? compareParam : 'none';
  const filters = search.getAll('f').map(parseFilter).filter((f): f is Filter => f !== undefined);
  const from = search.get('from');
  const to = search.get('to');
  if (from && to && DAY.test(from) && DAY.test(to) && from <= to) return { preset: 'custom', from, to, timezone, compare, filters };
  const preset = PRESETS.find((p) => p.id === search.get('range')) ?? PRESETS[2];
  const today = todayIn(timezone, defaults.now);
  return { preset: preset.id, from: addDays(today, -(preset.days - 1)), to: today, timezone, compare, filters };
}

/** The query string entries for a context (presets stay relative, so a shared link means "last 7 days"). */
export function searchFromContext(c: ContextState, defaultTimezone: string): Record<string, string | undefined> {
  return {
    range: c.preset === 'custom' || c.preset === '28d' ? undefined : c.preset,
    from: c.preset === 'custom' ? c.from : undefined,
    to: c.preset === 'custom' ? c.to : undefined,
    tz: c.timezone === defaultTimezone ? undefined : c.timezone,
    compare: c.compare === 'none' ? undefined : c.compare,
  };
}

/** Rewrites the `f` entries of a query string. */
export function withFilters(search: URLSearchParams, filters: Filter[]): URLSearchParams {
  const next = new URLSearchParams(search);
  next.delete('f');
  for (const f of filters) next.append('f', formatFilter(f));
  return next;
}

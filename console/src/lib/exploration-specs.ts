// Exploration specs: defaults per kind, reading one from the URL safely, and checks before running
// (the same limits as the API's schemas, so problems show on the field while typing).
import type { ExplorationKind } from './dashboards-list.js';
import type { ExplorationSpec } from '../api/analytics-types.js';

export const MAX_FUNNEL_STEPS = 10;

export function defaultSpec(kind: ExplorationKind): ExplorationSpec {
  switch (kind) {
    case 'event':
      return { type: 'event', events: ['_page_view'], metric: 'events', granularity: 'day' };
    case 'funnel':
      return { type: 'funnel', steps: [{ event: '_session_start' }, { event: '_page_view' }], window: { value: 1, unit: 'day' }, order: 'relaxed' };
    case 'path':
      return { type: 'path', nodeType: 'event', start: '_session_start', direction: 'next', depth: 3, limit: 5 };
    case 'retention':
      return { type: 'retention', startEvent: '_first_open', returnEvent: '_session_start', granularity: 'day', periods: 7 };
    case 'attribution':
      return { type: 'attribution', goalEvent: 'purchase', model: 'last_touch', dimension: 'channel_group', lookbackDays: 30 };
  }
}

/** The spec in `?spec=` when it is one of this kind, else the default. */
export function specFromSearch(kind: ExplorationKind, raw: string | null): ExplorationSpec {
  const fallback = defaultSpec(kind);
  if (!raw) return fallback;
  try {
    const parsed = JSON.parse(raw) as Partial<ExplorationSpec> | null;
    if (!parsed || typeof parsed !== 'object' || parsed.type !== kind) return fallback;
    return { ...fallback, ...parsed } as ExplorationSpec;
  } catch {
    return fallback;
  }
}

const wholeIn = (v: number, min: number, max: number) => Number.isInteger(v) && v >= min && v <= max;
const blank = (s: string | undefined) => !s || !s.trim();

/** What is wrong with a spec before it is sent (the API checks again), by field. */
export function specProblems(spec: ExplorationSpec): Record<string, string> {
  const p: Record<string, string> = {};
  switch (spec.type) {
    case 'event':
      if (spec.events.some(blank)) p.events = 'Remove the empty event name';
      if (spec.events.length > 20) p.events = 'At most 20 events';
      break;
    case 'funnel':
      if (spec.steps.length < 2) p.steps = 'A funnel needs at least two steps';
      if (spec.steps.length > MAX_FUNNEL_STEPS) p.steps = `At most ${MAX_FUNNEL_STEPS} steps`;
      spec.steps.forEach((s, i) => blank(s.event) && (p[`steps.${i}`] = 'Choose an event'));
      if (!wholeIn(spec.window.value, 1, 1000)) p.window = 'A whole number from 1 to 1000';
      else if (spec.window.value * { minute: 1, hour: 60, day: 1440 }[spec.window.unit] > 90 * 1440) p.window = 'At most 90 days';
      break;
    case 'path':
      if (spec.nodeType === 'page' && blank(spec.start)) p.start = 'Choose the page paths start from';
      if (!wholeIn(spec.depth, 1, 10)) p.depth = 'Between 1 and 10 steps';
      if (!wholeIn(spec.limit, 1, 30)) p.limit = 'Between 1 and 30';
      break;
    case 'retention':
      if (!wholeIn(spec.periods, 1, 60)) p.periods = 'Between 1 and 60 periods';
      break;
    case 'attribution':
      if (blank(spec.goalEvent)) p.goalEvent = 'Choose the goal event';
      if (!wholeIn(spec.lookbackDays, 1, 90)) p.lookbackDays = 'Between 1 and 90 days';
      break;
  }
  return p;
}

/** Moves item `from` to `to` (funnel step reordering). */
export function move<T>(list: readonly T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length || from === to) return [...list];
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item as T);
  return next;
}

/** Drops empty optional text so the API gets "any event" rather than an empty name. */
export function cleanSpec(spec: ExplorationSpec): ExplorationSpec {
  if (spec.type === 'retention') {
    const { startEvent, returnEvent, ...rest } = spec;
    return { ...rest, ...(blank(startEvent) ? {} : { startEvent: startEvent!.trim() }), ...(blank(returnEvent) ? {} : { returnEvent: returnEvent!.trim() }) };
  }
  if (spec.type === 'path') {
    const { start, ...rest } = spec;
    return { ...rest, ...(blank(start) ? {} : { start: start!.trim() }) };
  }
  if (spec.type === 'event') return { ...spec, events: spec.events.map((e) => e.trim()).filter(Boolean) };
  return spec;
}

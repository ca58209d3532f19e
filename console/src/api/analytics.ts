// The analytics half of the console API: dashboards, explorations, CSV export, saved explorations,
// metadata and bad rows. Answers are turned into the console's shapes (analytics-types.ts) here.
import type { AttributeMetadata, BadRowReason, BadRowSample, DashboardView, EventMetadata, ExplorationSpec, QueryContext, SavedExploration } from './analytics-types.js';
import { http } from './http.js';
import { dashboardFromPanels } from './panels.js';
import { panelsOf, queryOptions, type QueryResult } from './results.js';

const enc = encodeURIComponent;

/**
 * The console's Events and Pages dashboards are views of the API's engagement dashboard: the query
 * it runs, and the tables it shows (all when absent).
 */
export const DASHBOARD_SOURCES: Record<string, { query: string; tables?: string[] }> = {
  events: { query: 'engagement', tables: ['events'] },
  pages: { query: 'engagement', tables: ['pages', 'scroll'] },
};

const source = (name: string) => DASHBOARD_SOURCES[name] ?? { query: name };
const pick = (tables: QueryResult['tables'] | undefined, names: string[] | undefined) =>
  tables && names ? Object.fromEntries(Object.entries(tables).filter(([k]) => names.includes(k))) : tables;

export const analytics = {
  dashboardResult: (appId: string, name: string, context: QueryContext, signal?: AbortSignal) =>
    http.post<QueryResult>(`/api/apps/${enc(appId)}/query/dashboard/${enc(source(name).query)}`, { ...queryOptions(context), limit: 10 }, { signal }),
  dashboard: async (appId: string, name: string, context: QueryContext, signal?: AbortSignal): Promise<DashboardView> => {
    const r = await analytics.dashboardResult(appId, name, context, signal);
    const { tables } = source(name);
    return dashboardFromPanels(panelsOf(pick(r.tables, tables)), panelsOf(pick(r.comparison, tables)));
  },
  dashboardCsv: (appId: string, name: string, context: QueryContext) => {
    const { query, tables } = source(name);
    return http.post<string>(`/api/apps/${enc(appId)}/query/dashboard/${enc(query)}`, { ...queryOptions(context), limit: 100 }, {
      query: { format: 'csv', ...(tables?.length === 1 ? { panel: tables[0] } : {}) },
      as: 'text',
    });
  },
  explore: (appId: string, spec: ExplorationSpec, context: QueryContext, signal?: AbortSignal) =>
    http.post<QueryResult>(`/api/apps/${enc(appId)}/query/explore`, { ...queryOptions(context, { compare: false }), exploration: spec }, { signal }),
  exploreCsv: (appId: string, spec: ExplorationSpec, context: QueryContext) =>
    http.post<string>(`/api/apps/${enc(appId)}/query/explore`, { ...queryOptions(context, { compare: false }), exploration: spec }, { query: { format: 'csv' }, as: 'text' }),
};

export const explorations = {
  list: (projectId: string, signal?: AbortSignal) =>
    http.get<{ explorations: SavedExploration[] }>(`/api/projects/${enc(projectId)}/explorations`, { signal }).then((r) => r.explorations),
  /** Creates, or replaces the one with `id`. */
  save: (projectId: string, input: { id?: string; appId: string; name: string; description?: string; spec: ExplorationSpec; context: QueryContext }) => {
    const body = { appId: input.appId, name: input.name, description: input.description ?? '', request: { ...queryOptions(input.context, { compare: false }), exploration: input.spec } };
    return input.id
      ? http.put<SavedExploration>(`/api/projects/${enc(projectId)}/explorations/${enc(input.id)}`, body)
      : http.post<SavedExploration>(`/api/projects/${enc(projectId)}/explorations`, body);
  },
  remove: (projectId: string, id: string) => http.del<void>(`/api/projects/${enc(projectId)}/explorations/${enc(id)}`),
};

export const metadata = {
  get: (appId: string, signal?: AbortSignal) =>
    http.get<{ appId: string; discovered: boolean; events: EventMetadata[]; attributes: AttributeMetadata[] }>(`/api/apps/${enc(appId)}/metadata`, { signal }),
  /** Both empty removes the annotation. */
  annotate: (appId: string, kind: 'event' | 'attribute', name: string, annotation: { displayName: string; description: string }) =>
    http.put<unknown>(`/api/apps/${enc(appId)}/metadata/${kind === 'event' ? 'events' : 'attributes'}/${enc(name)}`, annotation),
};

export const badRows = {
  /** Bad rows by reason since an instant (ISO). */
  reasons: (appId: string, since: string, signal?: AbortSignal) =>
    http.get<{ reasons: BadRowReason[] }>(`/api/apps/${enc(appId)}/bad-rows`, { signal, query: { since } }).then((r) => r.reasons),
  samples: (appId: string, reasonCode: string, since: string, signal?: AbortSignal) =>
    http.get<{ samples: BadRowSample[] }>(`/api/apps/${enc(appId)}/bad-rows/${enc(reasonCode)}`, { signal, query: { since, limit: 20 } }).then((r) => r.samples),
};

/** Saves text as a file the browser downloads. */
export function download(filename: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

import { AppId, ProjectId } from '@clickstream/contracts';
import { badRequest, forbidden, notFound } from '@clickstream/lambda-kit';
import * as z from 'zod';
import type { AnalyticsQueries, SavedExplorations } from '../../ports/analytics.js';
import type { Principal, Route, RouteResult } from '../router.js';
import { resultToCsv } from './csv.js';
import { DashboardName } from './dashboards/index.js';
import type { QueryResult } from './result.js';
import { DashboardRequest, ExploreRequest, ExportQuery } from './spec.js';

/** What the analytics routes need from the console's ports. */
export interface AnalyticsRouteContext {
  apps: { get(appId: string): Promise<{ appId: string; projectId: string; timezone?: string } | undefined> };
  analytics: AnalyticsQueries;
  savedExplorations: SavedExplorations;
  clock: { now(): number };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each route carries its own query/body types
export type AnalyticsRoute = Route<AnalyticsRouteContext, any, any>;

function define<Q = undefined, B = undefined>(route: Route<AnalyticsRouteContext, Q, B>): AnalyticsRoute {
  return route as AnalyticsRoute;
}

function param<T>(schema: z.ZodType<T>, value: string | undefined, code: string, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(code, `${what}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  return parsed.data;
}

async function appOf(ctx: AnalyticsRouteContext, raw: string | undefined) {
  const appId = param(AppId, raw, 'INVALID_APP_ID', 'app id');
  const app = await ctx.apps.get(appId);
  if (!app) throw notFound(`No app ${appId}.`);
  return app;
}

/** JSON, or CSV (`?format=csv`), of the whole result or one table (`?panel=`). */
function respond(result: QueryResult, query: ExportQuery): RouteResult {
  if (query.panel !== undefined && !(query.panel in result.tables)) {
    throw badRequest('UNKNOWN_PANEL', `No table ${query.panel}; this result has ${Object.keys(result.tables).join(', ')}.`);
  }
  if (query.format === 'csv') {
    const file = [result.appId, result.name, query.panel, result.dateRange.start, result.dateRange.end].filter(Boolean).join('-');
    return {
      status: 200,
      body: resultToCsv(result, query.panel),
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${file}.csv"` },
    };
  }
  if (query.panel === undefined) return { status: 200, body: result };
  const only = (tables: QueryResult['tables'] | undefined) => (tables ? { [query.panel!]: tables[query.panel!]! } : undefined);
  return { status: 200, body: { ...result, tables: only(result.tables), ...(result.comparison ? { comparison: only(result.comparison) } : {}) } };
}

const Since = z.object({
  since: z.iso.datetime({ offset: true }).optional().describe('ISO time; default 7 days ago'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const WEEK_MS = 7 * 86_400_000;
const ReasonCode = z.string().min(1).max(128);
const ExplorationId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'an exploration id');
const SavedInput = z
  .object({
    appId: AppId,
    name: z.string().trim().min(1).max(200),
    description: z.string().trim().max(2_000).default(''),
    request: ExploreRequest,
  })
  .strict();

const who = (principal: Principal | undefined) => principal?.name ?? principal?.subject ?? 'unknown';

async function projectApp(ctx: AnalyticsRouteContext, projectId: string, appId: string) {
  const app = await ctx.apps.get(appId);
  if (!app) throw notFound(`No app ${appId}.`);
  if (app.projectId !== projectId) throw forbidden('APP_NOT_IN_PROJECT', `App ${appId} belongs to another project.`);
  return app;
}

export const analyticsRoutes: AnalyticsRoute[] = [
  define({
    method: 'POST',
    path: '/api/apps/:appId/query/dashboard/:name',
    summary: `A dashboard (${DashboardName.options.join(', ')}) for a date range, with comparison, filters and CSV export`,
    permission: 'analytics:read',
    query: ExportQuery,
    body: DashboardRequest,
    run: async ({ params, query, body }, ctx) => {
      const app = await appOf(ctx, params.appId);
      const name = DashboardName.safeParse(params.name);
      if (!name.success) throw notFound(`No dashboard ${params.name}; there are ${DashboardName.options.join(', ')}.`);
      return respond(await ctx.analytics.dashboard(app.appId, name.data, body, { timezone: app.timezone }), query);
    },
  }),
  define({
    method: 'POST',
    path: '/api/apps/:appId/query/explore',
    summary: 'An exploration (event, funnel, path, retention, attribution) for a date range, with comparison, filters and CSV export',
    permission: 'analytics:read',
    query: ExportQuery,
    body: ExploreRequest,
    run: async ({ params, query, body }, ctx) => {
      const app = await appOf(ctx, params.appId);
      return respond(await ctx.analytics.explore(app.appId, body, { timezone: app.timezone }), query);
    },
  }),
  define({
    method: 'GET',
    path: '/api/apps/:appId/bad-rows',
    summary: 'Bad rows since a time, by reason code',
    permission: 'health:read',
    query: Since.omit({ limit: true }),
    run: async ({ params, query }, ctx) => {
      const app = await appOf(ctx, params.appId);
      const since = query.since ?? new Date(ctx.clock.now() - WEEK_MS).toISOString();
      return { status: 200, body: { appId: app.appId, since, reasons: await ctx.analytics.badRowsByReason(app.appId, since) } };
    },
  }),
  define({
    method: 'GET',
    path: '/api/apps/:appId/bad-rows/:reasonCode',
    summary: 'The newest bad rows of one reason, with the offending text',
    permission: 'health:read',
    query: Since,
    run: async ({ params, query }, ctx) => {
      const app = await appOf(ctx, params.appId);
      const reasonCode = param(ReasonCode, params.reasonCode, 'INVALID_REASON', 'reason code');
      const since = query.since ?? new Date(ctx.clock.now() - WEEK_MS).toISOString();
      const samples = await ctx.analytics.badRowSamples(app.appId, reasonCode, { since, limit: query.limit });
      return { status: 200, body: { appId: app.appId, reasonCode, since, samples } };
    },
  }),
  define({
    method: 'GET',
    path: '/api/projects/:projectId/explorations',
    summary: "The project's saved explorations",
    permission: 'analytics:read',
    run: async ({ params }, ctx) => {
      const projectId = param(ProjectId, params.projectId, 'INVALID_PROJECT_ID', 'project id');
      return { status: 200, body: { explorations: await ctx.savedExplorations.list(projectId) } };
    },
  }),
  define({
    method: 'POST',
    path: '/api/projects/:projectId/explorations',
    summary: 'Save an exploration',
    permission: 'analytics:write',
    body: SavedInput,
    successStatus: 201,
    run: async ({ params, body, principal }, ctx) => {
      const projectId = param(ProjectId, params.projectId, 'INVALID_PROJECT_ID', 'project id');
      await projectApp(ctx, projectId, body.appId);
      const saved = await ctx.savedExplorations.create(projectId, body, who(principal), new Date(ctx.clock.now()).toISOString());
      return { status: 201, body: saved };
    },
  }),
  define({
    method: 'GET',
    path: '/api/projects/:projectId/explorations/:id',
    summary: 'One saved exploration',
    permission: 'analytics:read',
    run: async ({ params }, ctx) => {
      const projectId = param(ProjectId, params.projectId, 'INVALID_PROJECT_ID', 'project id');
      const saved = await ctx.savedExplorations.get(projectId, param(ExplorationId, params.id, 'INVALID_ID', 'id'));
      if (!saved) throw notFound(`No exploration ${params.id}.`);
      return { status: 200, body: saved };
    },
  }),
  define({
    method: 'PUT',
    path: '/api/projects/:projectId/explorations/:id',
    summary: 'Replace a saved exploration',
    permission: 'analytics:write',
    body: SavedInput,
    run: async ({ params, body, principal }, ctx) => {
      const projectId = param(ProjectId, params.projectId, 'INVALID_PROJECT_ID', 'project id');
      await projectApp(ctx, projectId, body.appId);
      const id = param(ExplorationId, params.id, 'INVALID_ID', 'id');
      const saved = await ctx.savedExplorations.update(projectId, id, body, who(principal), new Date(ctx.clock.now()).toISOString());
      if (!saved) throw notFound(`No exploration ${id}.`);
      return { status: 200, body: saved };
    },
  }),
  define({
    method: 'DELETE',
    path: '/api/projects/:projectId/explorations/:id',
    summary: 'Delete a saved exploration',
    permission: 'analytics:write',
    successStatus: 204,
    run: async ({ params }, ctx) => {
      const projectId = param(ProjectId, params.projectId, 'INVALID_PROJECT_ID', 'project id');
      const id = param(ExplorationId, params.id, 'INVALID_ID', 'id');
      if (!(await ctx.savedExplorations.delete(projectId, id))) throw notFound(`No exploration ${id}.`);
      return { status: 204, body: null };
    },
  }),
  define({
    method: 'POST',
    path: '/api/projects/:projectId/explorations/:id/run',
    summary: 'Run a saved exploration (on its app, or on ?appId= of the same project)',
    permission: 'analytics:read',
    query: ExportQuery.extend({ appId: AppId.optional() }),
    run: async ({ params, query }, ctx) => {
      const projectId = param(ProjectId, params.projectId, 'INVALID_PROJECT_ID', 'project id');
      const saved = await ctx.savedExplorations.get(projectId, param(ExplorationId, params.id, 'INVALID_ID', 'id'));
      if (!saved) throw notFound(`No exploration ${params.id}.`);
      const app = await projectApp(ctx, projectId, query.appId ?? saved.appId);
      const { appId: _appId, ...exportQuery } = query;
      return respond(await ctx.analytics.explore(app.appId, ExploreRequest.parse(saved.request), { timezone: app.timezone }), exportQuery);
    },
  }),
];

import { AppId } from '@clickstream/contracts';
import { badRequest, notFound } from '@clickstream/lambda-kit';
import type { ConsoleApiPorts } from '../ports/index.js';
import type { Route } from './router.js';

function appIdParam(value: string | undefined): string {
  const parsed = AppId.safeParse(value);
  if (!parsed.success) throw badRequest('INVALID_APP_ID', parsed.error.issues[0]?.message ?? 'invalid app id');
  return parsed.data;
}

/** The console API's routes. Auth and roles arrive with issue 8. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each route carries its own query/body types
export type ConsoleRoute = Route<ConsoleApiPorts, any, any>;

export const routes: ConsoleRoute[] = [
  { method: 'GET', path: '/api/health', summary: 'Liveness of the console API', permission: 'public', run: async () => ({ status: 200, body: { ok: true } }) },
  {
    method: 'GET',
    path: '/api/apps',
    summary: 'List apps',
    permission: 'apps:read',
    run: async (_, { apps }) => ({ status: 200, body: { apps: await apps.list() } }),
  },
  {
    method: 'GET',
    path: '/api/apps/:appId',
    summary: 'One app',
    permission: 'apps:read',
    run: async ({ params }, { apps }) => {
      const app = await apps.get(appIdParam(params.appId));
      if (!app) throw notFound(`No app ${params.appId}.`);
      return { status: 200, body: app };
    },
  },
  {
    method: 'GET',
    path: '/api/apps/:appId/event-count',
    summary: 'Events the app has in the warehouse (deduplicated)',
    permission: 'analytics:read',
    run: async ({ params }, { apps, analytics }) => {
      const appId = appIdParam(params.appId);
      if (!(await apps.get(appId))) throw notFound(`No app ${appId}.`);
      return { status: 200, body: { appId, events: await analytics.eventCount(appId) } };
    },
  },
  {
    method: 'GET',
    path: '/api/pipeline/health',
    summary: 'Latest pipeline event of each kind',
    permission: 'pipeline:read',
    run: async (_, { health }) => ({ status: 200, body: { latest: await health.latest() } }),
  },
];

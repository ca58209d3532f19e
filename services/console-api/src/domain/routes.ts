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
export const routes: Route<ConsoleApiPorts>[] = [
  { method: 'GET', path: '/api/health', run: async () => ({ status: 200, body: { ok: true } }) },
  {
    method: 'GET',
    path: '/api/apps',
    run: async (_, { apps }) => ({ status: 200, body: { apps: await apps.list() } }),
  },
  {
    method: 'GET',
    path: '/api/apps/:appId',
    run: async (params, { apps }) => {
      const app = await apps.get(appIdParam(params.appId));
      if (!app) throw notFound(`No app ${params.appId}.`);
      return { status: 200, body: app };
    },
  },
  {
    method: 'GET',
    path: '/api/apps/:appId/event-count',
    run: async (params, { apps, analytics }) => {
      const appId = appIdParam(params.appId);
      if (!(await apps.get(appId))) throw notFound(`No app ${appId}.`);
      return { status: 200, body: { appId, events: await analytics.eventCount(appId) } };
    },
  },
  {
    method: 'GET',
    path: '/api/pipeline/health',
    run: async (_, { health }) => ({ status: 200, body: { latest: await health.latest() } }),
  },
];

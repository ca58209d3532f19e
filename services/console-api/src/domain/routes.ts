import * as z from 'zod';
import { analyticsRoutes } from './analytics/routes.js';
import { authRoutes } from './auth-routes.js';
import { defineRoute, type ConsoleRoute } from './console-route.js';
import { controlPlaneRoutes } from './control-plane-routes.js';
import { appIdParam, requireApp } from './control-plane.js';
import { healthRoutes } from './health-routes.js';
import { metadataRoutes } from './metadata-routes.js';
import { openApiDocument } from './openapi.js';
import { pipelineRoutes } from './pipeline-routes.js';
import { userRoutes } from './user-routes.js';

export type { ConsoleRoute } from './console-route.js';

const API_VERSION = '1.0.0';

const coreRoutes: ConsoleRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/health',
    summary: 'Liveness of the console API',
    permission: 'public',
    response: z.object({ ok: z.boolean() }),
    run: async () => ({ status: 200, body: { ok: true } }),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    permission: 'public',
    run: async () => ({ status: 200, body: openApiDocument(routes, API_VERSION) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/apps/:appId/event-count',
    summary: 'Events the app has in the warehouse (deduplicated)',
    permission: 'analytics:read',
    response: z.object({ appId: z.string(), events: z.number() }),
    run: async ({ params }, ports) => {
      const appId = appIdParam(params.appId);
      await requireApp(ports, appId);
      return { status: 200, body: { appId, events: await ports.analytics.eventCount(appId) } };
    },
  }),
];

/**
 * Every route of the console API; the access test (test/route-access.test.ts, one decision per
 * route) and the OpenAPI document are generated from this list.
 */
export const routes: ConsoleRoute[] = [
  ...coreRoutes,
  ...authRoutes,
  ...userRoutes,
  ...controlPlaneRoutes,
  ...pipelineRoutes,
  ...healthRoutes,
  ...metadataRoutes,
  ...analyticsRoutes,
];

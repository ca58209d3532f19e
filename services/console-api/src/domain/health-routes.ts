import * as z from 'zod';
import type { ConsoleApiPorts } from '../ports/index.js';
import { defineRoute, type ConsoleRoute } from './console-route.js';
import { appIdParam, requireApp } from './control-plane.js';
import type { ConsoleApp } from './model.js';
import { defaultPipelineConfig } from './pipeline-config.js';
import { appHealth, defaultThresholds, type AppHealth } from './pipeline-health.js';

const DAY = 24 * 3_600_000;

const Alarm = z.object({ code: z.string(), severity: z.enum(['critical', 'warning']), message: z.string(), since: z.string().optional() });
const AppHealthSchema = z.object({
  appId: z.string(),
  enabled: z.boolean(),
  ingest: z.object({ windowMinutes: z.number(), events: z.number(), badRows: z.number(), eventsPerMinute: z.number() }),
  last24h: z.object({ runs: z.number(), events: z.number(), badRows: z.number() }),
  lastRun: z.object({ jobId: z.string(), startedAt: z.string(), completedAt: z.string() }).nullable(),
  freshness: z.object({ newestQueryableBefore: z.string().nullable(), queryableAt: z.string().nullable(), seconds: z.number().nullable() }),
  failedLoads: z.array(z.object({ loadId: z.string(), table: z.string(), attempt: z.number(), failedAt: z.string(), error: z.object({ code: z.string(), message: z.string() }) })),
  lastRetention: z
    .object({
      at: z.string(),
      cutoff: z.string(),
      retentionDays: z.number(),
      partitions: z.number(),
      tables: z.array(z.object({ table: z.string(), partitions: z.number(), oldestDay: z.string(), newestDay: z.string() })),
    })
    .nullable(),
  alarms: z.array(Alarm),
});

async function healthOf(ports: ConsoleApiPorts, apps: readonly ConsoleApp[]): Promise<AppHealth[]> {
  const now = ports.clock.now();
  const since = new Date(now - DAY).toISOString();
  const latest = await ports.health.latest();
  const intervals = new Map<string, number>();
  return Promise.all(
    apps.map(async (app) => {
      let interval = intervals.get(app.projectId);
      if (interval === undefined) {
        interval = ((await ports.pipelines.latest(app.projectId))?.config ?? defaultPipelineConfig).process.intervalSeconds;
        intervals.set(app.projectId, interval);
      }
      const records = await ports.health.appRecords(app.appId, since);
      return appHealth(app, records, latest, now, { ...defaultThresholds, processIntervalSeconds: interval });
    }),
  );
}

export const healthRoutes: ConsoleRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/pipeline/health',
    summary: 'Pipeline health of every app (ingest rate, last run, freshness, failed loads, last retention run, alarms) and the latest event of each kind',
    permission: 'health:read',
    response: z.object({
      latest: z.record(z.string(), z.object({ at: z.string(), summary: z.record(z.string(), z.unknown()) })),
      apps: z.array(AppHealthSchema),
      alarms: z.array(Alarm.extend({ appId: z.string() })),
    }),
    run: async (_, ports) => {
      const [latest, apps] = await Promise.all([ports.health.latest(), ports.apps.list()]);
      const health = await healthOf(ports, apps);
      return { status: 200, body: { latest, apps: health, alarms: health.flatMap((h) => h.alarms.map((a) => ({ appId: h.appId, ...a }))) } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/apps/:appId/health',
    summary: "One app's pipeline health, with its last day's bad rows by reason (a warehouse query)",
    permission: 'health:read',
    response: AppHealthSchema.extend({
      badRowsByReason: z.array(z.object({ reasonCode: z.string(), rows: z.number(), firstSeen: z.string().nullable(), lastSeen: z.string().nullable() })),
    }),
    run: async ({ params }, ports) => {
      const app = await requireApp(ports, appIdParam(params.appId));
      const [health] = await healthOf(ports, [app]);
      const since = new Date(ports.clock.now() - DAY).toISOString();
      const badRowsByReason = await ports.analytics.badRowsByReason(app.appId, since);
      return { status: 200, body: { ...health, badRowsByReason } };
    },
  }),
];

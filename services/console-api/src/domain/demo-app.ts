import { AppRegistered } from '@clickstream/contracts';
import type { AppStore, ProjectStore } from '../ports/control-plane.js';
import { appSettingsOf, type ConsoleApp, type Project } from './model.js';
import { announceNow, appAggregate, outboxMessage, type DispatchPorts } from './outbox.js';

const EPOCH = '2026-01-01T00:00:00.000Z';

export const demoProject: Project = {
  projectId: 'demo',
  name: 'Demo',
  description: 'Created at the first start so that `curl` works before anyone opens the console.',
  createdAt: EPOCH,
  updatedAt: EPOCH,
  revision: 1,
};

/** The app a fresh embedded install starts with. */
export const demoApp: ConsoleApp = {
  appId: 'demo_web',
  projectId: 'demo',
  name: 'Demo website',
  platform: 'Web',
  enabled: true,
  // Any origin: the demo app exists for trying things out from local pages.
  allowedOrigins: ['*'],
  timezone: 'UTC',
  retentionDays: 0,
  revision: 1,
  createdAt: EPOCH,
  updatedAt: EPOCH,
};

/** Creates the demo project and app once and announces the app; later starts find them and do nothing. */
export async function ensureDemoApp(ports: { projects: ProjectStore; apps: AppStore } & DispatchPorts): Promise<ConsoleApp> {
  const now = new Date(ports.clock.now()).toISOString();
  await ports.projects.create({ ...demoProject, createdAt: now, updatedAt: now });
  const app: ConsoleApp = { ...demoApp, createdAt: now, updatedAt: now };
  const event = outboxMessage(AppRegistered, { ...appSettingsOf(app), registeredAt: now }, { aggregate: appAggregate(app.appId), seq: app.revision, createdAt: now });
  if (await ports.apps.create(app, event)) {
    await announceNow(ports, appAggregate(app.appId));
    return app;
  }
  return (await ports.apps.get(demoApp.appId)) ?? app;
}

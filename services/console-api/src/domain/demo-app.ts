import { AppRegistered } from '@clickstream/contracts';
import type { Clock, EventPublisher } from '@clickstream/lambda-kit';
import type { AppStore, ProjectStore } from '../ports/control-plane.js';
import { appSettingsOf, type ConsoleApp, type Project } from './model.js';

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
export async function ensureDemoApp(
  stores: { projects: ProjectStore; apps: AppStore },
  publisher: EventPublisher,
  clock: Clock,
): Promise<ConsoleApp> {
  const now = new Date(clock.now()).toISOString();
  await stores.projects.create({ ...demoProject, createdAt: now, updatedAt: now });
  const app: ConsoleApp = { ...demoApp, createdAt: now, updatedAt: now };
  if (await stores.apps.create(app)) {
    await publisher.publish(AppRegistered, { ...appSettingsOf(app), registeredAt: now });
    return app;
  }
  return (await stores.apps.get(demoApp.appId)) ?? app;
}

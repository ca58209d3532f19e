import { AppRegistered, type AppSettings } from '@clickstream/contracts';
import type { Clock, EventPublisher } from '@clickstream/lambda-kit';
import type { AppStore } from '../ports/app-store.js';

/** The app a fresh embedded install starts with, so `curl` works before anyone opens the console. */
export const demoApp: AppSettings = {
  appId: 'demo_web',
  projectId: 'demo',
  name: 'Demo website',
  platform: 'Web',
  enabled: true,
  // Any origin: the demo app exists for trying things out from local pages.
  allowedOrigins: ['*'],
  timezone: 'UTC',
  revision: 1,
};

/** Creates the demo app once and announces it; later starts find it and do nothing. */
export async function ensureDemoApp(apps: AppStore, publisher: EventPublisher, clock: Clock): Promise<AppSettings> {
  if (await apps.create(demoApp)) {
    await publisher.publish(AppRegistered, { ...demoApp, registeredAt: new Date(clock.now()).toISOString() });
  }
  return demoApp;
}

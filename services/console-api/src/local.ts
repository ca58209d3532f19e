// The console-api service in embedded mode: mounted at /api, data in local files and DuckDB.
import type { EmbeddedEnvironment, LocalService } from '@clickstream/runtime';
import { fileURLToPath } from 'node:url';
import { DuckDbAnalytics } from './adapters/local/duckdb-analytics.js';
import { ObjectStoreAppStore } from './adapters/local/object-store-app-store.js';
import { ObjectStoreHealth } from './adapters/local/object-store-health.js';
import { ensureDemoApp } from './domain/demo-app.js';
import { handler as httpApi } from './handlers/http-api.js';
import { handler as onPipelineEvent } from './handlers/on-pipeline-event.js';
import { useLocalPorts } from './wiring.js';

export async function startLocal(env: EmbeddedEnvironment): Promise<LocalService & { demoAppId: string }> {
  const apps = new ObjectStoreAppStore(env.objects);
  useLocalPorts({
    apps,
    analytics: new DuckDbAnalytics(env.warehouse),
    health: new ObjectStoreHealth(env.objects),
    publisher: env.publisher,
    clock: env.clock,
  });
  return {
    serviceDir: fileURLToPath(new URL('..', import.meta.url)),
    functions: { 'http-api': httpApi, 'on-pipeline-event': onPipelineEvent },
    demoAppId: 'demo_web',
    start: async () => {
      await ensureDemoApp(apps, env.publisher, env.clock);
    },
  };
}

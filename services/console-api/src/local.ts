// The console-api service in embedded mode: mounted at /api, state in SQLite, queries in DuckDB.
import { loadConfig, trustedProxyList } from '@clickstream/lambda-kit';
import type { EmbeddedEnvironment, LocalService } from '@clickstream/runtime';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { oidcAuth, OidcConfig } from './adapters/oidc/oidc-config.js';
import { DuckDbAnalytics } from './adapters/local/duckdb-analytics.js';
import { SqliteSavedExplorations } from './adapters/local/sqlite-analytics-explorations.js';
import { importObjectStoreState } from './adapters/local/object-store-import.js';
import { SqliteAccountStore } from './adapters/local/sqlite-accounts.js';
import { SqliteAppStore, SqliteMetadataStore, SqlitePipelineConfigStore, SqliteProjectStore } from './adapters/local/sqlite-control-plane.js';
import { openConsoleDatabase } from './adapters/local/sqlite-database.js';
import { SqliteHealthStore } from './adapters/local/sqlite-health.js';
import { SqliteOutbox } from './adapters/local/sqlite-outbox.js';
import { SqliteSignInAttemptStore } from './adapters/local/sqlite-sign-in-attempts.js';
import { ensureAdmin } from './domain/accounts.js';
import { ensureDemoApp } from './domain/demo-app.js';
import { dispatchOutbox } from './domain/outbox.js';
import { Password } from './domain/passwords.js';
import { handler as httpApi } from './handlers/http-api.js';
import { handler as onPipelineEvent } from './handlers/on-pipeline-event.js';
import { handler as scheduleDispatchOutbox } from './handlers/schedule-dispatch-outbox.js';
import type { AuthSetup } from './ports/index.js';
import { useLocalPorts } from './wiring.js';

/** Console settings of the embedded runtime (environment variables, documented in docs/OPERATIONS.md). */
export const ConsoleLocalSettings = OidcConfig.extend({
  /** The local admin's password: set at the first start, and reset to it at every start where it is given. */
  ADMIN_PASSWORD: z.preprocess((v) => (v === '' ? undefined : v), Password.optional()),
  /** Comma-separated proxies whose X-Forwarded-For is believed (the embedded TRUSTED_PROXIES). */
  TRUSTED_PROXIES: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean)),
});
/** Raw environment values (unset or empty = not given). */
export type ConsoleLocalSettings = Record<string, string | undefined>;

export interface ConsoleLocalService extends LocalService {
  demoAppId: string;
  /** The local admin created at this start; `generatedPassword` is shown once and stored only hashed. */
  firstAdmin?: { username: string; generatedPassword?: string };
  /** How callers sign in. */
  authMode: AuthSetup['mode'];
}

export async function startLocal(env: EmbeddedEnvironment, rawSettings: ConsoleLocalSettings = {}): Promise<ConsoleLocalService> {
  const settings = loadConfig(ConsoleLocalSettings, rawSettings);
  const db = openConsoleDatabase(join(env.dataDir, 'console.sqlite'));
  try {
    await importObjectStoreState(db, env.objects, new Date(env.clock.now()).toISOString());
    const projects = new SqliteProjectStore(db);
    const apps = new SqliteAppStore(db);
    const accounts = new SqliteAccountStore(db);
    const oidc = oidcAuth(settings);
    const auth: AuthSetup = oidc ?? {
      mode: 'local',
      accounts,
      signInAttempts: new SqliteSignInAttemptStore(db),
      trustedProxies: trustedProxyList(settings.TRUSTED_PROXIES),
    };
    const firstAdmin = oidc ? undefined : await ensureAdmin(accounts, env.clock, settings.ADMIN_PASSWORD);
    const analytics = new DuckDbAnalytics(env.warehouse);
    const outbox = new SqliteOutbox(db);
    useLocalPorts({
      projects,
      apps,
      pipelines: new SqlitePipelineConfigStore(db),
      metadata: new SqliteMetadataStore(db),
      analytics,
      savedExplorations: new SqliteSavedExplorations(db),
      health: new SqliteHealthStore(db),
      outbox,
      publisher: env.publisher,
      clock: env.clock,
      auth,
    });
    return {
      serviceDir: fileURLToPath(new URL('..', import.meta.url)),
      functions: { 'http-api': httpApi, 'on-pipeline-event': onPipelineEvent, 'schedule-dispatch-outbox': scheduleDispatchOutbox },
      demoAppId: 'demo_web',
      ...(firstAdmin ? { firstAdmin } : {}),
      authMode: auth.mode,
      start: async () => {
        // Announcements stored by the last run but never published (it stopped in between) go out first.
        await dispatchOutbox({ outbox, publisher: env.publisher, clock: env.clock });
        await ensureDemoApp({ projects, apps, outbox, publisher: env.publisher, clock: env.clock });
        // The local copies of the analysis views take a while on a big warehouse: build them in the
        // background so the first dashboard does not wait (a query before then builds them itself).
        void analytics.warm().catch((error: unknown) => console.error('error: warming the analytics copies failed', error));
      },
      stop: async () => {
        db.close();
      },
    };
  } catch (error) {
    db.close();
    throw error;
  }
}

import { startLocal as startConsoleApi } from '@clickstream/console-api/local';
import { startLocal as startIngest } from '@clickstream/ingest/local';
import { startLocal as startModelAthena } from '@clickstream/model-athena/local';
import { startLocal as startModelRedshift } from '@clickstream/model-redshift/local';
import { startLocal as startProcess } from '@clickstream/process/local';
import { systemClock } from '@clickstream/lambda-kit';
import {
  bindServiceRules,
  bindServiceSchedules,
  createLocalPublisher,
  DuckDbWarehouse,
  DurableLog,
  FsObjectStore,
  DurableBusJournal,
  LocalEventBus,
  readServiceManifest,
  Scheduler,
  type EmbeddedEnvironment,
  type LambdaFunction,
  type LocalService,
  type ServiceManifest,
} from '@clickstream/runtime';
import type { AddressInfo } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmbeddedConfig } from './config.js';
import { createEmbeddedServer, createRequestListener } from './http-server.js';
import { routesOf } from './http-routes.js';
import { lambdaContext } from './lambda-context.js';

export interface EmbeddedRuntime {
  url: string;
  dataDir: string;
  demoAppId: string;
  /** The local admin created at this start (its generated password is shown once), if any. */
  firstAdmin?: { username: string; generatedPassword?: string };
  /** How the console's callers sign in: local accounts or OIDC. */
  authMode: string;
  bus: LocalEventBus;
  scheduler: Scheduler;
  warehouse: DuckDbWarehouse;
  /** Runs one scheduled function now (e.g. `process.schedule-start-job`) and waits for the bus to settle. */
  runJob(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Users name jobs by service folder (`process.schedule-start-job`); the scheduler knows them by
 * the Serverless service name (`clickstream-process.schedule-start-job`).
 */
function scheduleOverrides(requested: Record<string, string | number>, serviceDir: string, serviceName: string) {
  const prefix = `${basename(serviceDir)}.`;
  return Object.fromEntries(
    Object.entries(requested).map(([k, v]) => [k.startsWith(prefix) ? `${serviceName}.${k.slice(prefix.length)}` : k, v]),
  );
}

export interface Logger {
  info(message: string, extra?: Record<string, unknown>): void;
  error(message: string, error?: unknown): void;
}

const consoleRoot = fileURLToPath(new URL('../../console/dist/', import.meta.url));
/** The web SDK's demo page (built by sdk/web/build.mjs), which sends to this runtime's demo app. */
const demoRoot = fileURLToPath(new URL('../../sdk/web/dist/demo/', import.meta.url));
// The transport refuses bodies past this before reading them; the handlers apply the exact limits.
const MAX_HTTP_BODY = 2 * 1024 * 1024;

/**
 * Starts the whole platform in this process: the local engines, every service's local entry, the
 * bus routes and schedules each service declares in serverless.yml, and one HTTP port. It holds
 * no business logic: it only wires.
 */
export async function startEmbedded(config: EmbeddedConfig, log: Logger): Promise<EmbeddedRuntime> {
  const dataDir = resolve(config.DATA_DIR);
  await mkdir(dataDir, { recursive: true });
  const clock = systemClock;
  const stream = await DurableLog.open(resolve(dataDir, 'stream'));
  const objects = new FsObjectStore(resolve(dataDir, 'objects'));
  const warehouse = await DuckDbWarehouse.open(resolve(dataDir, 'warehouse.duckdb'), resolve(dataDir, 'warehouse'));
  // The bus journals every accepted event until its deliveries end, so a crash loses none.
  const busLog = await DurableLog.open(resolve(dataDir, 'bus'));
  const bus = new LocalEventBus({
    clock,
    journal: await DurableBusJournal.open(busLog, objects),
    onDeadLetter: (rule, event, error) => log.error(`bus delivery to ${rule} failed for good (${event['detail-type']} ${event.id})`, error),
  });
  const publisher = createLocalPublisher(bus);

  // Listen first: services need the public URL; requests wait until the listener is attached below.
  const server = createEmbeddedServer();
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(config.PORT, config.HOST, () => ok());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  const env: EmbeddedEnvironment = { dataDir, stream, objects, warehouse, publisher, clock, publicUrl: url };
  const consoleApi = await startConsoleApi(env, {
    ADMIN_PASSWORD: config.ADMIN_PASSWORD,
    OIDC_ISSUER: config.OIDC_ISSUER,
    OIDC_AUDIENCE: config.OIDC_AUDIENCE,
    OIDC_CLIENT_ID: config.OIDC_CLIENT_ID,
    OIDC_ROLES_CLAIM: config.OIDC_ROLES_CLAIM,
    OIDC_JWKS_URI: config.OIDC_JWKS_URI,
    OIDC_ROLE_MAP: config.OIDC_ROLE_MAP,
    TRUSTED_PROXIES: config.TRUSTED_PROXIES.join(','),
  });
  const services: LocalService[] = [
    await startIngest(env, { trustedProxies: config.TRUSTED_PROXIES, streamRetentionHours: config.STREAM_RETENTION_HOURS }),
    await startProcess(env, { processingThreads: config.PROCESS_THREADS }),
    await startModelAthena(env),
    await startModelRedshift(env),
    consoleApi,
  ];

  const manifests: ServiceManifest[] = [];
  const functions = new Map<string, LambdaFunction>();
  const scheduler = new Scheduler({ clock, onError: (job, error) => log.error(`scheduled ${job} failed`, error) });
  const requested = { 'process.schedule-start-job': config.PROCESS_INTERVAL_SECONDS * 1000, ...config.SCHEDULE_OVERRIDES };
  for (const service of services) {
    const manifest = readServiceManifest(service.serviceDir);
    manifests.push(manifest);
    const invoke = (name: string, fn: LambdaFunction) => (event: unknown) => fn(event as never, lambdaContext(`${manifest.service}-${name}`));
    const targets = Object.fromEntries(Object.entries(service.functions).map(([name, fn]) => [name, invoke(name, fn)]));
    for (const [name, fn] of Object.entries(service.functions)) functions.set(`${manifest.service}.${name}`, fn);
    bindServiceRules(bus, manifest, targets);
    const jobs = Object.fromEntries(
      Object.entries(targets).map(([name, target]) => [
        name,
        async (firedAt: Date) => {
          await target({ 'detail-type': 'Scheduled Event', source: 'aws.events', time: firedAt.toISOString(), id: crypto.randomUUID() });
        },
      ]),
    );
    bindServiceSchedules(scheduler, manifest, jobs, scheduleOverrides(requested, service.serviceDir, manifest.service));
  }
  server.on(
    'request',
    createRequestListener({
      routes: routesOf(manifests),
      functions,
      staticMounts: [
        { prefix: '/demo', root: demoRoot },
        { prefix: '/', root: consoleRoot },
      ],
      maxBodyBytes: MAX_HTTP_BODY,
      onError: (message, error) => log.error(message, error),
    }),
  );

  const redelivered = await bus.recover();
  if (redelivered > 0) log.info(`event bus: delivering ${redelivered} event(s) left undelivered by the last run`);
  for (const service of services) await service.start?.();
  await bus.drain();
  scheduler.start();

  let closed = false;
  return {
    url,
    dataDir,
    demoAppId: consoleApi.demoAppId,
    ...(consoleApi.firstAdmin ? { firstAdmin: consoleApi.firstAdmin } : {}),
    authMode: consoleApi.authMode,
    bus,
    scheduler,
    warehouse,
    runJob: async (name) => {
      const [folder = '', fn = ''] = name.split('.');
      const manifest = manifests[services.findIndex((s) => basename(s.serviceDir) === folder)];
      await scheduler.runNow(manifest ? `${manifest.service}.${fn}` : name);
      await bus.drain();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeIdleConnections();
        // In-flight requests get a moment to finish; a client holding a connection open
        // (a browser's keep-alive or preconnect socket) must not hold up the shutdown.
        setTimeout(() => server.closeAllConnections(), 2_000).unref();
      });
      await scheduler.stop();
      await bus.drain();
      // Upstream first: what a service publishes while stopping (a processing run finishing, say)
      // still reaches the services after it, which are running until their own turn.
      for (const service of services) {
        await service.stop?.();
        await bus.drain();
      }
      await busLog.close();
      await stream.close();
      warehouse.close();
    },
  };
}

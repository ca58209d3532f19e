// The chaos and load harness: simulated SDK clients send events to the embedded runtime while it
// is killed with SIGKILL at random moments and restarted; then every acknowledged event is
// looked for in the modeled tables. "Nothing acknowledged is lost, nothing is counted twice."
import { Random } from '@clickstream/traffic-generator';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runClients } from './clients.js';
import { countModeled, type ModeledCounts } from './modeled-counts.js';
import { EmbeddedServer, freePort } from './server.js';

export interface ChaosOptions {
  clients: number;
  durationSec: number;
  kills: number;
  eventsPerBatch: number;
  invalidShare: number;
  seed: number;
  /** How long to wait, after the load stops, for processing to model every acknowledged event. */
  settleTimeoutSec: number;
  processIntervalSec: number;
  dataDir?: string;
  keepData?: boolean;
  log?: (message: string) => void;
}

export interface ChaosResult {
  sent: number;
  acked: number;
  lost: number;
  duplicated: number;
  badRows: number;
  badRowsExpected: number;
  badRowsMissing: number;
  kills: number;
  eventsPerSec: number;
  requests: number;
  failedRequests: number;
  /** Copies of acknowledged events in the raw `events` table beyond the first: client retries after a lost 200, removed by dedupe. */
  retriedCopies: number;
  redshift: { checked: boolean; lost: number; duplicated: number };
  settledInSec: number;
  lostSample: string[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? (() => undefined);
  // Seeded, so a run's kill schedule can be replayed.
  const rng = new Random(options.seed);
  const random = () => rng.next();
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'clickstream-chaos-')));
  const runTag = Math.floor(random() * 2 ** 32).toString(16).padStart(8, '0');
  const server = new EmbeddedServer({
    dataDir,
    port: await freePort(),
    env: {
      PROCESS_INTERVAL_SECONDS: String(options.processIntervalSec),
      SCHEDULE_OVERRIDES: `model-redshift.schedule-start-load=${options.processIntervalSec * 1000}`,
    },
  });
  try {
    await server.start();
    log(`server up at ${server.url}, data in ${dataDir}`);

    let stopLoad!: () => void;
    let abandonLoad!: () => void;
    const stop = new Promise<void>((r) => (stopLoad = r));
    const abandon = new Promise<void>((r) => (abandonLoad = r));
    const started = performance.now();
    const clients = runClients({
      url: () => server.url,
      appId: 'demo_web',
      runTag,
      clients: options.clients,
      eventsPerBatch: options.eventsPerBatch,
      invalidShare: options.invalidShare,
      stop,
      abandon,
      random,
    });

    // Kill moments spread over the run (never in its last 15%, so the final restart has load to take).
    const moments = Array.from({ length: options.kills }, () => (0.05 + 0.8 * random()) * options.durationSec * 1000).sort((a, b) => a - b);
    let kills = 0;
    for (const at of moments) {
      const wait = at - (performance.now() - started);
      if (wait > 0) await sleep(wait);
      await server.kill();
      kills++;
      log(`kill -9 #${kills} at ${((performance.now() - started) / 1000).toFixed(1)} s`);
      await sleep(200 + 800 * random());
      await server.start();
    }
    const remaining = options.durationSec * 1000 - (performance.now() - started);
    if (remaining > 0) await sleep(remaining);
    stopLoad();
    // Batches in flight still get their answer (or retries) for a while; then they are abandoned.
    const abandonTimer = setTimeout(abandonLoad, 15_000);
    const stats = await clients;
    clearTimeout(abandonTimer);
    const loadSec = (performance.now() - started) / 1000;
    log(`load stopped: ${stats.ackedValid.size + stats.ackedInvalid.size} events acknowledged in ${loadSec.toFixed(1)} s`);

    // Wait until processing has modeled every acknowledged event (or give up and report what is missing).
    const settleStarted = performance.now();
    let counts: ModeledCounts;
    for (;;) {
      counts = await countModeled(dataDir, runTag, stats.ackedValid, stats.ackedInvalid);
      if ((counts.missing.length === 0 && counts.badRowsMissing === 0) || performance.now() - settleStarted > options.settleTimeoutSec * 1000) break;
      await sleep(1000);
    }
    // The Redshift stand-in can only be opened while the server is stopped (DuckDB lets one process
    // hold a database file): stop, look, and give the loads more time until they caught up too.
    for (;;) {
      await server.stop();
      counts = await countModeled(dataDir, runTag, stats.ackedValid, stats.ackedInvalid, { redshift: true });
      if (!counts.redshift || counts.redshift.lost === 0 || performance.now() - settleStarted > options.settleTimeoutSec * 1000) break;
      log(`Redshift path still missing ${counts.redshift.lost} events: restarting to let the loads catch up`);
      await server.start();
      await sleep(options.processIntervalSec * 3000);
    }
    const settledInSec = (performance.now() - settleStarted) / 1000;

    return {
      sent: stats.sentEvents,
      acked: stats.ackedValid.size + stats.ackedInvalid.size,
      lost: counts.missing.length,
      duplicated: counts.duplicated + (counts.redshift?.duplicated ?? 0),
      badRows: counts.badRowsFound,
      badRowsExpected: stats.ackedInvalid.size,
      badRowsMissing: counts.badRowsMissing,
      kills,
      eventsPerSec: Math.round((stats.ackedValid.size + stats.ackedInvalid.size) / loadSec),
      requests: stats.requests,
      failedRequests: stats.failedRequests,
      retriedCopies: counts.retriedCopies,
      redshift: { checked: counts.redshift !== undefined, lost: counts.redshift?.lost ?? 0, duplicated: counts.redshift?.duplicated ?? 0 },
      settledInSec: Math.round(settledInSec * 10) / 10,
      lostSample: counts.missing.slice(0, 10),
    };
  } catch (error) {
    log(`server output:\n${server.log}`);
    throw error;
  } finally {
    await server.stop().catch(() => undefined);
    if (!options.keepData && !options.dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

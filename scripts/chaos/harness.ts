// The chaos and load harness: simulated SDK clients send the shared generator's traffic to the
// embedded runtime while it is killed with SIGKILL at random moments and restarted; then both
// modeled paths are held to the generator's expected outcome of every acknowledged event.
// "Nothing acknowledged is lost, nothing is counted twice, every bad event is a bad row."
import { Random, type TrafficShares } from '@clickstream/traffic-generator';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runClients } from './clients.js';
import { comparePath, failures, type PathVerdict } from './compare.js';
import { Ledger } from './ledger.js';
import { readAthenaPath, readRedshiftPath } from './modeled-counts.js';
import { chaosApps, registerApps } from './register-apps.js';
import { EmbeddedServer, freePort } from './server.js';
import { CHAOS_SHARES, ChaosTraffic, WEB_ORIGIN } from './traffic.js';

export { CHAOS_SHARES };

export interface ChaosOptions {
  clients: number;
  durationSec: number;
  kills: number;
  seed: number;
  /** Overrides of CHAOS_SHARES. */
  shares?: Partial<TrafficShares>;
  /** Share of uploads that repeat one of their events within the batch. Default 0.01. */
  repeatShare?: number;
  /** How often the simulated SDKs send their queue (seconds of simulated time). Default 10, the SDKs' default. */
  uploadIntervalSec?: number;
  /**
   * Keeps the load on past `durationSec` until this many uploads have ended (at most `settleTimeoutSec`
   * longer): the traffic is a seeded stream, so a run that reaches a given length holds a known set of cases
   * however slow the machine is. Default 0.
   */
  minUploads?: number;
  /** How long to wait, after the load stops, for processing to model every acknowledged event. */
  settleTimeoutSec: number;
  processIntervalSec: number;
  dataDir?: string;
  keepData?: boolean;
  log?: (message: string) => void;
}

export interface ChaosResult {
  /** Batch elements (events, broken ones included) of the uploads sent / answered 200. */
  sent: number;
  acked: number;
  /** Acknowledged events absent, Athena path plus Redshift path. */
  lost: number;
  /** Event rows beyond the first, both paths. */
  duplicated: number;
  /** Bad rows of the run's apps on the Athena path, and how many acknowledged uploads must have produced. */
  badRows: number;
  badRowsExpected: number;
  badRowsMissing: number;
  /** Everything present that should not be: events never sent valid, wrong is_bot / truncated / event time, bad rows beyond what was sent, answers contradicting the expectation. */
  unexpected: number;
  kills: number;
  /** Acknowledged batch elements per second of the load phase, down time included. */
  eventsPerSec: number;
  /** Seconds of the load phase the server was down (killed until ready again). */
  downSec: number;
  requests: number;
  failedRequests: number;
  uploads: Ledger['stats']['uploads'];
  /** The generator's expectation for the acknowledged uploads. */
  expected: Ledger['stats']['expected'];
  athena: PathVerdict & { rawCopies: number };
  redshift: (PathVerdict & { checked: true }) | { checked: false };
  settledInSec: number;
  seed: number;
  runTag: string;
  lostSample: string[];
  unexpectedSample: string[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runChaos(options: ChaosOptions): Promise<ChaosResult> {
  const log = options.log ?? (() => undefined);
  // Seeded, so a run's traffic and kill schedule can be replayed; the run tag is not, so a rerun
  // into the same data directory still has ids of its own.
  const rng = new Random(options.seed);
  const random = () => rng.next();
  const runTag = randomBytes(4).toString('hex');
  const apps = chaosApps(runTag, WEB_ORIGIN);
  const adminPassword = randomBytes(18).toString('base64url');
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'clickstream-chaos-')));
  const server = new EmbeddedServer({
    dataDir,
    port: await freePort(),
    env: {
      ADMIN_PASSWORD: adminPassword,
      PROCESS_INTERVAL_SECONDS: String(options.processIntervalSec),
      SCHEDULE_OVERRIDES: `model-redshift.schedule-start-load=${options.processIntervalSec * 1000}`,
    },
  });
  try {
    await server.start();
    log(`server up at ${server.url}, data in ${dataDir}`);
    await registerApps(server.url, adminPassword, apps);
    log(`apps ${apps.web} and ${apps.mobile} registered`);

    const ledger = new Ledger();
    const traffic = new ChaosTraffic({
      seed: options.seed,
      runTag,
      apps,
      shares: { ...CHAOS_SHARES, ...options.shares },
      repeatShare: options.repeatShare ?? 0.01,
      uploadIntervalMs: (options.uploadIntervalSec ?? 10) * 1000,
    });
    let stopLoad!: () => void;
    let abandonLoad!: () => void;
    const stop = new Promise<void>((r) => (stopLoad = r));
    const abandon = new Promise<void>((r) => (abandonLoad = r));
    const started = performance.now();
    const clients = runClients({ url: () => server.url, clients: options.clients, traffic, ledger, stop, abandon, random });

    // Kill moments spread over the run (never in its last 15%, so the final restart has load to take).
    const moments = Array.from({ length: options.kills }, () => (0.05 + 0.8 * random()) * options.durationSec * 1000).sort((a, b) => a - b);
    let kills = 0;
    let downMs = 0;
    for (const at of moments) {
      const wait = at - (performance.now() - started);
      if (wait > 0) await sleep(wait);
      const killedAt = performance.now();
      await server.kill();
      kills++;
      log(`kill -9 #${kills} at ${((killedAt - started) / 1000).toFixed(1)} s`);
      await sleep(200 + 800 * random());
      await server.start();
      downMs += performance.now() - killedAt;
    }
    const remaining = options.durationSec * 1000 - (performance.now() - started);
    if (remaining > 0) await sleep(remaining);
    const lengthened = performance.now();
    while (ledger.stats.uploads.sent < (options.minUploads ?? 0) && performance.now() - lengthened < options.settleTimeoutSec * 1000) await sleep(200);
    stopLoad();
    // Uploads in flight still get their answer (or retries) for a while; then they are abandoned.
    const abandonTimer = setTimeout(abandonLoad, 15_000);
    const clientStats = await clients;
    clearTimeout(abandonTimer);
    const loadSec = (performance.now() - started) / 1000;
    log(`load stopped: ${ledger.stats.uploads.acked} uploads (${ledger.stats.ackedElements} events) acknowledged in ${loadSec.toFixed(1)} s`);

    // Wait until processing has modeled every acknowledged event and bad row (or give up and report what is missing).
    const appIds = [apps.web, apps.mobile];
    const settleStarted = performance.now();
    const timedOut = () => performance.now() - settleStarted > options.settleTimeoutSec * 1000;
    let athenaPath = await readAthenaPath(dataDir, appIds);
    let athena = comparePath(ledger, athenaPath);
    while ((athena.lost > 0 || athena.badRows.missing > 0) && !timedOut()) {
      await sleep(1000);
      athenaPath = await readAthenaPath(dataDir, appIds);
      athena = comparePath(ledger, athenaPath);
    }
    // The Redshift stand-in can only be opened while the server is stopped (DuckDB lets one process
    // hold a database file): stop, look, and give the loads more time until they caught up too.
    let redshift: PathVerdict | undefined;
    for (;;) {
      await server.stop();
      const path = await readRedshiftPath(dataDir, appIds);
      redshift = path && comparePath(ledger, path);
      if ((redshift && redshift.lost === 0 && redshift.badRows.missing === 0) || timedOut()) break;
      log(redshift ? `Redshift path still missing ${redshift.lost} events and ${redshift.badRows.missing} bad rows: restarting to let the loads catch up` : 'Redshift stand-in has no tables yet: restarting to let the loads run');
      await server.start();
      await sleep(options.processIntervalSec * 3000);
    }
    // Last look at the Athena path with the server stopped: a run that finished during the Redshift wait is included.
    athenaPath = await readAthenaPath(dataDir, appIds);
    athena = comparePath(ledger, athenaPath);
    const settledInSec = (performance.now() - settleStarted) / 1000;

    const s = ledger.stats;
    const paths = redshift ? [athena, redshift] : [athena];
    return {
      sent: s.sentElements,
      acked: s.ackedElements,
      lost: paths.reduce((n, p) => n + p.lost, 0),
      duplicated: paths.reduce((n, p) => n + p.duplicated, 0),
      badRows: athena.badRows.found,
      badRowsExpected: athena.badRows.expected,
      badRowsMissing: paths.reduce((n, p) => n + p.badRows.missing, 0),
      unexpected:
        s.wrongAnswers + paths.reduce((n, p) => n + failures(p) - p.lost - p.duplicated - p.badRows.missing, 0),
      kills,
      eventsPerSec: Math.round(s.ackedElements / loadSec),
      downSec: Math.round(downMs / 100) / 10,
      requests: clientStats.requests,
      failedRequests: clientStats.failedRequests,
      uploads: s.uploads,
      expected: s.expected,
      athena: { ...athena, rawCopies: athenaPath.rawCopies },
      redshift: redshift ? { checked: true, ...redshift } : { checked: false },
      settledInSec: Math.round(settledInSec * 10) / 10,
      seed: options.seed,
      runTag,
      lostSample: paths.flatMap((p) => p.lostSample).slice(0, 10),
      unexpectedSample: [...s.wrongAnswerSample, ...paths.flatMap((p) => p.unexpectedSample)].slice(0, 10),
    };
  } catch (error) {
    log(`server output:\n${server.log}`);
    throw error;
  } finally {
    await server.stop().catch(() => undefined);
    if (!options.keepData && !options.dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

/** Whether a run kept the promise: nothing lost, nothing twice, nothing missing or unexpected. */
export function passed(result: ChaosResult): boolean {
  return result.lost === 0 && result.duplicated === 0 && result.badRowsMissing === 0 && result.unexpected === 0 && result.redshift.checked;
}

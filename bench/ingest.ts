// `npm run bench:ingest` — ingest throughput of the embedded runtime against a bare node:http
// baseline, on this machine. A benchmark, not a test: it prints figures and never fails on them.
//
//   node --import tsx bench/ingest.ts [--duration 20] [--warmup 3] [--connections 64] [--pool 128 | --fresh]
//                                     [--cpu-prof] [--keep-data]
//
// BENCH_DURATION / BENCH_WARMUP / BENCH_CONNECTIONS / BENCH_POOL / BENCH_FRESH=1 set the same as
// the flags (flags win). --cpu-prof writes a V8 profile of the embedded server (see
// bench/profile-summary.ts); --keep-data keeps its data dir.
//
// 1. Starts the embedded server (`embedded/src/main.ts`, PORT=0, a temp DATA_DIR, processing
//    pushed far out so it does not compete) and the baseline server (bench/baseline-server.ts)
//    as child processes, one after the other.
// 2. Drives each with autocannon: 10-event AWS Clickstream web-SDK batches (bench/batch.ts) with
//    hashCode, `connections` keep-alive connections, a warm-up, then the measured run. Each
//    connection cycles through its own `--pool` distinct pre-built batches (see `Load` below).
// 3. Stops the embedded server (SIGTERM, waits for its exit), reopens its durable log and checks it
//    holds at least as many records as autocannon counted 2xx answers (warm-up included): a 200
//    is only sent once the batch is fsync'ed.
// 4. Prints ONE JSON object on stdout; progress and notes go to stderr.
import autocannon, { type Options, type RequestSpec, type Result } from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { functionPackages, listServices, repoRoot } from '../scripts/template-check.js';
import { createBatchFactory, EVENTS_PER_BATCH } from './batch.js';
import type { ProbeStats } from './probe.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    pool: { type: 'string' },
    fresh: { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    'keep-data': { type: 'boolean', default: false },
  },
});

function positive(name: string, flag: string | undefined, env: string | undefined, fallback: number): number {
  const raw = flag ?? env;
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`bench: ${name} must be a positive number, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

const durationSec = positive('--duration', values.duration, process.env.BENCH_DURATION, 20);
const warmupSec = positive('--warmup', values.warmup, process.env.BENCH_WARMUP, 3);
const connections = Math.round(positive('--connections', values.connections, process.env.BENCH_CONNECTIONS, 64));
const poolPerConnection = Math.round(positive('--pool', values.pool, process.env.BENCH_POOL, 128));
const fresh = values.fresh || process.env.BENCH_FRESH === '1';
const PROCESS_INTERVAL_SECONDS = 86_400;
const TARGET_RATIO = 0.5;
const BUNDLE_TARGETS: Record<string, number> = { 'ingest/http-collect': 250 * 1024 };

const log = (message: string) => console.error(`bench: ${message}`);

// ─── child processes ──────────────────────────────────────────────────────────────────────────

interface Server {
  name: string;
  child: ChildProcess;
  url: string;
  /** performance.now() when it was spawned: a --cpu-prof profile starts about then. */
  spawnedAt: number;
}

/** Starts `node --import tsx --import bench/probe.ts <script>` and waits for the line `ready` matches (group 1 = URL). */
function startServer(name: string, script: string, env: Record<string, string>, ready: RegExp, nodeFlags: string[] = []): Promise<Server> {
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', '--import', './bench/probe.ts', ...nodeFlags, script], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => {
    out += d;
    process.stderr.write(d.replace(/^(?=.)/gm, `[${name}] `));
  });
  let started = false;
  return new Promise((resolveServer, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within 120 s:\n${out}`));
    }, 120_000);
    const onExit = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${signal ?? code}) before it was ready:\n${out}`));
    };
    child.once('exit', onExit);
    child.stdout!.on('data', (d: string) => {
      out += d;
      const match = ready.exec(out);
      if (match?.[1] && !started) {
        started = true;
        clearTimeout(timer);
        child.off('exit', onExit);
        resolveServer({ name, child, url: match[1], spawnedAt });
      }
    });
  });
}

/** The probe's counters in the child (bench/probe.ts). */
function probe(server: Server): Promise<ProbeStats> {
  return new Promise((resolveStats, reject) => {
    const timer = setTimeout(() => reject(new Error(`${server.name} did not answer the probe`)), 10_000);
    const onMessage = (message: unknown) => {
      if (typeof message === 'object' && message !== null && 'probe' in message) {
        clearTimeout(timer);
        server.child.off('message', onMessage);
        resolveStats((message as { probe: ProbeStats }).probe);
      }
    };
    server.child.on('message', onMessage);
    server.child.send('probe:stats');
  });
}

/** SIGTERM, then waits for the exit (SIGKILL after 180 s). Resolves with the exit code. */
function stopServer(server: Server): Promise<number | null> {
  return new Promise((resolveExit) => {
    if (server.child.exitCode !== null) return resolveExit(server.child.exitCode);
    const timer = setTimeout(() => {
      log(`${server.name} did not exit 180 s after SIGTERM; killing it`);
      server.child.kill('SIGKILL');
    }, 180_000);
    server.child.once('exit', (code) => {
      clearTimeout(timer);
      resolveExit(code);
    });
    server.child.kill('SIGTERM');
  });
}

// ─── load ─────────────────────────────────────────────────────────────────────────────────────

type BatchFactory = ReturnType<typeof createBatchFactory>;

/**
 * The requests to send. `pool` (default): every connection cycles through its own slice of
 * pre-built, distinct batches, so autocannon writes a ready buffer per request and the load
 * generator stays cheap (event ids repeat only once a connection has gone through its whole slice;
 * ingest does not dedupe, so this changes nothing for the server). `fresh`: every request is built
 * anew (ids unique across the run), which costs the load generator ~50 µs of CPU per request on
 * this machine and caps the baseline well below what it can serve.
 */
type Load = { mode: 'pool'; pools: RequestSpec[][] } | { mode: 'fresh'; next: BatchFactory };

function createLoad(): Load {
  const next = createBatchFactory();
  if (fresh) return { mode: 'fresh', next };
  const pools = Array.from({ length: connections }, () =>
    Array.from({ length: poolPerConnection }, (): RequestSpec => ({ method: 'POST', ...next() })),
  );
  return { mode: 'pool', pools };
}

function fire(url: string, seconds: number, load: Load): Promise<Result> {
  let client = 0;
  const options: Options =
    load.mode === 'pool'
      ? {
          url,
          // Each connection gets its own slice; autocannon builds its request buffers once, here.
          setupClient: (c) => c.setRequests(load.pools[client++ % load.pools.length]!),
        }
      : {
          url,
          requests: [
            {
              method: 'POST',
              // A fresh batch per request: new event ids, timestamps, sequence id and hashCode.
              setupRequest: (request) => ({ ...request, ...load.next() }),
            },
          ],
        };
  return new Promise((resolveResult, reject) => {
    autocannon({ ...options, connections, duration: seconds, method: 'POST', timeout: 30 }, (error, result) =>
      error ? reject(error) : resolveResult(result),
    );
  });
}

interface Measured {
  result: Result;
  /** The measured run, in ms since the server was spawned. */
  window: { fromMs: number; toMs: number };
  server: { before: ProbeStats; after: ProbeStats };
  loadgenCpuUs: number;
  wallMs: number;
}

async function measure(server: Server, label: string): Promise<Measured & { warmup: Result }> {
  const load = createLoad();
  log(`${label}: warm-up ${warmupSec}s, ${connections} connections → ${server.url}/collect`);
  const warmup = await fire(server.url, warmupSec, load);
  log(`${label}: measuring ${durationSec}s`);
  const before = await probe(server);
  const cpu = process.cpuUsage();
  const started = performance.now();
  const result = await fire(server.url, durationSec, load);
  const wallMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  const after = await probe(server);
  log(
    `${label}: ${result['2xx']} × 2xx, ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts; ` +
      `${(result['2xx'] / result.duration).toFixed(0)} req/s, p99 ${result.latency.p99} ms`,
  );
  const window = { fromMs: Math.round(started - server.spawnedAt), toMs: Math.round(started + wallMs - server.spawnedAt) };
  return { warmup, result, window, server: { before, after }, loadgenCpuUs: used.user + used.system, wallMs };
}

const round = (n: number, digits = 1) => Number(n.toFixed(digits));

function summarise(m: Measured) {
  const { before, after } = m.server;
  const seconds = m.result.duration;
  const serverCpuUs = after.cpuUserUs + after.cpuSystemUs - (before.cpuUserUs + before.cpuSystemUs);
  const active = after.eluActiveMs - before.eluActiveMs;
  const idle = after.eluIdleMs - before.eluIdleMs;
  return {
    reqPerSec: round(m.result['2xx'] / seconds),
    p50Ms: m.result.latency.p50,
    p99Ms: m.result.latency.p99,
    fsyncs: after.datasyncs + after.syncs - (before.datasyncs + before.syncs),
    serverCpuPct: round((serverCpuUs / 1000 / m.wallMs) * 100),
    serverEventLoopUtilization: round(active / (active + idle || 1), 3),
    loadgenCpuPct: round((m.loadgenCpuUs / 1000 / m.wallMs) * 100),
    seconds,
  };
}

// ─── durability check ─────────────────────────────────────────────────────────────────────────

async function countDurableRecords(streamDir: string): Promise<number> {
  // Imported late: the load generator should not carry DuckDB & co. while it measures.
  const { DurableLog } = await import('@clickstream/runtime');
  const stream = await DurableLog.open(streamDir);
  try {
    let records = 0;
    let seq = 0;
    // Reads every record back (each one's CRC is checked), a bounded batch at a time.
    for (;;) {
      const page = await stream.read(seq, 2_048, 32 * 1024 * 1024);
      if (page.records.length === 0) break;
      records += page.records.length;
      seq = page.nextSeq;
    }
    return records;
  } finally {
    await stream.close();
  }
}

// ─── Lambda bundles ───────────────────────────────────────────────────────────────────────────

function bundles() {
  return listServices().flatMap((service) =>
    functionPackages(service).map((p) => {
      const key = `${p.service}/${p.function}`;
      const target = BUNDLE_TARGETS[key];
      return {
        function: key,
        zipKB: round(p.bytes / 1024),
        minifiedKB: round(p.bundleBytes / 1024),
        packagedAt: statSync(p.zip).mtime.toISOString(),
        ...(target === undefined ? {} : { targetMinifiedKB: target / 1024, meetsTarget: p.bundleBytes <= target }),
      };
    }),
  );
}

// ─── main ─────────────────────────────────────────────────────────────────────────────────────

const dataDir = await mkdtemp(join(tmpdir(), 'clickstream-bench-'));
const profileDir = values['cpu-prof'] ? await mkdtemp(join(tmpdir(), 'clickstream-bench-profile-')) : undefined;
let running: Server | undefined;
const abort = () => {
  running?.child.kill('SIGKILL');
  process.exit(130);
};
process.once('SIGINT', abort);

try {
  log(`data dir ${dataDir}; ${durationSec}s measured (+${warmupSec}s warm-up) per server, ${connections} connections`);

  // Embedded runtime: the real `npm start` process.
  running = await startServer(
    'embedded',
    'embedded/src/main.ts',
    { PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'WARN', PROCESS_INTERVAL_SECONDS: String(PROCESS_INTERVAL_SECONDS) },
    /Clickstream is running at (http:\/\/\S+)/,
    profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
  );
  const embedded = running;
  const embeddedRun = await measure(embedded, 'embedded');
  const stopping = performance.now();
  const exitCode = await stopServer(embedded);
  const shutdownMs = Math.round(performance.now() - stopping);
  running = undefined;
  if (exitCode !== 0) log(`embedded server exited with ${exitCode}`);
  const acked = embeddedRun.warmup['2xx'] + embeddedRun.result['2xx'];
  const durableRecords = await countDurableRecords(join(dataDir, 'stream'));
  const durableOk = durableRecords >= acked;
  log(`acknowledged (2xx, warm-up + measured) ${acked}; durable records ${durableRecords} → ${durableOk ? 'OK' : 'LOST ACKNOWLEDGED BATCHES'}`);

  // Baseline: bare node:http, same load.
  running = await startServer('baseline', 'bench/baseline-server.ts', { PORT: '0', HOST: '127.0.0.1' }, /listening at (http:\/\/\S+)/);
  const baseline = running;
  const baselineRun = await measure(baseline, 'baseline');
  await stopServer(baseline);
  running = undefined;

  const e = summarise(embeddedRun);
  const b = summarise(baselineRun);
  const bundleList = bundles();
  const ratio = round(e.reqPerSec / b.reqPerSec, 3);
  const profiles = profileDir ? (await readdir(profileDir)).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(profileDir, f)) : [];
  const report = {
    reqPerSec: e.reqPerSec,
    eventsPerSec: round(e.reqPerSec * EVENTS_PER_BATCH),
    p50Ms: e.p50Ms,
    p99Ms: e.p99Ms,
    baselineReqPerSec: b.reqPerSec,
    baselineP50Ms: b.p50Ms,
    baselineP99Ms: b.p99Ms,
    ratio,
    targetRatio: TARGET_RATIO,
    meetsTargetRatio: ratio >= TARGET_RATIO,
    acked,
    durableRecords,
    durableOk,
    durabilityNote:
      'acked = 2xx autocannon counted (warm-up + measured); durableRecords = records read back, CRC-checked, from <DATA_DIR>/stream ' +
      'after the server exited. More records than acks = requests fsynced and answered after autocannon stopped counting (≤ connections per run).',
    non2xx: embeddedRun.warmup.non2xx + embeddedRun.result.non2xx,
    errors: embeddedRun.warmup.errors + embeddedRun.result.errors,
    timeouts: embeddedRun.warmup.timeouts + embeddedRun.result.timeouts,
    baselineNon2xx: baselineRun.result.non2xx,
    baselineErrors: baselineRun.result.errors,
    connections,
    durationSec: e.seconds,
    warmupSec,
    /** fdatasync + fsync calls in the embedded server while measured (the durable log's group commits). */
    fsyncsPerSec: round(e.fsyncs / e.seconds),
    requestsPerFsync: e.fsyncs > 0 ? round(embeddedRun.result['2xx'] / e.fsyncs) : null,
    serverCpuPct: e.serverCpuPct,
    serverEventLoopUtilization: e.serverEventLoopUtilization,
    baselineServerCpuPct: b.serverCpuPct,
    loadgenCpuPct: { embedded: e.loadgenCpuPct, baseline: b.loadgenCpuPct },
    batch: {
      events: EVENTS_PER_BATCH,
      bodyBytesAvg: Math.round(averageBodyBytes()),
      ...(fresh
        ? { requestMode: 'fresh', note: 'every request built anew: event ids unique across the run' }
        : {
            requestMode: 'pool',
            distinctBatches: connections * poolPerConnection,
            note: 'each connection cycles through its own pre-built batches; event ids repeat after that (ingest does not dedupe)',
          }),
    },
    embedded: {
      processIntervalSeconds: PROCESS_INTERVAL_SECONDS,
      /** SIGTERM to exit: includes the final roll of the log into raw files and closing DuckDB. */
      shutdownMs,
      exitCode,
      note: 'PROCESS_INTERVAL_SECONDS pushed out so the process job never runs during the benchmark; POWERTOOLS_LOG_LEVEL=WARN',
    },
    machine: { cpus: availableParallelism(), node: process.version },
    ...(profiles.length > 0
      ? {
          cpuProfiles: profiles,
          cpuProfileWindowMs: embeddedRun.window,
          cpuProfileHint: `node --import tsx bench/profile-summary.ts <profile> --from ${embeddedRun.window.fromMs} --to ${embeddedRun.window.toMs} --requests ${embeddedRun.result['2xx']}`,
        }
      : {}),
    bundles: bundleList,
    ...(bundleList.length === 0 ? { bundlesHint: 'no services/*/.serverless/*.zip: run `npm run package` first' } : {}),
  };
  console.log(JSON.stringify(report, null, 2));
} catch (error) {
  console.error('bench: failed:', error);
  process.exitCode = 1;
} finally {
  if (running) await stopServer(running);
  if (values['keep-data']) log(`kept ${dataDir}`);
  else await rm(dataDir, { recursive: true, force: true });
}

function averageBodyBytes(): number {
  const next = createBatchFactory();
  let total = 0;
  for (let i = 0; i < 256; i++) total += Buffer.byteLength(next().body);
  return total / 256;
}

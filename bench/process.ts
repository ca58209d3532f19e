// `npm run bench:process` — the processing core against DuckDB on the same raw data, on this
// machine. A benchmark, not a test: it prints figures and never fails on them.
//
//   node --import tsx bench/process.ts [--events 1000000] [--seed bench] [--shards N] [--rounds 3]
//                                      [--keep-data] [--objects DIR] [--cpu-prof]
//
// --objects reuses the raw files an earlier run kept (`--keep-data` prints where) instead of
// generating them again; --events must then be the number that run generated.
// 1. Generates `--events` events with @clickstream/traffic-generator (default shares of malformed,
//    late, duplicate … traffic) and writes them as the embedded Firehose does: gzip JSON-lines raw
//    files under <dir>/objects/raw/app_id=…/year=…/month=…/day=…/hour=…/.
// 2. (a) The core: streams the raw files through the processing engine the embedded job uses
//    (WorkerEngine: `--shards` worker threads, default one per core, each an unchanged
//    ProcessingCore with all enrichers, split by user) into the DuckDB Parquet writer (events,
//    sessions, users, items, bad_rows). `--shards 1` runs one core on the main thread (what
//    `--cpu-prof` can see into). Peak RSS is read here.
//    (b) The baseline: DuckDB copies the same raw JSON lines straight to Parquet
//    (`COPY (SELECT * FROM read_json(…)) TO … (FORMAT parquet)`), no processing at all. The lines
//    are RawEnvelope v2 (what ingest writes): the header members become columns and the body, an
//    embedded JSON array, one JSON column — as v1's body string became one text column. Letting
//    DuckDB infer a struct type from every event shape would time schema inference, not copying.
//    Core and baseline alternate for `--rounds` rounds (the machine's speed drifts between minutes,
//    each round's two timings are taken back to back); the figures are the rounds' medians.
// 3. Prints ONE JSON object on stdout: { events, eventsPerSec, baselineEventsPerSec, ratio,
//    peakRssMb, … }; progress goes to stderr. Targets: ratio ≥ 0.25, peakRssMb ≤ 1024.
import { DuckDbWarehouse, sqlString } from '@clickstream/runtime';
import { rawRecords, writeRawFiles } from '@clickstream/traffic-generator';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { Session } from 'node:inspector/promises';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { DuckDbTableWriter, ZSTD_LEVEL } from '../services/process/src/adapters/local/duckdb-table-writer.js';
import { listRawFiles, readRawFile } from '../services/process/src/adapters/local/raw-files.js';
import { WorkerEngine } from '../services/process/src/adapters/local/worker-engine.js';
import type { WriteResult } from '../services/process/src/ports/table-writer.js';
import { defaultSettings } from '../services/process/src/domain/core/processing-core.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: 'bench' },
    'keep-data': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    shards: { type: 'string', default: String(availableParallelism()) },
    rounds: { type: 'string', default: '3' },
    objects: { type: 'string' },
  },
});
const events = Number(values.events);
const log = (message: string) => process.stderr.write(`${message}\n`);

/** The envelope's members as columns; the body (and the query's free-form map) as JSON. */
const BASELINE_COLUMNS = `{v: 'INTEGER', requestId: 'VARCHAR', ingestTime: 'BIGINT', appId: 'VARCHAR', platform: 'VARCHAR',
  clientIp: 'VARCHAR', userAgent: 'VARCHAR', query: 'JSON', body: 'JSON'}`;

const root = join(process.cwd(), '.bench');
await mkdir(root, { recursive: true });
const dir = await mkdtemp(join(root, 'process-'));
const objects = values.objects ?? join(dir, 'objects');

// ---- 1. generate -------------------------------------------------------------------------
const from = Date.UTC(2026, 10, 1);
const to = from + 2 * 24 * 3600_000;
let generated = 0;
const started = performance.now();
function* counted() {
  for (const line of rawRecords({ seed: values.seed, from, to, events })) {
    generated++;
    yield line;
  }
}
if (values.objects) {
  for (const file of await listRawFiles(objects)) for await (const _ of readRawFile(objects, file.key)) generated++;
  log(`reusing ${generated} uploads in ${objects}`);
} else {
  const raw = await writeRawFiles(counted(), objects, { gzip: true });
  log(`generated ${generated} uploads (${events} events) into ${raw.keys.length} raw files in ${secs(started)} s`);
}
const rawBytes = await sizeOf(join(objects, 'raw'));
log(`raw input: ${(rawBytes / 1e6).toFixed(1)} MB gzip`);

// ---- 2. the core and the baseline, in alternating rounds ------------------------------------
// Why rounds: this machine's speed drifts by a fifth between minutes, so a ratio of two timings
// taken a minute apart says more about the drift than the code. Each round times the core and
// then the baseline right after it; the figures are the rounds' medians.
const rounds = Math.max(1, Number(values.rounds));
const shards = Number(values.shards);
const results: (Round & { core: CoreResult })[] = [];
// The process's lifetime peak only until the first baseline: DuckDB's read_json takes far more than the core, and keeps it.
let peakBeforeBaselineMb = 0;
for (let round = 1; round <= rounds; round++) {
  const core = await timeCore(round === 1 && values['cpu-prof']);
  if (round === 1) peakBeforeBaselineMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const baselineMs = await timeBaseline();
  results.push({ coreMs: core.ms, coreCpuSec: core.cpuSec, baselineMs, core });
  log(`round ${round}/${rounds}: rss before ${Math.round(core.rssAtStart / 1048576)} MB, core peak ${Math.round(core.peakRss / 1048576)} MB; core ${(core.ms / 1000).toFixed(1)} s, baseline ${(baselineMs / 1000).toFixed(1)} s → ratio ${(baselineMs / core.ms).toFixed(3)}`);
}
const corePeakRss = Math.max(...results.map((r) => r.core.peakRss));
const peakRssMb = Math.max(peakBeforeBaselineMb, Math.round(corePeakRss / 1048576));
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const eventsPerSec = Math.round(events / (median(results.map((r) => r.coreMs)) / 1000));
const baselineEventsPerSec = Math.round(events / (median(results.map((r) => r.baselineMs)) / 1000));
console.log(
  JSON.stringify(
    {
      events,
      eventsPerSec,
      baselineEventsPerSec,
      // Per round, the baseline's time over the core's (both measured back to back), then the median.
      ratio: Math.round(median(results.map((r) => r.baselineMs / r.coreMs)) * 100) / 100,
      peakRssMb,
      corePeakRssMb: Math.round(corePeakRss / 1048576),
      rssBeforeCoreMb: Math.round(results[0]!.core.rssAtStart / 1048576),
      shards,
      rounds: results.map((r) => ({
        coreWallSec: Math.round(r.coreMs / 10) / 100,
        // Wall-clock figures on a shared machine move with its load; the core's CPU time much less.
        coreCpuSec: r.coreCpuSec,
        baselineWallSec: Math.round(r.baselineMs / 10) / 100,
      })),
      loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
      uploads: generated,
      rawMb: Math.round(rawBytes / 1e5) / 10,
      rows: results.at(-1)!.core.rows,
      targets: { ratio: 0.25, peakRssMb: 1024 },
      note:
        'Raw lines are RawEnvelope v2 (body embedded as JSON). Baseline: DuckDB read_json with the envelope members as columns and the body as one JSON column, ' +
        'written to one zstd Parquet file (at the level the core writes with); core: every step, sessions, users, items, bad rows, five tables of hive-partitioned zstd Parquet. ' +
        'Rounds alternate core and baseline; figures are the medians.',
    },
    null,
    2,
  ),
);
if (values['keep-data']) log(`data kept in ${dir}`);
else await rm(dir, { recursive: true, force: true });

function secs(since: number): string {
  return ((performance.now() - since) / 1000).toFixed(1);
}

async function sizeOf(path: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(path, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

interface Round {
  coreMs: number;
  coreCpuSec: number;
  baselineMs: number;
}
interface CoreResult {
  ms: number;
  cpuSec: number;
  peakRss: number;
  rssAtStart: number;
  rows: WriteResult['rowCounts'];
}

/**
 * (a) The core: streams the raw files through the engine the embedded job uses into the DuckDB
 * Parquet writer, into a warehouse folder of its own (removed after the round).
 */
async function timeCore(profile: boolean | undefined): Promise<CoreResult> {
  const target = join(dir, 'warehouse');
  const profiler = profile ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await profiler.post('Profiler.enable');
    await profiler.post('Profiler.start');
  }
  (globalThis as { gc?: () => void }).gc?.();
  const rssAtStart = process.memoryUsage.rss();
  let peakRss = rssAtStart;
  // Sampled while the core runs: the lifetime peak (maxRSS) also holds what generating the data left.
  const rssSampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 100);
  const start = performance.now();
  const cpu = process.cpuUsage();
  const copier = await DuckDbTableWriter.openCopier(target);
  const engine = new WorkerEngine(new DuckDbTableWriter(copier, join(dir, 'staging')), { threads: shards });
  const run = await engine.start('job-bench', { ...defaultSettings, runTime: to }, shards);
  for (const file of await listRawFiles(objects)) {
    for await (const line of readRawFile(objects, file.key)) {
      const wait = run.push(line);
      if (wait) await wait;
    }
  }
  const read = performance.now();
  const { stats, written } = await run.finish();
  copier.close();
  const ms = performance.now() - start;
  clearInterval(rssSampler);
  const cpuSec = Math.round(process.cpuUsage(cpu).user / 1e4) / 100;
  if (profiler) {
    const { profile: p } = await profiler.post('Profiler.stop');
    await writeFile(join(root, 'core.cpuprofile'), JSON.stringify(p));
    log(`cpu profile: ${join(root, 'core.cpuprofile')}`);
  }
  log(
    `core (${shards} shard${shards === 1 ? '' : 's'}): ${stats.events} events, ${stats.badRows} bad rows, ${stats.duplicates} duplicates → ${written.files.length} Parquet files ` +
      `in ${(ms / 1000).toFixed(1)} s (input read after ${((read - start) / 1000).toFixed(1)} s, shards done and Parquet written ${((ms - (read - start)) / 1000).toFixed(1)} s later)`,
  );
  await rm(target, { recursive: true, force: true });
  return { ms, cpuSec, peakRss, rssAtStart, rows: written.rowCounts };
}

/** (b) The baseline: DuckDB copies the same raw JSON lines straight to Parquet, no processing at all. */
async function timeBaseline(): Promise<number> {
  const out = join(dir, 'baseline.parquet');
  const warehouse = await DuckDbWarehouse.open(':memory:', join(dir, 'baseline'));
  const start = performance.now();
  await warehouse.run(
    `COPY (SELECT * FROM read_json(${sqlString(`${objects}/raw/**/*.jsonl.gz`)}, format = 'newline_delimited', columns = ${BASELINE_COLUMNS}))
     TO ${sqlString(out)} (FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL ${ZSTD_LEVEL})`,
  );
  const ms = performance.now() - start;
  const [{ n } = { n: 0 }] = await warehouse.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(out)})`);
  warehouse.close();
  if (n !== generated) throw new Error(`baseline copied ${n} records, expected ${generated}`);
  await rm(out, { force: true });
  return ms;
}

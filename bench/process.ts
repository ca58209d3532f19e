// `npm run bench:process` — the processing core against DuckDB on the same raw data, on this
// machine. A benchmark, not a test: it prints figures and never fails on them.
//
//   node --import tsx bench/process.ts [--events 1000000] [--seed bench] [--shards N] [--keep-data] [--cpu-prof]
//
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
import { DuckDbTableWriter } from '../services/process/src/adapters/local/duckdb-table-writer.js';
import { listRawFiles, readRawFile } from '../services/process/src/adapters/local/raw-files.js';
import { WorkerEngine } from '../services/process/src/adapters/local/worker-engine.js';
import { defaultSettings } from '../services/process/src/domain/core/processing-core.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    seed: { type: 'string', default: 'bench' },
    'keep-data': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    shards: { type: 'string', default: String(availableParallelism()) },
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
const objects = join(dir, 'objects');

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
const raw = await writeRawFiles(counted(), objects, { gzip: true });
const rawBytes = await sizeOf(join(objects, 'raw'));
log(`generated ${generated} uploads (${events} events) into ${raw.keys.length} raw files, ${(rawBytes / 1e6).toFixed(1)} MB gzip, in ${secs(started)} s`);

// ---- 2a. the core -------------------------------------------------------------------------
const warehouse = await DuckDbWarehouse.open(':memory:', join(dir, 'warehouse'));
const profiler = values['cpu-prof'] ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
const rssAtStart = process.memoryUsage.rss();
let corePeakRss = rssAtStart;
// Sampled while the core runs: the lifetime peak (maxRSS) also holds what generating the data left.
const rssSampler = setInterval(() => {
  corePeakRss = Math.max(corePeakRss, process.memoryUsage.rss());
}, 100);
const coreStart = performance.now();
const coreCpu = process.cpuUsage();
const shards = Number(values.shards);
const engine = new WorkerEngine(new DuckDbTableWriter(warehouse, join(dir, 'staging')), { threads: shards });
const run = await engine.start('job-bench', { ...defaultSettings, runTime: to }, shards);
for (const file of await listRawFiles(objects)) {
  for await (const line of readRawFile(objects, file.key)) {
    const wait = run.push(line);
    if (wait) await wait;
  }
}
const read = performance.now();
const rssMb = () => Math.round(process.memoryUsage().rss / 1048576);
const heapMb = () => Math.round(process.memoryUsage().heapUsed / 1048576);
(globalThis as { gc?: () => void }).gc?.();
log(`input read: rss ${rssMb()} MB, heap ${heapMb()} MB, peak so far ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
const { stats, written: result } = await run.finish();
const coreMs = performance.now() - coreStart;
clearInterval(rssSampler);
const coreCpuSec = Math.round(process.cpuUsage(coreCpu).user / 1e4) / 100;
if (profiler) {
  const { profile } = await profiler.post('Profiler.stop');
  await writeFile(join(dir, 'core.cpuprofile'), JSON.stringify(profile));
  log(`cpu profile: ${join(dir, 'core.cpuprofile')}`);
}
const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
log(
  `core (${shards} shard${shards === 1 ? '' : 's'}): ${stats.events} events, ${stats.badRows} bad rows, ${stats.duplicates} duplicates → ${result.files.length} Parquet files ` +
    `in ${(coreMs / 1000).toFixed(1)} s (input read after ${((read - coreStart) / 1000).toFixed(1)} s, shards done and Parquet written ${((coreMs - (read - coreStart)) / 1000).toFixed(1)} s later)`,
);

// ---- 2b. the baseline ---------------------------------------------------------------------
const baselineStart = performance.now();
await warehouse.run(
  `COPY (SELECT * FROM read_json(${sqlString(`${objects}/raw/**/*.jsonl.gz`)}, format = 'newline_delimited', columns = ${BASELINE_COLUMNS}))
   TO ${sqlString(join(dir, 'baseline.parquet'))} (FORMAT parquet, COMPRESSION zstd)`,
);
const baselineMs = performance.now() - baselineStart;
const [{ n } = { n: 0 }] = await warehouse.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(join(dir, 'baseline.parquet'))})`);
log(`baseline: DuckDB copied ${n} raw records to Parquet in ${(baselineMs / 1000).toFixed(1)} s`);
warehouse.close();

const eventsPerSec = Math.round(events / (coreMs / 1000));
const baselineEventsPerSec = Math.round(events / (baselineMs / 1000));
console.log(
  JSON.stringify(
    {
      events,
      eventsPerSec,
      baselineEventsPerSec,
      ratio: Math.round((eventsPerSec / baselineEventsPerSec) * 100) / 100,
      peakRssMb,
      corePeakRssMb: Math.round(corePeakRss / 1048576),
      rssBeforeCoreMb: Math.round(rssAtStart / 1048576),
      // Wall-clock figures on a shared machine move with its load; the core's CPU time does not.
      shards,
      coreCpuSec,
      coreWallSec: Math.round(coreMs / 10) / 100,
      baselineWallSec: Math.round(baselineMs / 10) / 100,
      loadAverage: loadavg().map((l) => Math.round(l * 10) / 10),
      uploads: generated,
      rawMb: Math.round(rawBytes / 1e5) / 10,
      rows: result.rowCounts,
      targets: { ratio: 0.25, peakRssMb: 1024 },
      note:
        'Raw lines are RawEnvelope v2 (body embedded as JSON). Baseline: DuckDB read_json with the envelope members as columns and the body as one JSON column, ' +
        'written to one zstd Parquet file; core: every step, sessions, users, items, bad rows, five tables of hive-partitioned zstd Parquet.',
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

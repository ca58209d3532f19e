import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { CoreStats, ProcessingSettings } from '../../domain/core/processing-core.js';
import type { OpenSession } from '../../domain/core/session-state.js';
import { shardOf } from '../../domain/core/shard-key.js';
import { sharedIpLocationDatabases, type SharedIpLocationDatabases } from '../../domain/geo/ip-locations.js';
import { defaultAppProcessing } from '../../domain/pipeline/registry.js';
import { shardWorkerBundle } from './shard-worker-bundle.js';
import { InProcessEngine, shardSettings, sumStats } from '../../domain/in-process-engine.js';
import { mergeWriteResults } from '../../domain/merge-write-results.js';
import type { EngineRun, ProcessingEngine } from '../../ports/processing-engine.js';
import type { WriteResult } from '../../ports/table-writer.js';
import type { StagedFile } from './csv-staging.js';
import type { DuckDbTableWriter } from './duckdb-table-writer.js';

export interface ShardWorkerData {
  settings: ProcessingSettings;
  stagingDir: string;
  /** The geo databases, read once by the job's thread and shared, not copied (134 MB per thread otherwise). */
  ipLocations?: SharedIpLocationDatabases;
}
export type ToShard = { type: 'records'; records: string[] } | { type: 'end' };
type FromShard =
  | { type: 'ready' }
  | { type: 'ack' }
  | { type: 'done'; stats: CoreStats; openSessions: OpenSession[]; staged: StagedFile[] }
  | { type: 'failed'; message: string };

export interface WorkerEngineOptions {
  /** Shards (one worker thread each) of a large job. Default: the machine's cores, at most 8. */
  threads?: number;
  /** A job gets a shard per this many records, up to `threads`; smaller jobs run on the job's own thread. Default 5,000. */
  recordsPerShard?: number;
}

/** Records are sent to a shard in batches of about this many characters… */
const BATCH_CHARS = 256 * 1024;
/** …and at most this many batches wait per shard: the reader pauses rather than let input pile up in memory. */
const MAX_IN_FLIGHT = 4;

/**
 * Splits a job over worker threads, one per shard: the job's thread reads the input, routes each
 * record to its shard (`shardOf`, a scan of the record, not a parse), and the shards run the
 * unchanged core and stage their rows; then the job's thread has DuckDB copy every shard's staged
 * rows to `<jobId>-<shard>.parquet`. The files are exactly those `InProcessEngine` writes for the
 * same shard count. Jobs too small to be worth a thread's start run on the job's own thread.
 */
export class WorkerEngine implements ProcessingEngine {
  private readonly threads: number;
  private readonly recordsPerShard: number;

  constructor(
    private readonly writer: DuckDbTableWriter,
    options: WorkerEngineOptions = {},
  ) {
    this.threads = Math.max(1, options.threads ?? Math.min(availableParallelism(), 8));
    this.recordsPerShard = options.recordsPerShard ?? 5_000;
  }

  shardsFor(records: number): number {
    return Math.max(1, Math.min(this.threads, Math.floor(records / this.recordsPerShard)));
  }

  async start(jobId: string, settings: ProcessingSettings, shards: number): Promise<EngineRun> {
    if (shards === 1) return new InProcessEngine(this.writer).start(jobId, settings, 1);
    const perShard = shardSettings(settings, shards);
    const ipLocations = usesGeo(settings) ? sharedIpLocationDatabases() : undefined;
    const script = await workerScript();
    const shardList = Array.from({ length: shards }, (_, s) => new Shard(script, { settings: perShard, stagingDir: this.writer.stagingDir(jobId, s), ipLocations }));
    try {
      await Promise.all(shardList.map((s) => s.ready));
    } catch (error) {
      await Promise.all(shardList.map((s) => s.abort()));
      throw error;
    }
    return {
      push: (record) => shardList[shardOf(record, shards)]!.push(record),
      finish: async () => {
        // Each shard's files are copied as soon as that shard is done (the writer bounds the COPYs in
        // flight); on a failure, what is still running settles before the run reports it.
        const settled = await Promise.allSettled(
          shardList.map(async (shard, s) => {
            const d = await shard.finish();
            return { ...d, written: await this.writer.commitStaged(jobId, s, d.staged) };
          }),
        );
        const failed = settled.find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
        const done = settled.map((r) => (r as PromiseFulfilledResult<Extract<FromShard, { type: 'done' }> & { written: WriteResult }>).value);
        const written = done.map((d) => d.written);
        return {
          stats: sumStats(done.map((d) => d.stats)),
          openSessions: done.flatMap((d) => d.openSessions),
          written: mergeWriteResults(written),
        };
      },
      abort: async () => {
        await Promise.all(shardList.map((s) => s.abort()));
      },
    };
  }
}

/** One shard's worker thread, with flow control. */
class Shard {
  readonly ready: Promise<void>;
  private readonly worker: Worker;
  private batch: string[] = [];
  private chars = 0;
  private inFlight = 0;
  private resume: (() => void) | undefined;
  private failure: Error | undefined;
  private result: Promise<Extract<FromShard, { type: 'done' }>>;

  private readonly stagingDir: string;

  constructor(script: WorkerScript, data: ShardWorkerData) {
    this.stagingDir = data.stagingDir;
    this.worker = script.eval ? new Worker(script.code, { eval: true, workerData: data }) : new Worker(script.file, { workerData: data });
    let ready!: () => void;
    let done!: (m: Extract<FromShard, { type: 'done' }>) => void;
    let failed!: (e: Error) => void;
    this.ready = new Promise<void>((resolve) => (ready = resolve));
    this.result = new Promise((resolve, reject) => {
      done = resolve;
      failed = reject;
    });
    const fail = (error: Error) => {
      if (this.failure) return;
      this.failure = error;
      failed(error);
      this.resume?.();
    };
    // A failure before `ready` must reject it too; after it, the rejection is observed through `result`.
    this.ready = Promise.race([this.ready, this.result.then(() => undefined)]);
    this.result.catch(() => undefined);
    let finished = false;
    this.worker.on('message', (m: FromShard) => {
      if (m.type === 'ready') ready();
      else if (m.type === 'ack') {
        this.inFlight--;
        if (this.inFlight < MAX_IN_FLIGHT && this.resume) {
          const resume = this.resume;
          this.resume = undefined;
          resume();
        }
      } else if (m.type === 'done') {
        finished = true;
        done(m);
      } else fail(new Error(`processing shard failed: ${m.message}`));
    });
    this.worker.on('error', (e) => fail(e));
    this.worker.on('exit', (code) => {
      if (!finished) fail(new Error(`processing shard exited (code ${code}) before finishing`));
    });
  }

  push(record: string): Promise<void> | undefined {
    if (this.failure) throw this.failure;
    this.batch.push(record);
    this.chars += record.length;
    if (this.chars < BATCH_CHARS) return undefined;
    this.send();
    if (this.inFlight < MAX_IN_FLIGHT) return undefined;
    return new Promise<void>((resolve) => (this.resume = resolve)).then(() => {
      if (this.failure) throw this.failure;
    });
  }

  async finish(): Promise<Extract<FromShard, { type: 'done' }>> {
    if (this.failure) throw this.failure;
    if (this.batch.length > 0) this.send();
    this.worker.postMessage({ type: 'end' } satisfies ToShard);
    return this.result;
  }

  async abort(): Promise<void> {
    this.failure ??= new Error('aborted');
    await this.worker.terminate();
    rmSync(this.stagingDir, { recursive: true, force: true });
  }

  private send(): void {
    this.worker.postMessage({ type: 'records', records: this.batch } satisfies ToShard);
    this.inFlight++;
    this.batch = [];
    this.chars = 0;
  }
}

/** Whether any app's steps look addresses up (the default enrichers do). */
function usesGeo(settings: ProcessingSettings): boolean {
  return [settings.defaultApp ?? defaultAppProcessing, ...Object.values(settings.apps ?? {})].some((app) => app.enrichers.includes('geo'));
}

type WorkerScript = { eval: false; file: URL } | { eval: true; code: string };

/**
 * What a shard's worker runs: shard-worker's JavaScript — when this module is TypeScript (no build
 * step), a bundle made from its source once per process, or else the source itself loaded through
 * the same loader (tsx) the job's thread runs under.
 */
async function workerScript(): Promise<WorkerScript> {
  if (!import.meta.url.endsWith('.ts')) return { eval: false, file: new URL('./shard-worker.js', import.meta.url) };
  const source = new URL('./shard-worker.ts', import.meta.url);
  const bundle = await shardWorkerBundle(source);
  if (bundle) return { eval: false, file: bundle };
  const code = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => { tsx.register(); return import(${JSON.stringify(source.href)}); })`;
  return { eval: true, code };
}

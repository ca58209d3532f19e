import { partitionLocation, type DetailInputOf, type Partition, type ProcessingCompleted, type TableName } from '@clickstream/contracts';
import { FsObjectStore } from '@clickstream/runtime';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { defaultSettings, type CoreStats } from '../../domain/core/processing-core.js';
import { defaultAppProcessing } from '../../domain/pipeline/registry.js';
import { appSettingsFrom } from '../../domain/pipeline-configs.js';
import { retentionCutoffMs } from '../../domain/retention-cutoff.js';
import type { WriteResult } from '../../ports/table-writer.js';
import { DuckDbTableWriter } from './duckdb-table-writer.js';
import { ObjectStoreAppRetention } from './object-store-app-retention.js';
import { ObjectStoreOutbox } from './object-store-outbox.js';
import { ObjectStorePipelineConfigs } from './object-store-pipeline-configs.js';
import { listRawFiles, readRawFile } from './raw-files.js';
import { WorkerEngine } from './worker-engine.js';

export interface ReprocessOptions {
  dataDir: string;
  appId: string;
  /** Whole UTC days: [from, to) in epoch ms, both at midnight. */
  from: number;
  to: number;
  /** Raw bytes read of the total, and the uploads (records) read so far. */
  onProgress?: (doneBytes: number, totalBytes: number, uploads: number) => void;
  /** Worker threads the rebuild is split over when the input is large. Default: the machine's cores, at most 8. */
  threads?: number;
  now?: () => number;
}

export interface ReprocessResult extends WriteResult {
  jobId: string;
  rawFiles: number;
  events: number;
  badRows: number;
  /** Partitions whose files were replaced (or removed: nothing of the range is left in them). */
  replaced: string[];
  /**
   * The app's data retention when the reprocess started. Days of the range before its cutoff
   * (`expiredDays`) were removed by retention: nothing is written for them and their partitions are
   * left alone. `cutoff` is null when the app keeps everything.
   */
  retention: { retentionDays: number; cutoff: string | null; expiredDays: string[] };
  /** Events dropped as EXPIRED_EVENT bad rows: their day is before the cutoff. */
  expiredEvents: number;
  /** Bad rows not written because their own day (of arrival) is before the cutoff. */
  expiredBadRows: number;
}

const DAY = 86_400_000;
/** Compressed raw input from which a rebuild is worth starting worker threads for (~40k events). */
const SHARDED_FROM_BYTES = 4 * 1024 * 1024;
const TABLES: TableName[] = ['events', 'sessions', 'users', 'items', 'bad_rows'];
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const day = (ms: number) => isoDay(ms).replaceAll('-', '');

/**
 * Rebuilds an app's partitions of the UTC days [from, to) from its raw files, then swaps them in.
 *
 * Input: every raw file whose arrival hour can hold events of those days (from the future
 * tolerance before `from` to the app's late window after `to`); the core keeps only events (and
 * bad rows) whose partition day is in range, so each rebuilt partition is complete and nothing
 * outside the range changes. Output goes to a work folder; then, per partition, the live folder
 * is moved aside and the new one renamed in (two renames: a reader sees the old or the new rows,
 * at worst briefly none, never both). Files that appeared in a live partition after the reprocess
 * started (the running platform's job) are moved into the new folder, not lost. The announcement
 * goes to the outbox, published by the platform at its next run or start. A crash at any point is
 * repaired by running the same command again: the job id and file names derive from the range.
 *
 * Days retention already removed (before the app's cutoff as of the start, the rule retention
 * applies) are not rebuilt: their events become EXPIRED_EVENT bad rows, nothing is written on
 * them, and their partitions are not touched (a leftover there is retention's to remove and announce).
 */
export async function reprocess(o: ReprocessOptions): Promise<ReprocessResult> {
  const now = o.now ?? Date.now;
  const startedAt = now();
  const objectsRoot = join(o.dataDir, 'objects');
  const warehouseRoot = join(o.dataDir, 'warehouse');
  const objects = new FsObjectStore(objectsRoot);
  const apps = appSettingsFrom(await new ObjectStorePipelineConfigs(objects).list());
  const app = apps[o.appId] ?? defaultAppProcessing;
  const lateWindow = app.lateWindowMs ?? defaultSettings.lateWindowMs;
  const retentionDays = (await new ObjectStoreAppRetention(objects).get(o.appId))?.retentionDays ?? 0;
  const keepsFrom = retentionDays > 0 ? retentionCutoffMs(startedAt, retentionDays) : Number.NEGATIVE_INFINITY;
  const expiredDays: string[] = [];
  for (let d = o.from; d < Math.min(o.to, keepsFrom); d += DAY) expiredDays.push(isoDay(d));
  const jobId = `reprocess-${o.appId}-${day(o.from)}-${day(o.to - DAY)}`;
  const work = join(o.dataDir, 'process', 'reprocess', jobId);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });

  const locations = TABLES.flatMap((table) => {
    const out: string[] = [];
    for (let d = Math.max(o.from, keepsFrom); d < o.to; d += DAY) {
      const t = new Date(d);
      out.push(partitionLocation({ table, appId: o.appId, year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() }));
    }
    return out;
  });
  const before = new Map<string, Set<string>>();
  for (const location of locations) before.set(location, new Set(await filesIn(join(warehouseRoot, location))));

  const files = await listRawFiles(objectsRoot, { appId: o.appId, from: o.from - defaultSettings.futureToleranceMs, to: o.to + lateWindow });
  let totalBytes = 0;
  for (const f of files) totalBytes += (await stat(join(objectsRoot, ...f.key.split('/')))).size;

  const copier = await DuckDbTableWriter.openCopier(join(work, 'duckdb'));
  let result: WriteResult;
  let stats: CoreStats;
  try {
    const engine = new WorkerEngine(new DuckDbTableWriter(copier, join(work, 'staging'), join(work, 'new')), { threads: o.threads });
    // Split by user over the cores when there is enough to read; a rerun may split differently: it
    // replaces whole partition folders, whatever their files are called.
    const shards = totalBytes >= SHARDED_FROM_BYTES ? engine.shardsFor(Number.MAX_SAFE_INTEGER) : 1;
    const run = await engine.start(
      jobId,
      {
        ...defaultSettings,
        runTime: o.to + lateWindow,
        apps: { [o.appId]: app },
        partitionRange: { from: o.from, to: o.to },
        // The cutoff as of now (what retention has removed), not as of the range's end.
        retentionDays: { [o.appId]: retentionDays },
        retentionTime: startedAt,
      },
      shards,
    );
    try {
      let done = 0;
      let lines = 0;
      for (const f of files) {
        for await (const line of readRawFile(objectsRoot, f.key, (n) => (done += n))) {
          const wait = run.push(line);
          if (wait) await wait;
          if (++lines % 5000 === 0) o.onProgress?.(done, totalBytes, lines);
        }
      }
      o.onProgress?.(totalBytes, totalBytes, lines);
      ({ stats, written: result } = await run.finish());
    } catch (error) {
      await run.abort();
      throw error;
    }
  } finally {
    copier.close();
  }

  await writeFile(join(work, 'plan.json'), JSON.stringify({ jobId, locations }));
  const replaced: string[] = [];
  for (const location of locations) {
    const live = join(warehouseRoot, location);
    const fresh = join(work, 'new', location);
    const old = join(work, 'old', location);
    if (!existsSync(live) && !existsSync(fresh)) continue;
    if (existsSync(live)) {
      await mkdir(dirname(old), { recursive: true });
      await rename(live, old);
    }
    if (existsSync(fresh)) {
      await mkdir(dirname(live), { recursive: true });
      await rename(fresh, live);
    }
    // Files the running platform wrote into the partition meanwhile are kept.
    const known = before.get(location) ?? new Set();
    for (const name of await filesIn(old)) {
      if (known.has(name)) continue;
      await mkdir(live, { recursive: true });
      await rename(join(old, name), join(live, name));
    }
    replaced.push(location);
  }

  const detail: DetailInputOf<typeof ProcessingCompleted> = {
    jobId,
    appIds: [o.appId],
    inputRange: { from: new Date(o.from).toISOString(), to: new Date(o.to).toISOString() },
    partitions: result.partitions as Partition[],
    files: result.files,
    rowCounts: result.rowCounts,
    badRowCount: stats.badRows,
    startedAt: new Date(startedAt).toISOString(),
    completedAt: new Date(now()).toISOString(),
  };
  await new ObjectStoreOutbox(objects).add(jobId, detail);
  await rm(work, { recursive: true, force: true });
  return {
    jobId,
    rawFiles: files.length,
    events: stats.events,
    badRows: stats.badRows,
    replaced,
    retention: { retentionDays, cutoff: retentionDays > 0 ? isoDay(keepsFrom) : null, expiredDays },
    expiredEvents: stats.expired,
    expiredBadRows: stats.expiredBadRows,
    ...result,
  };
}

async function filesIn(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile()).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

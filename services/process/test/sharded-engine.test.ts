// A job split over shards: worker threads write exactly the files the same shards write on one
// thread, the split changes no event, a crashed sharded job reruns into the same files (the shard
// count is stored with the job), and a failing shard fails the job without leaving files.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbWarehouse, FsObjectStore, sqlString } from '@clickstream/runtime';
import { rawRecords } from '@clickstream/traffic-generator';
import { DuckDbTableWriter } from '../src/adapters/local/duckdb-table-writer.js';
import { ObjectStoreCheckpoints } from '../src/adapters/local/object-store-checkpoints.js';
import { ObjectStoreSessionState } from '../src/adapters/local/object-store-session-state.js';
import { WorkerEngine } from '../src/adapters/local/worker-engine.js';
import { defaultSettings, type OutputTable, type ProcessingSettings, type RowOf } from '../src/domain/core/processing-core.js';
import { InProcessEngine } from '../src/domain/in-process-engine.js';
import type { TableRows } from '../src/domain/rows.js';
import { runProcessingJob, type JobPorts } from '../src/domain/run-job.js';
import { crashingOnFirstCompletion, recordsInput } from './fixtures.js';
import type { EngineResult, ProcessingEngine } from '../src/ports/processing-engine.js';
import type { TableOutput, TableWriter } from '../src/ports/table-writer.js';

const FROM = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;
const settings: ProcessingSettings = { ...defaultSettings, runTime: FROM + 13 * HOUR };
const records = [...rawRecords({ seed: 'sharded', from: FROM, to: FROM + 12 * HOUR, events: 6000, corruptRecords: 0.01, shares: { malformed: 0.03 } })];

async function hashes(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!existsSync(root)) return out;
  for (const f of await readdir(root, { recursive: true })) {
    if (!f.endsWith('.parquet')) continue;
    out.set(f, createHash('sha256').update(await readFile(join(root, f))).digest('hex'));
  }
  return out;
}

async function tempWarehouse(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = await mkdtemp(join(tmpdir(), 'process-shards-'));
  const warehouse = await DuckDbWarehouse.open(':memory:', join(dir, 'warehouse'));
  t.after(async () => {
    warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { dir, warehouse, writer: new DuckDbTableWriter(warehouse, join(dir, 'staging')) };
}

async function runAll(engine: ProcessingEngine, shards: number, input: readonly string[] = records): Promise<EngineResult> {
  const run = await engine.start('job-test', settings, shards);
  for (const r of input) {
    const wait = run.push(r);
    if (wait) await wait;
  }
  return run.finish();
}

/** Rows kept in memory, per shard: what each shard's core emitted, in order. */
class MemoryWriter implements TableWriter {
  readonly rows: TableRows = { events: [], sessions: [], users: [], items: [], bad_rows: [] };
  async open(): Promise<TableOutput> {
    return {
      append: <T extends OutputTable>(table: T, row: RowOf[T]) => void (this.rows[table] as unknown[]).push(row),
      commit: async () => ({ files: [], partitions: [], rowCounts: {} }),
      abort: async () => undefined,
    };
  }
}

describe('sharded processing', () => {
  it('worker threads write byte-identical files to the same shards on one thread, and report the same', async (t) => {
    const a = await tempWarehouse(t);
    const b = await tempWarehouse(t);
    const threaded = await runAll(new WorkerEngine(a.writer, { threads: 2 }), 2);
    const inline = await runAll(new InProcessEngine(b.writer), 2);
    assert.deepEqual(threaded, inline);
    const files = await hashes(join(a.dir, 'warehouse'));
    assert.deepEqual(files, await hashes(join(b.dir, 'warehouse')));
    assert.ok([...files.keys()].some((f) => f.endsWith('job-test-0.parquet')) && [...files.keys()].some((f) => f.endsWith('job-test-1.parquet')));
    assert.equal([...files.keys()].filter((f) => f.endsWith('job-test.parquet')).length, 0);
    assert.deepEqual(await readdir(join(a.dir, 'staging')), [], 'staging is cleaned up');
    const glob = sqlString(join(a.dir, 'warehouse', 'events', '*', '*', '*', '*', '*.parquet'));
    const [row] = await a.warehouse.query<{ n: number; d: number; located: number }>(
      `SELECT count(*)::INTEGER AS n, count(DISTINCT event_id)::INTEGER AS d, count(country)::INTEGER AS located FROM read_parquet(${glob})`,
    );
    assert.equal(row!.n, threaded.stats.events);
    assert.equal(row!.d, row!.n);
    assert.ok(row!.located > row!.n / 2, 'the shards locate addresses (from the databases the job thread shares with them)');
  });

  it('changes no event by splitting: the same events, bad rows and per-session counts as one core', async () => {
    const one = new MemoryWriter();
    const two = new MemoryWriter();
    const r1 = await runAll(new InProcessEngine(one), 1);
    const r2 = await runAll(new InProcessEngine(two), 2);
    assert.deepEqual(r2.stats, r1.stats);
    const sorted = (rows: readonly unknown[]) => rows.map((r) => JSON.stringify(r)).sort();
    assert.deepEqual(sorted(two.rows.events), sorted(one.rows.events));
    assert.deepEqual(sorted(two.rows.items), sorted(one.rows.items));
    assert.deepEqual(sorted(two.rows.bad_rows), sorted(one.rows.bad_rows));
    const perSession = (rows: TableRows['sessions']) => {
      const m = new Map<string, number>();
      for (const s of rows) m.set(s.session_id, (m.get(s.session_id) ?? 0) + s.event_count);
      return [...m].sort();
    };
    assert.deepEqual(perSession(two.rows.sessions), perSession(one.rows.sessions));
    assert.deepEqual(sorted(r2.openSessions), sorted(r1.openSessions));
  });

  it('a crashed sharded job reruns with its stored shard count into the same files, whatever the engine now prefers', async (t) => {
    const { dir, warehouse, writer } = await tempWarehouse(t);
    const publisher = crashingOnFirstCompletion();
    const objects = new FsObjectStore(join(dir, 'objects'));
    const ports: JobPorts = {
      input: recordsInput(records),
      checkpoints: new ObjectStoreCheckpoints(objects),
      writer,
      engine: new WorkerEngine(writer, { threads: 2, recordsPerShard: 1000 }),
      sessionState: new ObjectStoreSessionState(objects),
      publisher,
      clock: { now: () => FROM + 13 * HOUR },
    };
    await assert.rejects(runProcessingJob(ports, { maxRecords: 100_000 }), /killed/);
    assert.equal((await ports.checkpoints.load()).pending?.shards, 2, 'the shard count is stored with the job');
    const first = await hashes(join(dir, 'warehouse'));
    assert.ok([...first.keys()].every((k) => /job-\d+-\d+-[01]\.parquet$/.test(k)) && first.size > 5, [...first.keys()].join(' '));
    const outcome = await runProcessingJob({ ...ports, engine: new WorkerEngine(writer, { threads: 3, recordsPerShard: 1000 }) }, { maxRecords: 100_000 });
    assert.equal(outcome.status, 'completed');
    assert.deepEqual(await hashes(join(dir, 'warehouse')), first, 'same files, same bytes');
    const glob = sqlString(join(dir, 'warehouse', 'events', '*', '*', '*', '*', '*.parquet'));
    const [row] = await warehouse.query<{ n: number; d: number }>(`SELECT count(*)::INTEGER AS n, count(DISTINCT event_id)::INTEGER AS d FROM read_parquet(${glob})`);
    assert.equal(row!.n, row!.d);
    assert.equal(row!.n, (outcome as { events: number }).events);
    const checkpoint = await ports.checkpoints.load();
    assert.equal(checkpoint.committed, records.length);
    assert.equal(checkpoint.pending, undefined);
    assert.ok(checkpoint.sessionState);
  });

  it('gives small jobs one shard on the job’s own thread', () => {
    const engine = new WorkerEngine({} as DuckDbTableWriter, { threads: 4, recordsPerShard: 5000 });
    assert.deepEqual([1, 9_999, 10_000, 15_000, 1_000_000].map((n) => engine.shardsFor(n)), [1, 1, 2, 3, 4]);
  });

  it('pauses the reader while shards are busy instead of queueing the whole input', async (t) => {
    const { writer } = await tempWarehouse(t);
    const run = await new WorkerEngine(writer, { threads: 2 }).start('job-flow', settings, 2);
    let waits = 0;
    for (let i = 0; i < 3; i++) {
      for (const r of records) {
        const wait = run.push(r);
        if (wait) {
          waits++;
          await wait;
        }
      }
    }
    await run.finish();
    assert.ok(waits > 0, 'push asked the reader to wait');
  });

  it('fails the run when a shard cannot start (an unknown step), leaving nothing behind', async (t) => {
    const { dir, writer } = await tempWarehouse(t);
    const broken = { ...settings, apps: { shop_web: { sessionTimeoutMs: 1_800_000, anonymiseIp: false, enrichers: ['no-such-step'], plugins: [] } } };
    await assert.rejects(new WorkerEngine(writer, { threads: 2 }).start('job-broken', broken, 2), /no-such-step/);
    assert.deepEqual(await hashes(join(dir, 'warehouse')), new Map());
    assert.deepEqual(existsSync(join(dir, 'staging')) ? await readdir(join(dir, 'staging')) : [], []);
  });
});

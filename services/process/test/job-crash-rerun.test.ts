// Crash and rerun with the real local adapters: the rerun writes byte-identical Parquet files in
// place of the first attempt's, so no row exists twice; the session hand-over of the crashed
// attempt is not used by its rerun.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbWarehouse, FsObjectStore, sqlString } from '@clickstream/runtime';
import { rawRecords } from '@clickstream/traffic-generator';
import { DuckDbTableWriter } from '../src/adapters/local/duckdb-table-writer.js';
import { ObjectStoreCheckpoints } from '../src/adapters/local/object-store-checkpoints.js';
import { ObjectStoreSessionState } from '../src/adapters/local/object-store-session-state.js';
import { runProcessingJob, type JobPorts } from '../src/domain/run-job.js';
import { crashingOnFirstCompletion, recordsInput } from './fixtures.js';

const FROM = Date.UTC(2026, 10, 1);

async function hashes(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const f of await readdir(root, { recursive: true })) {
    if (!f.endsWith('.parquet')) continue;
    out.set(f, createHash('sha256').update(await readFile(join(root, f))).digest('hex'));
  }
  return out;
}

describe('crash and rerun with the DuckDB writer', () => {
  it('the rerun of a job that crashed after writing replaces its files with identical ones: no duplicates', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'process-crash-'));
    const warehouse = await DuckDbWarehouse.open(':memory:', join(dir, 'warehouse'));
    t.after(async () => {
      warehouse.close();
      await rm(dir, { recursive: true, force: true });
    });
    const records = [...rawRecords({ seed: 'crash', from: FROM, to: FROM + 12 * 3600_000, events: 3000 })];
    const publisher = crashingOnFirstCompletion();
    const objects = new FsObjectStore(join(dir, 'objects'));
    const ports: JobPorts = {
      input: recordsInput(records),
      checkpoints: new ObjectStoreCheckpoints(objects),
      writer: new DuckDbTableWriter(warehouse, join(dir, 'staging')),
      sessionState: new ObjectStoreSessionState(objects),
      publisher,
      clock: { now: () => FROM + 13 * 3600_000 },
    };
    await assert.rejects(runProcessingJob(ports, { maxRecords: 100_000 }), /killed/);
    const first = await hashes(join(dir, 'warehouse'));
    assert.ok(first.size > 3, 'the crashed attempt left its files');
    const outcome = await runProcessingJob(ports, { maxRecords: 100_000 });
    assert.equal(outcome.status, 'completed');
    assert.deepEqual(await hashes(join(dir, 'warehouse')), first, 'same files, same bytes');
    const glob = sqlString(join(dir, 'warehouse', 'events', '*', '*', '*', '*', '*.parquet'));
    const [row] = await warehouse.query<{ n: number; d: number }>(
      `SELECT count(*)::INTEGER AS n, count(DISTINCT event_id)::INTEGER AS d FROM read_parquet(${glob})`,
    );
    assert.equal(row!.n, row!.d);
    assert.equal(row!.n, (outcome as { events: number }).events);
    const checkpoint = await ports.checkpoints.load();
    assert.equal(checkpoint.committed, records.length);
    assert.ok(checkpoint.sessionState, 'the committed run hands its open sessions to the next');
  });
});

// `npm run reprocess` against a real data directory (raw files, DuckDB, Parquet): what it rebuilds,
// and that it never brings back a day the app's data retention removed (issue #5).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { partitionLocation, type TableName } from '@clickstream/contracts';
import { FsObjectStore } from '@clickstream/runtime';
import { ObjectStoreAppRetention } from '../src/adapters/local/object-store-app-retention.js';
import { reprocess, type ReprocessResult } from '../src/adapters/local/reprocess.js';
import { HOUR, upload, uuid, webEvent } from './fixtures.js';

const DAY = 24 * HOUR;
const d = (day: number) => Date.UTC(2026, 10, day);
/** Reprocessing runs on 2026-11-29 at noon; keeping 2 days, the first day kept is 2026-11-27. */
const NOW = d(29) + 12 * HOUR;

/** A raw file of the embedded Firehose's layout, for the arrival hour of `ingestTime`. */
async function rawFile(objects: string, ingestTime: number, lines: string[]): Promise<void> {
  const t = new Date(ingestTime);
  const p = (n: number) => String(n).padStart(2, '0');
  const dir = join(objects, 'raw', 'app_id=shop_web', `year=${t.getUTCFullYear()}`, `month=${p(t.getUTCMonth() + 1)}`, `day=${p(t.getUTCDate())}`, `hour=${p(t.getUTCHours())}`);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${String(ingestTime).padStart(20, '0')}.jsonl`), `${lines.join('\n')}\n`);
}

const at = (ingestTime: number) => ({ ingestTime, query: { upload_timestamp: String(ingestTime) } });
const partition = (table: TableName, day: number) => partitionLocation({ table, appId: 'shop_web', year: 2026, month: 11, day });

async function rowsOf(warehouse: string, table: TableName, day: number): Promise<Record<string, unknown>[]> {
  const dir = join(warehouse, partition(table, day));
  if (!existsSync(dir)) return [];
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    const reader = await c.runAndReadAll(`SELECT * FROM read_parquet('${dir.replaceAll("'", "''")}/*.parquet') ORDER BY 1`);
    return reader.getRowObjectsJson() as Record<string, unknown>[];
  } finally {
    c.closeSync();
    db.closeSync();
  }
}

describe('reprocess', () => {
  let dataDir: string;
  let objects: string;
  let warehouse: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'reprocess-'));
    objects = join(dataDir, 'objects');
    warehouse = join(dataDir, 'warehouse');
    // Uploaded on the 26th (a day retention has removed): two events of that day and a broken one.
    await rawFile(objects, d(26) + 20 * HOUR, [
      upload([webEvent(1, { timestamp: d(26) + 19 * HOUR }), webEvent(2, { timestamp: d(26) + 19 * HOUR + 60_000 }), { event_type: 'broken' }], { requestId: 'r26', ...at(d(26) + 20 * HOUR) }),
    ]);
    // Uploaded on the 27th: an event of that day and a late one of the 26th (within the 72 h window).
    await rawFile(objects, d(27) + 10 * HOUR, [
      upload([webEvent(3, { timestamp: d(27) + 9 * HOUR }), webEvent(4, { timestamp: d(26) + 23 * HOUR })], { requestId: 'r27', ...at(d(27) + 10 * HOUR) }),
    ]);
    // What the bug left: a file on the removed day. Retention deletes and announces it; reprocess leaves it alone.
    await mkdir(join(warehouse, partition('events', 26)), { recursive: true });
    await writeFile(join(warehouse, partition('events', 26), 'job-leftover.parquet'), 'left by an earlier run');
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  const run = (from: number, to: number) => reprocess({ dataDir, appId: 'shop_web', from, to: to + DAY, now: () => NOW });

  it('without retention, rebuilds every day of the range from the raw files', async () => {
    const result = await run(d(26), d(27));
    assert.deepEqual(result.retention, { retentionDays: 0, cutoff: null, expiredDays: [] });
    assert.equal(result.expiredEvents, 0);
    assert.equal(result.events, 4);
    assert.deepEqual((await rowsOf(warehouse, 'events', 26)).map((r) => r.event_id).sort(), [uuid(1), uuid(2), uuid(4)]);
    assert.deepEqual((await rowsOf(warehouse, 'bad_rows', 26)).map((r) => r.reason_code), ['INVALID_EVENT']);
    assert.ok(result.replaced.includes(partition('events', 26)));
  });

  it("with the app's retention, writes nothing for removed days, says so, and leaves their partitions to retention", async () => {
    // Put the leftover back (the run above replaced the day) and have retention keep 2 days.
    await rm(join(warehouse, partition('events', 26)), { recursive: true, force: true });
    await rm(join(warehouse, partition('bad_rows', 26)), { recursive: true, force: true });
    await mkdir(join(warehouse, partition('events', 26)), { recursive: true });
    await writeFile(join(warehouse, partition('events', 26), 'job-leftover.parquet'), 'left by an earlier run');
    await new ObjectStoreAppRetention(new FsObjectStore(objects)).put({ appId: 'shop_web', retentionDays: 2, revision: 1, deleted: false }, -1);

    const result: ReprocessResult = await run(d(25), d(27));
    assert.deepEqual(result.retention, { retentionDays: 2, cutoff: '2026-11-27', expiredDays: ['2026-11-25', '2026-11-26'] });
    assert.equal(result.expiredEvents, 3, 'the three events of the 26th');
    assert.equal(result.expiredBadRows, 3, "bad rows that arrived on the 26th (two EXPIRED_EVENT, one INVALID_EVENT) are not written");
    assert.equal(result.events, 1);
    assert.ok(
      result.partitions.every((p) => p.day === 27),
      `only the kept day is written: ${result.partitions.map((p) => p.location).join(', ')}`,
    );
    assert.ok(result.replaced.every((l) => l.endsWith('/day=27')), result.replaced.join(', '));
    assert.deepEqual(await readdir(join(warehouse, partition('events', 26))), ['job-leftover.parquet'], 'a removed day is not touched');
    assert.equal(existsSync(join(warehouse, partition('bad_rows', 26))), false);
    assert.deepEqual((await rowsOf(warehouse, 'events', 27)).map((r) => r.event_id), [uuid(3)]);
    assert.deepEqual(
      (await rowsOf(warehouse, 'bad_rows', 27)).map((r) => [r.reason_code, r.event_id]),
      [['EXPIRED_EVENT', uuid(4)]],
      'the late event of the removed day is a bad row of the day it arrived',
    );
  });

  it('a range entirely before the cutoff writes nothing at all', async () => {
    const result = await run(d(25), d(26));
    assert.deepEqual(result.retention.expiredDays, ['2026-11-25', '2026-11-26']);
    assert.deepEqual(result.partitions, []);
    assert.deepEqual(result.replaced, []);
    assert.equal(result.events, 0);
    assert.equal(result.badRows, 0);
    assert.equal(result.expiredEvents, 3);
  });
});

// MERGE idempotency: whatever is loaded twice — a reclaimed file after a crash between MERGE and
// mark-LOADED, a file reset by an operator, the same event in two files — leaves the same rows.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { TableName } from '@clickstream/contracts';
import { eventRow, harness, itemRow, sessionRow, userRow, badRow, writeParquet, type Harness } from './support/harness.js';

const TABLES = ['events', 'items', 'bad_rows', 'sessions', 'sessions_parts', 'users', 'users_parts'];

/** Every table's rows, without loaded_at (a re-merge may refresh it), as a hash per table. */
async function fingerprint(h: Harness): Promise<Record<string, { rows: number; hash: string }>> {
  const out: Record<string, { rows: number; hash: string }> = {};
  for (const table of TABLES) {
    const rows = await h.db.query(`SELECT * EXCLUDE (loaded_at) FROM ${table} ORDER BY ALL`);
    out[table] = { rows: rows.length, hash: createHash('sha256').update(JSON.stringify(rows)).digest('hex') };
  }
  return out;
}

async function trackAndLoad(h: Harness, table: TableName, file: { key: string; rows: number }, appId = 'shop_web') {
  await h.files.recordNew({ key: file.key, table, appId, rows: file.rows, jobId: file.key.split('/').at(-1)!.replace('.parquet', '') });
  const execution = await h.run(table);
  assert.equal(execution.status, 'SUCCEEDED', execution.error);
}

/** Puts a LOADED file back the way a crash after the MERGE commit leaves it: LOADING by a dead load. */
async function orphan(h: Harness, key: string) {
  const record = await h.files.get(key);
  assert.equal(record?.status, 'LOADED');
  await h.store.put(`model-redshift/files/LOADING/${encodeURIComponent(key)}.json`, JSON.stringify({ ...record, status: 'LOADING', loadId: 'dead-load', updatedAt: h.clock.now() + 1 }));
  await h.store.delete(`model-redshift/files/LOADED/${encodeURIComponent(key)}.json`);
}

const JOB_A = 'job-00000000000000000000-00000000000000000010';
const JOB_B = 'job-00000000000000000010-00000000000000000020';

describe('MERGE idempotency', () => {
  it('loading the same files of every table twice leaves the same rows', async (t) => {
    const h = await harness(t);
    const loads: [TableName, { key: string; rows: number }][] = [
      ['events', await writeParquet(h.warehouseRoot, 'events', 'shop_web', [eventRow(), eventRow({ event_type: 'add_to_cart' })], { job: JOB_A })],
      ['items', await writeParquet(h.warehouseRoot, 'items', 'shop_web', [itemRow(), itemRow({ item_index: 1 })], { job: JOB_A })],
      ['bad_rows', await writeParquet(h.warehouseRoot, 'bad_rows', 'shop_web', [badRow(), badRow()], { job: JOB_A })],
      ['sessions', await writeParquet(h.warehouseRoot, 'sessions', 'shop_web', [sessionRow(), sessionRow({ session_id: 'session-2' })], { job: JOB_A })],
      ['users', await writeParquet(h.warehouseRoot, 'users', 'shop_web', [userRow()], { job: JOB_A })],
    ];
    for (const [table, file] of loads) await trackAndLoad(h, table, file);
    const first = await fingerprint(h);
    assert.deepEqual(
      Object.fromEntries(Object.entries(first).map(([k, v]) => [k, v.rows])),
      { events: 2, items: 2, bad_rows: 2, sessions: 2, sessions_parts: 2, users: 1, users_parts: 1 },
    );

    for (const [table, file] of loads) {
      await orphan(h, file.key);
      const again = await h.run(table);
      assert.equal(again.status, 'SUCCEEDED', again.error);
      assert.equal((await h.files.get(file.key))?.status, 'LOADED');
    }
    assert.deepEqual(await fingerprint(h), first);
  });

  it('an operator reset of loaded files reloads them without duplicates', async (t) => {
    const h = await harness(t);
    const f = await writeParquet(h.warehouseRoot, 'events', 'shop_web', [eventRow(), eventRow(), eventRow()], { job: JOB_A });
    await trackAndLoad(h, 'events', f);
    const first = await fingerprint(h);
    const record = (await h.files.get(f.key))!;
    await h.store.put(`model-redshift/files/NEW/${encodeURIComponent(f.key)}.json`, JSON.stringify({ ...record, status: 'NEW', updatedAt: h.clock.now() + 1 }));
    await h.store.delete(`model-redshift/files/LOADED/${encodeURIComponent(f.key)}.json`);
    assert.equal((await h.run('events')).status, 'SUCCEEDED');
    assert.deepEqual(await fingerprint(h), first);
  });

  it('events dedupe on event_id: within a batch the first ingested copy wins, across loads the loaded one stays', async (t) => {
    const h = await harness(t);
    const id = '11111111-1111-4111-8111-111111111111';
    const a = await writeParquet(h.warehouseRoot, 'events', 'shop_web', [eventRow({ event_id: id, ingest_timestamp: '2026-11-29 10:00:05', request_id: 'late' })], { job: JOB_A });
    const b = await writeParquet(h.warehouseRoot, 'events', 'shop_web', [eventRow({ event_id: id, ingest_timestamp: '2026-11-29 10:00:01', request_id: 'early' }), eventRow()], { job: JOB_B });
    await h.files.recordNew({ key: a.key, table: 'events', appId: 'shop_web', rows: 1, jobId: JOB_A });
    await h.files.recordNew({ key: b.key, table: 'events', appId: 'shop_web', rows: 2, jobId: JOB_B });
    assert.equal((await h.run('events')).status, 'SUCCEEDED');
    const rows = await h.db.query<{ request_id: string }>(`SELECT request_id FROM events WHERE event_id = '${id}'`);
    assert.deepEqual(rows, [{ request_id: 'early' }]);
    assert.equal(await h.count('SELECT count(*) AS n FROM events'), 2);

    // The same event in another app is another event.
    const other = await writeParquet(h.warehouseRoot, 'events', 'blog_web', [eventRow({ event_id: id })], { job: JOB_B });
    await trackAndLoad(h, 'events', other, 'blog_web');
    assert.equal(await h.count(`SELECT count(*) AS n FROM events WHERE event_id = '${id}'`), 2);
  });

  it('sessions and users spanning runs merge into one row per key, like the Athena merged views, and stay so on reload', async (t) => {
    const h = await harness(t);
    const early = sessionRow({ session_start: '2026-11-29 10:00:00', session_end: '2026-11-29 10:04:00', page_view_count: 1, event_count: 2, engagement_time_msec: 4000, entry_page: '/a', exit_page: '/a', channel_group: 'Organic Search' });
    const late = sessionRow({ session_start: '2026-11-29 10:05:00', session_end: '2026-11-29 10:09:00', page_view_count: 2, event_count: 3, engagement_time_msec: 7000, entry_page: '/b', exit_page: '/c', user_id: 'login-9', channel_group: 'Direct' });
    const s1 = await writeParquet(h.warehouseRoot, 'sessions', 'shop_web', [early], { job: JOB_A });
    const s2 = await writeParquet(h.warehouseRoot, 'sessions', 'shop_web', [late], { job: JOB_B });
    await trackAndLoad(h, 'sessions', s1);
    await trackAndLoad(h, 'sessions', s2);
    // BIGINT columns come back as text (JSON-safe).
    const merged = await h.db.query(
      'SELECT session_id, user_id, session_start, session_end, duration_ms, entry_page, exit_page, page_view_count, event_count, engagement_time_msec, is_bounce, channel_group, partial_rows FROM sessions',
    );
    assert.deepEqual(merged, [
      {
        session_id: 'session-1',
        user_id: 'login-9',
        session_start: '2026-11-29 10:00:00',
        session_end: '2026-11-29 10:09:00',
        duration_ms: '540000',
        entry_page: '/a',
        exit_page: '/c',
        page_view_count: 3,
        event_count: 5,
        engagement_time_msec: '11000',
        is_bounce: false,
        channel_group: 'Organic Search',
        partial_rows: '2',
      },
    ]);

    const u1 = await writeParquet(h.warehouseRoot, 'users', 'shop_web', [userRow({ event_count: 2, last_seen: '2026-11-29 10:04:00', user_attributes: '{"a":1}' })], { job: JOB_A });
    const u2 = await writeParquet(h.warehouseRoot, 'users', 'shop_web', [userRow({ event_count: 3, first_touch_timestamp: '2026-11-29 10:05:00', last_seen: '2026-11-29 10:09:00', user_attributes: '{"a":2}', user_id: 'login-9' })], { job: JOB_B });
    await trackAndLoad(h, 'users', u1);
    await trackAndLoad(h, 'users', u2);
    const users = await h.db.query('SELECT user_pseudo_id, user_id, first_touch_timestamp, user_attributes, event_count, last_seen, partial_rows FROM users');
    assert.deepEqual(users, [
      { user_pseudo_id: 'user-1', user_id: 'login-9', first_touch_timestamp: '2026-11-29 10:00:00', user_attributes: '{"a":2}', event_count: 5, last_seen: '2026-11-29 10:09:00', partial_rows: '2' },
    ]);

    const before = await fingerprint(h);
    await orphan(h, s1.key);
    await orphan(h, u2.key);
    assert.equal((await h.run('sessions')).status, 'SUCCEEDED');
    assert.equal((await h.run('users')).status, 'SUCCEEDED');
    assert.deepEqual(await fingerprint(h), before, 'a reloaded part replaces itself: sums are not doubled');
  });
});

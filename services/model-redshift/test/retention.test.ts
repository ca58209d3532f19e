// PartitionsExpired.v1 → the app's rows of the expired days leave every Redshift table (the DuckDB
// stand-in here, through the same SQL), merged sessions/users are recomputed from the parts left,
// replays change nothing, and a running load is never interleaved with.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TableName } from '@clickstream/contracts';
import { expirePartitions, expiryStatements } from '../src/domain/retention.js';
import type { StatementRunner } from '../src/ports/statement-runner.js';
import { badRow, eventRow, harness, itemRow, sessionRow, userRow, writeParquet, type Harness } from './support/harness.js';
import { deliver, expired } from './support/partitions-expired.js';

const D26 = { year: 2026, month: 11, day: 26 };
const D28 = { year: 2026, month: 11, day: 28 };
const JOB_A = 'job-00000000000000000000-00000000000000000010';
const JOB_B = 'job-00000000000000000010-00000000000000000020';

async function load(h: Harness, table: TableName, appId: string, rows: Record<string, unknown>[], day: typeof D26, job = JOB_A) {
  const file = await writeParquet(h.warehouseRoot, table, appId, rows, { day, job });
  await h.files.recordNew({ key: file.key, table, appId, rows: file.rows, jobId: job });
  const execution = await h.run(table);
  assert.equal(execution.status, 'SUCCEEDED', execution.error);
}

const rows = (h: Harness, sql: string) => h.db.query(sql);

describe('expired rows in Redshift', () => {
  it('deletes the app’s rows before the cutoff from events, items and bad_rows; other apps and later days stay', async (t) => {
    const h = await harness(t);
    await load(h, 'events', 'shop_web', [eventRow({ event_id: 'old-1' }), eventRow({ event_id: 'old-2' })], D26);
    await load(h, 'events', 'shop_web', [eventRow({ event_id: 'new-1' })], D28, JOB_B);
    await load(h, 'events', 'blog_web', [eventRow({ event_id: 'blog-old' })], D26, 'job-00000000000000000020-00000000000000000030');
    await load(h, 'items', 'shop_web', [itemRow()], D26);
    await load(h, 'bad_rows', 'shop_web', [badRow()], D26);

    for (const table of ['events', 'items', 'bad_rows'] as const) await deliver(expired(table, 'shop_web', [D26]));
    assert.deepEqual(await rows(h, 'SELECT app_id, event_id FROM events ORDER BY event_id'), [
      { app_id: 'blog_web', event_id: 'blog-old' },
      { app_id: 'shop_web', event_id: 'new-1' },
    ]);
    assert.equal(await h.count('SELECT count(*) AS n FROM items'), 0);
    assert.equal(await h.count('SELECT count(*) AS n FROM bad_rows'), 0);
    assert.equal((await h.ports.leases.holder('events', h.clock.now())), undefined, 'the lease is released');

    await deliver(expired('events', 'shop_web', [D26]), 'evt-replay');
    assert.equal(await h.count('SELECT count(*) AS n FROM events'), 2, 'a replay deletes nothing more');
  });

  it('sessions and users: the parts of expired days go and each key is what a load of the remaining files alone gives', async (t) => {
    const h = await harness(t);
    const early = sessionRow({ session_id: 's-1', session_start: '2026-11-26 23:50:00', session_end: '2026-11-26 23:59:00', page_view_count: 3, entry_page: 'https://shop.example.com/early' });
    const late = sessionRow({ session_id: 's-1', session_start: '2026-11-28 00:00:00', session_end: '2026-11-28 00:10:00', page_view_count: 1, entry_page: 'https://shop.example.com/late' });
    const gone = sessionRow({ session_id: 's-2', session_start: '2026-11-26 10:00:00', session_end: '2026-11-26 10:05:00' });
    await load(h, 'sessions', 'shop_web', [early, gone], D26);
    await load(h, 'sessions', 'shop_web', [late], D28, JOB_B);
    await load(h, 'users', 'shop_web', [userRow({ first_touch_timestamp: '2026-11-26 10:00:00', last_seen: '2026-11-26 10:05:00', event_count: 5 })], D26);
    await load(h, 'users', 'shop_web', [userRow({ first_touch_timestamp: '2026-11-28 00:00:00', last_seen: '2026-11-28 00:10:00', event_count: 2 })], D28, JOB_B);
    assert.equal((await rows(h, "SELECT page_view_count FROM sessions WHERE session_id = 's-1'"))[0]?.page_view_count, 4);

    await deliver(expired('sessions', 'shop_web', [D26]));
    await deliver(expired('users', 'shop_web', [D26]));

    const fresh = await harness(t);
    await load(fresh, 'sessions', 'shop_web', [late], D28, JOB_B);
    await load(fresh, 'users', 'shop_web', [userRow({ first_touch_timestamp: '2026-11-28 00:00:00', last_seen: '2026-11-28 00:10:00', event_count: 2 })], D28, JOB_B);
    for (const table of ['sessions', 'sessions_parts', 'users', 'users_parts']) {
      assert.deepEqual(
        await rows(h, `SELECT * EXCLUDE (loaded_at) FROM ${table} ORDER BY ALL`),
        await rows(fresh, `SELECT * EXCLUDE (loaded_at) FROM ${table} ORDER BY ALL`),
        `${table} equals a load of the files left`,
      );
    }
    assert.equal(await h.count("SELECT count(*) AS n FROM sessions WHERE session_id = 's-2'"), 0, 'a session with no part left is gone');
  });

  it('waits for a running load to hand the table over, and gives up (to be retried) when it does not', async (t) => {
    const h = await harness(t);
    await load(h, 'events', 'shop_web', [eventRow({ event_id: 'old' })], D26);
    assert.equal(await h.ports.leases.acquire('events', 'a-load', h.clock.now(), 60_000), true);
    const sleeps: number[] = [];
    const options = { owner: 'retention-1', leaseWaitMs: 5_000, statementWaitMs: 5_000, pollMs: 1_000 };
    await assert.rejects(
      expirePartitions(h.ports, expired('events', 'shop_web', [D26]), { ...options, sleep: async (ms) => (sleeps.push(ms), h.clock.advance(ms)) }),
      /stayed leased by a load/,
    );
    assert.equal(sleeps.length, 5);
    assert.equal(await h.count('SELECT count(*) AS n FROM events'), 1, 'nothing deleted beside the load');

    let turns = 0;
    await expirePartitions(h.ports, expired('events', 'shop_web', [D26]), {
      ...options,
      sleep: async (ms) => {
        h.clock.advance(ms);
        if (++turns === 2) await h.ports.leases.release('events', 'a-load');
        await new Promise((r) => setTimeout(r, 5));
      },
    });
    assert.equal(await h.count('SELECT count(*) AS n FROM events'), 0);
  });

  it('a failing transaction fails the delivery and frees the lease', async (t) => {
    const h = await harness(t);
    const failing: StatementRunner = {
      start: async () => 'stmt-1',
      describe: async () => ({ status: 'FAILED', error: 'serializable isolation violation' }),
      query: async () => [],
    };
    await assert.rejects(
      expirePartitions({ ...h.ports, statements: failing }, expired('users', 'shop_web', [D26]), { owner: 'r', sleep: async () => undefined, leaseWaitMs: 0, statementWaitMs: 1_000, pollMs: 1 }),
      /failed: serializable isolation violation/,
    );
    assert.equal(await h.ports.leases.holder('users', h.clock.now()), undefined);
  });
});

describe('expiry statements', () => {
  it('events: one DELETE of the app’s days before the cutoff', () => {
    assert.deepEqual(expiryStatements('events', 'shop_web', '2026-11-28'), [
      { kind: 'sql', sql: "DELETE FROM events WHERE app_id = 'shop_web' AND year * 10000 + month * 100 + day < 20261128" },
    ]);
  });

  it('refuses values that could not come from the contract', () => {
    assert.throws(() => expiryStatements('events', "x' OR '1'='1", '2026-11-28'), /bad app id/);
    assert.throws(() => expiryStatements('events', 'shop_web', '2026-11-28; DROP TABLE events'), /bad cutoff/);
  });

  it('sessions reuse the load’s merge with the expired keys, and notice when its shape changes', () => {
    const statements = expiryStatements('sessions', 'shop_web', '2026-11-28').map((s) => (s.kind === 'sql' ? s.sql : ''));
    assert.match(statements[3]!, /^CREATE TEMP TABLE merge_sessions [\s\S]*\(SELECT DISTINCT app_id, session_id FROM expired_sessions\) touched/);
    assert.doesNotMatch(statements[3]!, /stage_sessions/);
    assert.match(statements[4]!, /^MERGE INTO sessions /);
    assert.throws(() => expiryStatements('sessions', 'shop_web', '2026-11-28', () => ['MERGE INTO sessions USING x ON true']), /no longer has the shape/);
  });
});

// The Redshift path end to end in the embedded runtime: events posted to /collect are processed,
// the model-redshift state machine (the same ASL as on AWS) loads the Parquet into the DuckDB
// Redshift stand-in, and what it holds equals what the Athena path serves.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDbWarehouse } from '@clickstream/runtime';
import { EmbeddedConfig } from '../src/config.js';
import { startEmbedded, type EmbeddedRuntime } from '../src/runtime.js';

const quiet = { info: () => undefined, error: (m: string, e?: unknown) => console.error(m, e) };

function event(appId: string, user: string, session: string, overrides: Record<string, unknown> = {}) {
  return {
    event_type: '_page_view',
    event_id: randomUUID(),
    timestamp: Date.now() - 5_000,
    app_id: appId,
    unique_id: user,
    platform: 'Web',
    attributes: { _session_id: session, _page_url: 'https://shop.example.com/', _page_title: 'Home' },
    ...overrides,
  };
}

/** The counts both paths must agree on, from the Athena path's views. */
const ATHENA_COUNTS = {
  events: 'SELECT count(*) AS n FROM events_deduped',
  sessions: 'SELECT count(*) AS n FROM sessions_merged',
  users: 'SELECT count(*) AS n FROM users_merged',
  items: 'SELECT count(*) AS n FROM (SELECT DISTINCT app_id, event_id, item_index FROM items)',
  bad_rows: 'SELECT count(*) AS n FROM bad_rows',
  sessionEvents: 'SELECT sum(event_count) AS n FROM sessions_merged',
};
const REDSHIFT_COUNTS: Record<keyof typeof ATHENA_COUNTS, string> = {
  events: 'SELECT count(*) AS n FROM events',
  sessions: 'SELECT count(*) AS n FROM sessions',
  users: 'SELECT count(*) AS n FROM users',
  items: 'SELECT count(*) AS n FROM items',
  bad_rows: 'SELECT count(*) AS n FROM bad_rows',
  sessionEvents: 'SELECT sum(event_count) AS n FROM sessions',
};

async function counts(query: (sql: string) => Promise<{ n: unknown }[]>, sqls: Record<string, string>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const [name, sql] of Object.entries(sqls)) out[name] = Number((await query(sql))[0]?.n ?? 0);
  return out;
}

describe('Redshift path: collect → process → load state machine → DuckDB Redshift stand-in', () => {
  let dataDir: string;
  let runtime: EmbeddedRuntime;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'clickstream-redshift-e2e-'));
    runtime = await startEmbedded(EmbeddedConfig.parse({ PORT: '0', DATA_DIR: dataDir, PROCESS_INTERVAL_SECONDS: '3600' }), quiet);
  });
  after(async () => {
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const collect = async (batch: unknown[]) => {
    const res = await fetch(`${runtime.url}/collect?appId=${runtime.demoAppId}&platform=Web`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(batch),
    });
    assert.equal(res.status, 200);
  };

  it('loads every processed table and agrees with the Athena path, across runs, retries and replays', async () => {
    const app = runtime.demoAppId;
    // Run 1: two users, a purchase with items, an SDK retry of the same events, a bad event.
    const first = [
      event(app, 'user-1', 's-1'),
      event(app, 'user-1', 's-1', { event_type: 'add_to_cart', items: [{ id: 'sku-1', price: 9.5, quantity: 1 }, { id: 'sku-2', price: 3, quantity: 2 }] }),
      event(app, 'user-2', 's-2'),
    ];
    await collect([...first, { event_type: 'broken' }]);
    await collect(first);
    await runtime.runJob('process.schedule-start-job');

    // Run 2: the same sessions go on (partial rows in both runs), and a new user.
    await collect([event(app, 'user-1', 's-1', { event_type: '_scroll' }), event(app, 'user-3', 's-3')]);
    await runtime.runJob('process.schedule-start-job');

    const history = runtime.bus.history();
    const loaded = history.filter((e) => e['detail-type'] === 'RedshiftLoadCompleted.v1').map((e) => (e.detail as { table: string }).table);
    assert.deepEqual([...new Set(loaded)].sort(), ['bad_rows', 'events', 'items', 'sessions', 'users']);
    assert.equal(history.filter((e) => e['detail-type'] === 'RedshiftLoadFailed.v1').length, 0);

    // The schedule finds nothing left; replaying the triggers loads nothing twice.
    await runtime.runJob('model-redshift.schedule-start-load');
    for (const e of history.filter((x) => x['detail-type'] === 'ProcessingCompleted.v1')) {
      await runtime.bus.publish([{ source: e.source, detailType: e['detail-type'], detail: e.detail }]);
    }
    await runtime.bus.drain();

    const athena = await counts((sql) => runtime.warehouse.query(sql), ATHENA_COUNTS);
    assert.deepEqual(athena, { events: 5, sessions: 3, users: 3, items: 2, bad_rows: 1, sessionEvents: 5 });

    // DuckDB lets one instance at a time hold a database file: close the runtime, then read it.
    await runtime.close();
    const redshift = await DuckDbWarehouse.open(join(dataDir, 'redshift.duckdb'), join(dataDir, 'warehouse'));
    try {
      assert.deepEqual(await counts((sql) => redshift.query(sql), REDSHIFT_COUNTS), athena);
      const sessionOne = await redshift.query<{ event_count: number; partial_rows: string }>(
        "SELECT event_count, partial_rows FROM sessions WHERE session_id = 's-1'",
      );
      assert.deepEqual(sessionOne, [{ event_count: 3, partial_rows: '2' }], 's-1 spans both runs and is one merged row');
      const dau = await redshift.query<{ active_users: string }>('SELECT active_users FROM daily_active_users');
      assert.deepEqual(dau.map((d) => Number(d.active_users)), [3]);
    } finally {
      redshift.close();
    }
  });
});

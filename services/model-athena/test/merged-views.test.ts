import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbType, WarehouseTables, type TableSpec } from '@clickstream/contracts';
import { DuckDbWarehouse } from '@clickstream/runtime';
import { loadViewFiles } from '../src/domain/view-files.js';

type Value = string | number | boolean | null;

/** A table with exactly the contract's columns, filled with the given rows (missing values are null). */
async function table(warehouse: DuckDbWarehouse, spec: TableSpec, rows: Record<string, Value>[]) {
  const columns = [...spec.columns, ...spec.partitionKeys];
  await warehouse.run(`CREATE OR REPLACE TABLE ${spec.name} (${columns.map((c) => `"${c.name}" ${DuckDbType[c.type]}`).join(', ')})`);
  for (const row of rows) {
    const params = Object.fromEntries(columns.map((c) => [c.name, row[c.name] ?? null]));
    await warehouse.run(
      `INSERT INTO ${spec.name} VALUES (${columns.map((c) => `CAST($${c.name} AS ${DuckDbType[c.type]})`).join(', ')})`,
      params,
    );
  }
}

async function setup(t: TestContext) {
  const warehouse = await DuckDbWarehouse.open(':memory:', '/nonexistent');
  t.after(() => warehouse.close());
  return warehouse;
}

async function createViews(warehouse: DuckDbWarehouse, ...names: string[]) {
  for (const v of loadViewFiles().filter((f) => names.includes(f.name))) await warehouse.run(v.sql);
}

describe('sessions_merged', () => {
  it('combines the partial rows of a session written by two runs', async (t) => {
    const warehouse = await setup(t);
    const partial = { app_id: 'shop', session_id: 's-1', user_pseudo_id: 'u-1', is_server_session: false, year: 2026, month: 11, day: 29 };
    await table(warehouse, WarehouseTables.sessions, [
      {
        ...partial,
        session_start: '2026-11-29 09:50:00', session_end: '2026-11-29 09:55:00', entry_page: '/landing', exit_page: '/cart',
        page_view_count: 1, event_count: 3, engagement_time_msec: 4000, traffic_source_source: 'google', traffic_source_medium: 'cpc',
        channel_group: 'Paid Search', country: 'FR', region: 'Bretagne', city: 'Rennes', user_id: null, session_number: 2,
      },
      {
        ...partial,
        session_start: '2026-11-29 10:01:00', session_end: '2026-11-29 10:04:00', entry_page: null, exit_page: null,
        page_view_count: 0, event_count: 2, engagement_time_msec: 9000, traffic_source_source: '(direct)', traffic_source_medium: '(none)',
        channel_group: 'Direct', country: 'DE', region: 'Hesse', city: 'Frankfurt am Main', user_id: 'user-9', session_number: 2,
      },
      { ...partial, session_id: 's-2', session_start: '2026-11-29 11:00:00', session_end: '2026-11-29 11:00:00', page_view_count: 1, event_count: 1, engagement_time_msec: 0 },
    ]);
    await createViews(warehouse, '003_sessions_merged.sql');
    const rows = await warehouse.query<Record<string, Value>>(
      `SELECT session_id, CAST(session_start AS VARCHAR) AS session_start, CAST(session_end AS VARCHAR) AS session_end,
              CAST(duration_ms AS BIGINT) AS duration_ms, entry_page, exit_page, CAST(page_view_count AS INTEGER) AS views,
              CAST(event_count AS INTEGER) AS events, CAST(engagement_time_msec AS INTEGER) AS engagement, is_bounce,
              traffic_source_source, channel_group, country, region, city, user_id, CAST(partial_rows AS INTEGER) AS partial_rows
       FROM sessions_merged ORDER BY session_id`,
    );
    assert.deepEqual(
      rows.map((r) => ({ ...r, duration_ms: Number(r.duration_ms) })),
      [
        {
          session_id: 's-1', session_start: '2026-11-29 09:50:00', session_end: '2026-11-29 10:04:00', duration_ms: 14 * 60_000,
          entry_page: '/landing', exit_page: '/cart', views: 1, events: 5, engagement: 13000, is_bounce: false,
          traffic_source_source: 'google', channel_group: 'Paid Search', country: 'FR', region: 'Bretagne', city: 'Rennes', user_id: 'user-9', partial_rows: 2,
        },
        {
          session_id: 's-2', session_start: '2026-11-29 11:00:00', session_end: '2026-11-29 11:00:00', duration_ms: 0,
          entry_page: null, exit_page: null, views: 1, events: 1, engagement: 0, is_bounce: true,
          traffic_source_source: null, channel_group: null, country: null, region: null, city: null, user_id: null, partial_rows: 1,
        },
      ],
    );
  });
});

describe('users_merged', () => {
  it('takes first touch from the earliest run and the latest state from the newest', async (t) => {
    const warehouse = await setup(t);
    const user = { app_id: 'shop', user_pseudo_id: 'u-1', year: 2026, month: 11, day: 29 };
    await table(warehouse, WarehouseTables.users, [
      {
        ...user, first_touch_timestamp: '2026-11-29 12:00:00', last_seen: '2026-11-29 12:30:00', user_id: null,
        first_channel_group: 'Direct', first_country: 'DE', first_region: 'Hesse', first_city: 'Frankfurt am Main', user_attributes: '{"plan":{"value":"gold"}}', event_count: 4,
      },
      {
        ...user, first_touch_timestamp: '2026-11-28 08:00:00', last_seen: '2026-11-28 08:10:00', user_id: 'user-1',
        first_channel_group: 'Organic Search', first_country: 'FR', first_region: 'Bretagne', first_city: 'Rennes', user_attributes: '{"plan":{"value":"free"}}', event_count: 2,
      },
    ]);
    await createViews(warehouse, '004_users_merged.sql');
    const [row] = await warehouse.query<Record<string, Value>>(
      `SELECT user_id, CAST(first_touch_timestamp AS VARCHAR) AS first_touch, first_channel_group, first_country, first_region, first_city, user_attributes,
              CAST(event_count AS INTEGER) AS events, CAST(last_seen AS VARCHAR) AS last_seen
       FROM users_merged`,
    );
    assert.deepEqual(row, {
      user_id: 'user-1', first_touch: '2026-11-28 08:00:00', first_channel_group: 'Organic Search', first_country: 'FR', first_region: 'Bretagne', first_city: 'Rennes',
      user_attributes: '{"plan":{"value":"gold"}}', events: 6, last_seen: '2026-11-29 12:30:00',
    });
  });
});

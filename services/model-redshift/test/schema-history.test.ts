// Schema evolution: migrations render the contract as they saw it, so a fresh database and one
// migrated before a column existed end with the same tables; rows loaded before the upgrade keep
// NULL in the new columns, files written after it load into them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DuckDbType, WarehouseTables, type TableName } from '@clickstream/contracts';
import { applySchema } from '../src/domain/migrations.js';
import { COLUMNS_ADDED_BY_MIGRATION, contractAsOf } from '../src/domain/schema-history.js';
import { loadMigrations, loadViews } from '../src/domain/sql-files.js';
import { RedshiftType } from '../src/domain/sql-templates.js';
import { eventRow, harness, sessionRow, userRow, writeParquet, type Harness } from './support/harness.js';

/** The columns of the first release, which 001_tables.sql and 002_staging.sql were first applied with. */
const FIRST_RELEASE: Record<'events' | 'sessions' | 'users', string> = {
  events:
    'event_id event_type event_timestamp client_timestamp ingest_timestamp platform user_pseudo_id user_id device_id session_id page_url page_title page_referrer screen_name locale os_name os_version make model app_version sdk_name sdk_version client_ip user_agent attributes user_attributes items request_id browser browser_version os device_category device_vendor device_model country continent is_bot traffic_source_source traffic_source_medium traffic_source_campaign traffic_source_campaign_id traffic_source_content traffic_source_term traffic_source_clid traffic_source_clid_platform channel_group truncated',
  sessions:
    'session_id user_pseudo_id user_id session_number is_server_session session_start session_end duration_ms entry_page exit_page page_view_count event_count engagement_time_msec is_bounce traffic_source_source traffic_source_medium traffic_source_campaign channel_group country device_category browser os platform',
  users:
    'user_pseudo_id user_id first_touch_timestamp first_traffic_source_source first_traffic_source_medium first_traffic_source_campaign first_channel_group first_country first_device_category first_platform user_attributes event_count last_seen',
};
const ADDED_BY_3 = COLUMNS_ADDED_BY_MIGRATION.get(3)!;
const TABLES = ['events', 'stage_events_raw', 'stage_events', 'sessions_parts', 'sessions', 'stage_sessions_raw', 'stage_sessions', 'users_parts', 'users', 'stage_users_raw', 'stage_users', 'items', 'bad_rows'];
const wait = { pollMs: 1, timeoutMs: 30_000, sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)) };

const columnsOf = async (h: Harness, table: string) =>
  (await h.db.query<{ column_name: string; column_type: string }>(`DESCRIBE ${table}`)).map((c) => `${c.column_name} ${c.column_type}`);

async function trackAndLoad(h: Harness, table: TableName, file: { key: string; rows: number }) {
  await h.files.recordNew({ key: file.key, table, appId: 'shop_web', rows: file.rows, jobId: file.key.split('/').at(-1)!.replace('.parquet', '') });
  return h.run(table);
}

const JOB_BEFORE = 'job-00000000000000000000-00000000000000000010';
const JOB_AFTER = 'job-00000000000000000010-00000000000000000020';

describe('schema history', () => {
  it('migrations 001 and 002 render the tables of the first release; every later column has its migration', () => {
    const asOf2 = contractAsOf(2);
    for (const table of ['events', 'sessions', 'users'] as const) {
      assert.equal(asOf2[table].columns.map((c) => c.name).join(' '), FIRST_RELEASE[table], table);
      const added = WarehouseTables[table].columns.slice(asOf2[table].columns.length).map((c) => c.name);
      assert.deepEqual(added, ADDED_BY_3[table], `${table}: the contract appends exactly what migration 003 adds`);
    }
    assert.deepEqual(contractAsOf(2).items, WarehouseTables.items);
    assert.deepEqual(contractAsOf(3), WarehouseTables, 'the latest migration sees the whole contract');
    const [first, second] = loadMigrations();
    assert.ok([first!, second!].every((m) => m.statements.every((s) => !/\b(region|city|screen_width)\b/.test(s))));
  });

  it('003 adds each new column to every table that holds its table’s columns, with the Redshift type', () => {
    const alters = loadMigrations()
      .find((m) => m.version === 3)!
      .statements.map((s) => s.replace(/^(--.*\n|\n)*/, ''));
    const holders: Record<string, string[]> = {
      events: ['events', 'stage_events_raw', 'stage_events'],
      sessions: ['sessions_parts', 'sessions', 'stage_sessions_raw', 'stage_sessions'],
      users: ['users_parts', 'users', 'stage_users_raw', 'stage_users'],
    };
    const expected = Object.entries(ADDED_BY_3).flatMap(([table, columns]) =>
      holders[table]!.flatMap((holder) =>
        columns.map((name) => `ALTER TABLE ${holder} ADD COLUMN ${name} ${RedshiftType[WarehouseTables[table as TableName].columns.find((c) => c.name === name)!.type]}`),
      ),
    );
    assert.deepEqual([...alters].sort(), expected.sort());
  });

  it('a fresh database and one migrated before 003 end with the same tables; raw staging keeps the files’ column order', async (t) => {
    const fresh = await harness(t);
    const upgraded = await harness(t, {}, { migrations: loadMigrations().filter((m) => m.version <= 2) });
    assert.deepEqual((await applySchema(upgraded.ports.statements, loadMigrations(), loadViews(), wait)).applied, ['003_geo_region_city_screen_size.sql']);
    for (const table of TABLES) assert.deepEqual(await columnsOf(upgraded, table), await columnsOf(fresh, table), table);
    for (const table of ['events', 'sessions', 'users', 'items', 'bad_rows'] as const) {
      const file = WarehouseTables[table].columns.map((c) => `${c.name} ${DuckDbType[c.type]}`);
      assert.deepEqual(await columnsOf(fresh, `stage_${table}_raw`), file, `stage_${table}_raw is exactly the Parquet file's columns`);
    }
  });

  it('rows loaded before the upgrade keep NULL in the new columns; files written after it load into them', async (t) => {
    const h = await harness(t, {}, { migrations: loadMigrations().filter((m) => m.version <= 2) });
    // What the previous release's loads left (its merge SQL listed the columns of schema 2).
    const loaded = "'events/app_id=shop_web/year=2026/month=11/day=29/" + JOB_BEFORE + ".parquet', CAST(now() AS TIMESTAMP)";
    await h.db.run(`INSERT INTO events (event_id, event_type, country, app_id, year, month, day, source_file, loaded_at)
      VALUES ('00000000-0000-4000-8000-0000000000a1', '_page_view', 'US', 'shop_web', 2026, 11, 29, ${loaded})`);
    await h.db.run(`INSERT INTO sessions (app_id, session_id, country, partial_rows, loaded_at) VALUES ('shop_web', 'session-1', 'US', 1, CAST(now() AS TIMESTAMP))`);
    await h.db.run(`INSERT INTO users (app_id, user_pseudo_id, first_country, partial_rows, loaded_at) VALUES ('shop_web', 'user-1', 'US', 1, CAST(now() AS TIMESTAMP))`);
    await applySchema(h.ports.statements, loadMigrations(), loadViews(), wait);

    const after = { job: JOB_AFTER };
    for (const [table, rows] of [
      ['events', [eventRow({ event_id: '00000000-0000-4000-8000-0000000000a2', country: 'GB', region: 'England', city: 'London', screen_width: 1920, screen_height: 1080 })]],
      ['sessions', [sessionRow({ session_id: 'session-2', country: 'GB', region: 'England', city: 'London' })]],
      ['users', [userRow({ user_pseudo_id: 'user-2', first_country: 'GB', first_region: 'England', first_city: 'London' })]],
    ] as const) {
      const file = await writeParquet(h.warehouseRoot, table, 'shop_web', rows, after);
      const execution = await trackAndLoad(h, table, file);
      assert.equal(execution.status, 'SUCCEEDED', `${table} under schema 3: ${execution.error ?? ''}`);
    }
    assert.deepEqual(await h.db.query('SELECT country, region, city, screen_width, screen_height FROM events ORDER BY event_id'), [
      { country: 'US', region: null, city: null, screen_width: null, screen_height: null },
      { country: 'GB', region: 'England', city: 'London', screen_width: 1920, screen_height: 1080 },
    ]);
    assert.deepEqual(await h.db.query('SELECT session_id, country, region, city FROM sessions ORDER BY session_id'), [
      { session_id: 'session-1', country: 'US', region: null, city: null },
      { session_id: 'session-2', country: 'GB', region: 'England', city: 'London' },
    ]);
    assert.deepEqual(await h.db.query('SELECT user_pseudo_id, first_country, first_region, first_city FROM users ORDER BY user_pseudo_id'), [
      { user_pseudo_id: 'user-1', first_country: 'US', first_region: null, first_city: null },
      { user_pseudo_id: 'user-2', first_country: 'GB', first_region: 'England', first_city: 'London' },
    ]);
  });

  it('a file written before the upgrade and loaded after it fails its COPY (as on Redshift) and waits for a reprocess', async (t) => {
    const h = await harness(t);
    const old = await writeParquet(h.warehouseRoot, 'events', 'shop_web', [eventRow()], { job: JOB_BEFORE, without: ADDED_BY_3.events });
    const execution = await trackAndLoad(h, 'events', old);
    assert.equal(execution.status, 'FAILED');
    const record = await h.files.get(old.key);
    assert.equal(record?.status, 'FAILED');
    assert.match(record?.lastError ?? '', /columns/i);
  });
});

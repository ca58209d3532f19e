// The local copies store DuckDB's HUGEINT sums (sessions_merged's counts and milliseconds) as
// BIGINT, which scans several times faster, with exactly the views' values: in copies made fresh,
// in copies made before (narrowed in place, without a rebuild), and in the rows new files bring.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbType, EventsTable, SessionsTable, UsersTable, type TableSpec } from '@clickstream/contracts';
import { DuckDbWarehouse, sqlString } from '@clickstream/runtime';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbAnalyticsSnapshot } from '../src/adapters/local/duckdb-analytics-snapshot.js';

let dir: string;
let warehouse: DuckDbWarehouse;
let serial = 0;

const DEDUPE = `SELECT * EXCLUDE (r) FROM (SELECT e.*, row_number() OVER (PARTITION BY app_id, event_id ORDER BY ingest_timestamp, request_id) AS r FROM events e) WHERE r = 1`;
// sum() of BIGINT is HUGEINT in DuckDB, as in model-athena's real sessions_merged.
const SESSIONS = `SELECT app_id, session_id, min(user_pseudo_id) AS user_pseudo_id, min(session_start) AS session_start,
  sum(event_count) AS event_count, sum(page_view_count) AS page_view_count, sum(engagement_time_msec) AS engagement_time_msec FROM sessions GROUP BY app_id, session_id`;
const USERS = `SELECT app_id, user_pseudo_id, min(first_touch_timestamp) AS first_touch_timestamp, sum(1) AS event_count FROM users GROUP BY ALL`;
const COPIES = ['events_deduped', 'sessions_merged', 'users_merged'] as const;

function view(spec: TableSpec): string {
  const columns = [...spec.columns, ...spec.partitionKeys];
  return `CREATE OR REPLACE VIEW ${spec.name} AS SELECT ${columns.map((c) => `CAST("${c.name}" AS ${DuckDbType[c.type]}) AS "${c.name}"`).join(', ')}
    FROM read_parquet(${sqlString(join(warehouse.root, spec.name, '*', '*', '*', '*', '*.parquet'))}, hive_partitioning = true, union_by_name = true,
      hive_types = {'app_id': VARCHAR, 'year': INTEGER, 'month': INTEGER, 'day': INTEGER})`;
}

async function writeFile(spec: TableSpec, day: number, rows: Record<string, unknown>[]): Promise<void> {
  const folder = join(warehouse.root, spec.name, 'app_id=shop', 'year=2025', 'month=3', `day=${day}`);
  await mkdir(folder, { recursive: true });
  const table = `w${serial++}`;
  await warehouse.run(`CREATE TABLE ${table} (${spec.columns.map((c) => `"${c.name}" ${DuckDbType[c.type]}`).join(', ')})`);
  for (const row of rows) {
    await warehouse.run(`INSERT INTO ${table} VALUES (${spec.columns.map((_, i) => `$${i + 1}`).join(', ')})`, spec.columns.map((c) => (row[c.name] ?? null) as string));
  }
  await warehouse.run(`COPY ${table} TO ${sqlString(join(folder, `${table}.parquet`))} (FORMAT parquet)`);
  await warehouse.run(`DROP TABLE ${table}`);
}

async function writeDay(day: number): Promise<void> {
  const at = `2025-03-0${day} 10:00:00`;
  await writeFile(EventsTable, day, [{ event_id: `e${day}`, event_type: '_page_view', event_timestamp: at, ingest_timestamp: at, request_id: 'r', user_pseudo_id: 'u1', session_id: 's1' }]);
  await writeFile(SessionsTable, day, [
    // Beyond 2^31 and summed across files: the values must survive exactly.
    { session_id: 's1', user_pseudo_id: 'u1', session_start: at, event_count: 3, page_view_count: 2, engagement_time_msec: 4_000_000_000 + day },
    { session_id: `s${day + 1}`, user_pseudo_id: 'u2', session_start: at, event_count: 1, page_view_count: 0, engagement_time_msec: null },
  ]);
  await writeFile(UsersTable, day, [{ user_pseudo_id: `u${day}`, first_touch_timestamp: at }]);
}

async function hugeColumns(): Promise<string[]> {
  const rows = await warehouse.query<{ c: string }>(
    `SELECT table_name || '.' || column_name AS c FROM duckdb_columns() WHERE schema_name = 'console_analytics' AND data_type = 'HUGEINT' ORDER BY 1`,
  );
  return rows.map((r) => r.c);
}

async function sameAsViews(snapshot: DuckDbAnalyticsSnapshot): Promise<void> {
  for (const name of COPIES) {
    const copy = snapshot.relation(name);
    assert.notEqual(copy, name, 'the copy is in use');
    for (const [a, b] of [
      [name, copy],
      [copy, name],
    ]) {
      assert.deepEqual(await warehouse.query(`SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b}`), [], `${a} has rows ${b} lacks`);
    }
  }
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'console-snapshot-types-'));
  warehouse = await DuckDbWarehouse.open(join(dir, 'warehouse.duckdb'), join(dir, 'warehouse'));
  await writeDay(1);
  for (const spec of [EventsTable, SessionsTable, UsersTable]) await warehouse.run(view(spec));
  await warehouse.run(`CREATE OR REPLACE VIEW events_deduped AS ${DEDUPE}`);
  await warehouse.run(`CREATE OR REPLACE VIEW sessions_merged AS ${SESSIONS}`);
  await warehouse.run(`CREATE OR REPLACE VIEW users_merged AS ${USERS}`);
});
after(async () => {
  warehouse.close();
  await rm(dir, { recursive: true, force: true });
});

describe('analytics snapshot column types', () => {
  it('copies HUGEINT sums as BIGINT with the same values, also through new files', async () => {
    const views = await warehouse.query<{ c: string }>(`SELECT column_name AS c FROM (DESCRIBE SELECT * FROM sessions_merged) WHERE column_type = 'HUGEINT'`);
    assert.equal(views.length, 3, 'the view under test has HUGEINT columns');
    const snapshot = new DuckDbAnalyticsSnapshot(warehouse, { recheckMs: 0 });
    assert.equal(await snapshot.refresh(), true);
    assert.deepEqual(await hugeColumns(), []);
    await sameAsViews(snapshot);

    await writeDay(2);
    snapshot.markDirty();
    assert.equal(await snapshot.refresh(), true);
    assert.deepEqual(await hugeColumns(), []);
    await sameAsViews(snapshot);
    const [s1] = await warehouse.query<{ ms: unknown }>(`SELECT engagement_time_msec AS ms FROM ${snapshot.relation('sessions_merged')} WHERE session_id = 's1'`);
    assert.equal(String(s1?.ms), '8000000003');
  });

  it('narrows copies made before, in place, keeping their rows and without a rebuild', async () => {
    // Copies as an earlier version made them: the views' HUGEINT columns.
    for (const c of ['sessions_merged.event_count', 'sessions_merged.page_view_count', 'sessions_merged.engagement_time_msec', 'users_merged.event_count']) {
      const [table, column] = c.split('.');
      await warehouse.run(`ALTER TABLE console_analytics.${table} ALTER COLUMN "${column}" SET DATA TYPE HUGEINT`);
    }
    await warehouse.run(`UPDATE console_analytics.state SET value = 'marker' WHERE key = 'rollups'`);
    assert.equal((await hugeColumns()).length, 4);

    // A new process: the copies exist and are current, so only the types (and here the stale pre-aggregates) change.
    const snapshot = new DuckDbAnalyticsSnapshot(warehouse, { recheckMs: 0 });
    assert.equal(await snapshot.refresh(), false, 'no file changed: nothing was rebuilt');
    assert.deepEqual(await hugeColumns(), []);
    await sameAsViews(snapshot);

    await writeDay(3);
    snapshot.markDirty();
    assert.equal(await snapshot.refresh(), true);
    await sameAsViews(snapshot);
  });
});

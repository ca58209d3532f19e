// The local copies of the analysis views (duckdb-analytics-snapshot.ts) equal the views after
// every kind of change: first build, new files with new events and with re-deliveries that win
// or lose the dedupe, new partial session rows, a rewritten file, a changed view definition.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbType, EventsTable, SessionsTable, UsersTable, type TableSpec } from '@clickstream/contracts';
import { DuckDbWarehouse, sqlString } from '@clickstream/runtime';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbAnalytics } from '../src/adapters/local/duckdb-analytics.js';
import { DuckDbAnalyticsSnapshot } from '../src/adapters/local/duckdb-analytics-snapshot.js';

let dir: string;
let warehouse: DuckDbWarehouse;
let serial = 0;

// The dedupe rule of model-athena's 001_events_deduped.sql; the merges are simpler stand-ins
// (the copies must equal whatever the views say).
const DEDUPE = `SELECT * EXCLUDE (r) FROM (SELECT e.*, row_number() OVER (PARTITION BY app_id, event_id ORDER BY ingest_timestamp, request_id) AS r FROM events e) WHERE r = 1`;
const SESSIONS = `SELECT app_id, session_id, min(user_pseudo_id) AS user_pseudo_id, min(session_start) AS session_start, max(session_end) AS session_end,
  sum(event_count) AS event_count, count(*) AS partial_rows FROM sessions GROUP BY app_id, session_id`;
const USERS = `SELECT app_id, user_pseudo_id, min(first_touch_timestamp) AS first_touch_timestamp, max(last_seen) AS last_seen FROM users GROUP BY ALL`;

function view(spec: TableSpec): string {
  const columns = [...spec.columns, ...spec.partitionKeys];
  return `CREATE OR REPLACE VIEW ${spec.name} AS SELECT ${columns.map((c) => `CAST("${c.name}" AS ${DuckDbType[c.type]}) AS "${c.name}"`).join(', ')}
    FROM read_parquet(${sqlString(join(warehouse.root, spec.name, '*', '*', '*', '*', '*.parquet'))}, hive_partitioning = true, union_by_name = true,
      hive_types = {'app_id': VARCHAR, 'year': INTEGER, 'month': INTEGER, 'day': INTEGER})`;
}

async function writeFile(spec: TableSpec, day: string, name: string, rows: Record<string, unknown>[]): Promise<void> {
  const [y, m, d] = day.split('-').map(Number);
  const folder = join(warehouse.root, spec.name, 'app_id=shop', `year=${y}`, `month=${m}`, `day=${d}`);
  await mkdir(folder, { recursive: true });
  const columns = spec.columns;
  const table = `w${serial++}`;
  await warehouse.run(`CREATE TABLE ${table} (${columns.map((c) => `"${c.name}" ${DuckDbType[c.type]}`).join(', ')})`);
  for (const row of rows) {
    await warehouse.run(`INSERT INTO ${table} VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, columns.map((c) => (row[c.name] ?? null) as string));
  }
  await warehouse.run(`COPY ${table} TO ${sqlString(join(folder, `${name}.parquet`))} (FORMAT parquet)`);
  await warehouse.run(`DROP TABLE ${table}`);
}

const event = (id: string, ingest: string, request: string, extra: Record<string, unknown> = {}) => ({
  event_id: id,
  event_type: '_page_view',
  event_timestamp: '2025-03-03 10:00:00',
  ingest_timestamp: ingest,
  request_id: request,
  user_pseudo_id: 'u1',
  session_id: 's1',
  page_title: `${id} via ${request}`,
  ...extra,
});

async function same(snapshot: DuckDbAnalyticsSnapshot, name: 'events_deduped' | 'sessions_merged' | 'users_merged'): Promise<void> {
  const copy = snapshot.relation(name);
  assert.notEqual(copy, name, 'the copy is in use');
  for (const [a, b] of [
    [name, copy],
    [copy, name],
  ]) {
    const extra = await warehouse.query(`SELECT * FROM ${a} EXCEPT ALL SELECT * FROM ${b}`);
    assert.deepEqual(extra, [], `${a} has rows ${b} lacks`);
  }
}

async function sameAll(snapshot: DuckDbAnalyticsSnapshot): Promise<void> {
  for (const name of ['events_deduped', 'sessions_merged', 'users_merged'] as const) await same(snapshot, name);
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'console-snapshot-'));
  warehouse = await DuckDbWarehouse.open(join(dir, 'warehouse.duckdb'), join(dir, 'warehouse'));
});
after(async () => {
  warehouse.close();
  await rm(dir, { recursive: true, force: true });
});

describe('analytics snapshot', () => {
  it('stays equal to the views through new files, re-deliveries, rewrites and view changes', async () => {
    const snapshot = new DuckDbAnalyticsSnapshot(warehouse, { recheckMs: 0 });
    // No views yet: the relations are used as they are.
    assert.equal(await snapshot.refresh(), false);
    assert.equal(snapshot.relation('events_deduped'), 'events_deduped');

    await writeFile(EventsTable, '2025-03-03', 'job-1', [
      event('a', '2025-03-03 10:00:05', 'r1'),
      event('a', '2025-03-03 10:00:09', 'r2'),
      event('b', '2025-03-03 10:00:05', 'r1'),
    ]);
    await writeFile(SessionsTable, '2025-03-03', 'job-1', [{ session_id: 's1', user_pseudo_id: 'u1', session_start: '2025-03-03 10:00:00', session_end: '2025-03-03 10:00:00', event_count: 3 }]);
    await writeFile(UsersTable, '2025-03-03', 'job-1', [{ user_pseudo_id: 'u1', first_touch_timestamp: '2025-03-03 10:00:00', last_seen: '2025-03-03 10:00:00' }]);
    for (const spec of [EventsTable, SessionsTable, UsersTable]) await warehouse.run(view(spec));
    await warehouse.run(`CREATE OR REPLACE VIEW events_deduped AS ${DEDUPE}`);
    await warehouse.run(`CREATE OR REPLACE VIEW sessions_merged AS ${SESSIONS}`);
    await warehouse.run(`CREATE OR REPLACE VIEW users_merged AS ${USERS}`);
    assert.equal(await snapshot.refresh(), true, 'first build');
    await sameAll(snapshot);
    assert.equal(await snapshot.refresh(), false, 'nothing new');

    // A later job: a re-delivery of a that loses (later), one of b that wins (earlier ingest), a new event c,
    // a second partial row of s1 and a new session s2.
    await writeFile(EventsTable, '2025-03-04', 'job-2', [
      event('a', '2025-03-03 10:00:30', 'r3'),
      event('b', '2025-03-03 10:00:01', 'r0'),
      event('c', '2025-03-04 09:00:00', 'r4', { event_timestamp: '2025-03-04 09:00:00', session_id: 's2' }),
    ]);
    await writeFile(SessionsTable, '2025-03-04', 'job-2', [
      { session_id: 's1', user_pseudo_id: 'u1', session_start: '2025-03-03 10:00:00', session_end: '2025-03-03 10:20:00', event_count: 2 },
      { session_id: 's2', user_pseudo_id: 'u1', session_start: '2025-03-04 09:00:00', session_end: '2025-03-04 09:00:00', event_count: 1 },
    ]);
    await writeFile(UsersTable, '2025-03-04', 'job-2', [{ user_pseudo_id: 'u1', first_touch_timestamp: '2025-03-04 09:00:00', last_seen: '2025-03-04 09:00:00' }]);
    assert.equal(await snapshot.refresh(), true);
    await sameAll(snapshot);
    const titles = await warehouse.query<{ event_id: string; page_title: string }>(`SELECT event_id, page_title FROM ${snapshot.relation('events_deduped')} ORDER BY 1`);
    assert.deepEqual(titles, [
      { event_id: 'a', page_title: 'a via r1' },
      { event_id: 'b', page_title: 'b via r0' },
      { event_id: 'c', page_title: 'c via r4' },
    ]);
    const merged = await warehouse.query<{ partial_rows: number | string }>(`SELECT partial_rows FROM ${snapshot.relation('sessions_merged')} WHERE session_id = 's1'`);
    assert.equal(Number(merged[0]!.partial_rows), 2);

    // A rerun rewrote job-1's file with other content: everything is rebuilt.
    await writeFile(EventsTable, '2025-03-03', 'job-1', [event('a', '2025-03-03 10:00:09', 'r2', { page_title: 'rewritten, and longer than before' }), event('d', '2025-03-03 10:00:05', 'r1')]);
    assert.equal(await snapshot.refresh(), true);
    await sameAll(snapshot);

    // A new dedupe rule: rebuilt again (here: the last delivery wins).
    await warehouse.run(`CREATE OR REPLACE VIEW events_deduped AS ${DEDUPE.replace('ORDER BY ingest_timestamp, request_id', 'ORDER BY ingest_timestamp DESC, request_id DESC')}`);
    assert.equal(await snapshot.refresh(), true);
    await sameAll(snapshot);
  });

  it('is what DuckDbAnalytics queries, refreshed after invalidate()', async () => {
    const analytics = new DuckDbAnalytics(warehouse);
    const before = await analytics.eventCount('shop');
    await writeFile(EventsTable, '2025-03-05', 'job-3', [event('e', '2025-03-05 10:00:00', 'r5', { event_timestamp: '2025-03-05 10:00:00' })]);
    analytics.invalidate();
    assert.equal(await analytics.eventCount('shop'), before + 1);
  });
});

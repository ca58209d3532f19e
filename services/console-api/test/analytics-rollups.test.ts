// The pre-aggregates (domain/analytics/rollups.ts, kept by duckdb-analytics-snapshot.ts) answer
// exactly what the events answer: every dashboard and the explorations that read them give the
// same tables with and without them, in time zones of whole-hour, half-hour and quarter-hour
// offsets (and one whose DST moves by 30 minutes), with and without filters, after incremental
// updates (new events, re-deliveries that win, late events into old buckets) and after a rebuild;
// and the incrementally kept tables equal freshly made ones.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbType, EventsTable } from '@clickstream/contracts';
import { DuckDbWarehouse, sqlString } from '@clickstream/runtime';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbAnalytics } from '../src/adapters/local/duckdb-analytics.js';
import { dashboards, type DashboardName } from '../src/domain/analytics/dashboards/index.js';
import { activityDefinition, pageActivityDefinition, sequenceDefinition } from '../src/domain/analytics/rollups.js';
import { DashboardRequest, ExploreRequest } from '../src/domain/analytics/spec.js';

const APP = 'shop';
const NOW = Date.parse('2025-03-10T12:00:00Z');
let dir: string;
let warehouse: DuckDbWarehouse;
let fast: DuckDbAnalytics;
let direct: DuckDbAnalytics;

const DEDUPE = `SELECT * EXCLUDE (r) FROM (SELECT e.*, row_number() OVER (PARTITION BY app_id, event_id ORDER BY ingest_timestamp, request_id) AS r FROM events e) WHERE r = 1`;
const SESSIONS = `SELECT app_id, session_id, any_value(user_pseudo_id) AS user_pseudo_id, min(event_timestamp) AS session_start, max(event_timestamp) AS session_end,
  count(*) FILTER (WHERE event_type = '_page_view') AS page_view_count, count(*) AS event_count, CAST(count(*) * 1000 AS BIGINT) AS engagement_time_msec,
  count(*) FILTER (WHERE event_type = '_page_view') <= 1 AS is_bounce, min(page_url) AS entry_page, min(traffic_source_source) AS traffic_source_source,
  min(traffic_source_medium) AS traffic_source_medium, min(traffic_source_campaign) AS traffic_source_campaign, min(channel_group) AS channel_group,
  min(country) AS country, min(region) AS region, min(city) AS city, min(browser) AS browser, min(os) AS os, min(device_category) AS device_category, min(platform) AS platform
  FROM events_deduped WHERE session_id IS NOT NULL GROUP BY app_id, session_id`;
const USERS = `SELECT app_id, user_pseudo_id, min(event_timestamp) AS first_touch_timestamp, min(channel_group) AS first_channel_group, max(event_timestamp) AS last_seen
  FROM events_deduped WHERE user_pseudo_id IS NOT NULL GROUP BY app_id, user_pseudo_id`;

let files = 0;
/**
 * Writes `count` generated events (seeded by `seed`) as a new file of the events table: users
 * with several sessions over days, browsers that change within a session, events without a
 * session or a user, engagement times, a few odd timestamps at bucket edges.
 */
async function writeEvents(seed: number, count: number, options: { days?: number; from?: string; idFrom?: number; ingest?: string } = {}): Promise<void> {
  const folder = join(warehouse.root, 'events', `app_id=${APP}`, 'year=2025', 'month=3', `day=${files + 1}`);
  await mkdir(folder, { recursive: true });
  const days = options.days ?? 12;
  const from = options.from ?? '2025-02-27 00:00:00';
  const value: Record<string, string> = {
    event_id: `'e-' || (i + ${options.idFrom ?? 0})`,
    event_type: `(['_page_view', '_page_view', '_screen_view', 'view_item', '_user_engagement', '_scroll', 'purchase', '_session_start'])[1 + (hash(i, ${seed}, 1) % 8)::INTEGER]`,
    // Minutes 0, 15, 30 and 45 exactly now and then: the edges of buckets and of half-hour zones' days.
    event_timestamp: `TIMESTAMP '${from}' + to_minutes((hash(i, ${seed}, 2) % ${days * 96})::BIGINT * 15) + CASE WHEN hash(i, ${seed}, 3) % 4 = 0 THEN INTERVAL 0 SECOND ELSE to_seconds((hash(i, ${seed}, 4) % 900)::BIGINT) END`,
    ingest_timestamp: options.ingest ? `TIMESTAMP '${options.ingest}'` : `TIMESTAMP '2025-03-20 00:00:00'`,
    platform: `CASE WHEN hash(i, ${seed}, 5) % 5 = 0 THEN 'Android' ELSE 'Web' END`,
    user_pseudo_id: `CASE WHEN hash(i, ${seed}, 6) % 40 = 0 THEN NULL ELSE 'u' || (hash(i, ${seed}, 7) % 30) END`,
    session_id: `CASE WHEN hash(i, ${seed}, 8) % 30 = 0 THEN NULL ELSE 's' || (hash(i, ${seed}, 9) % 80) END`,
    page_url: `'https://shop.example/' || (['', 'product?id=1', 'product', 'blog', 'cart'])[1 + (hash(i, ${seed}, 10) % 5)::INTEGER]`,
    screen_name: `CASE WHEN hash(i, ${seed}, 11) % 7 = 0 THEN 'Home' END`,
    locale: `(['en-US', 'de-DE', NULL])[1 + (hash(i, ${seed}, 12) % 3)::INTEGER]`,
    app_version: `'1.' || (hash(i, ${seed}, 13) % 3)`,
    attributes: `CASE WHEN hash(i, ${seed}, 14) % 3 = 0 THEN '{"_engagement_time_msec":' || (hash(i, ${seed}, 15) % 20000) || ',"plan":"pro"}' ELSE '{"plan":"free"}' END`,
    user_attributes: `'{}'`,
    items: `'[]'`,
    request_id: `'r-' || i`,
    browser: `(['Chrome', 'Safari', 'Firefox', NULL])[1 + (hash(i, ${seed}, 16) % 4)::INTEGER]`,
    os: `(['Windows', 'iOS', 'Linux'])[1 + (hash(i, ${seed}, 17) % 3)::INTEGER]`,
    device_category: `(['desktop', 'mobile'])[1 + (hash(i, ${seed}, 18) % 2)::INTEGER]`,
    country: `(['DE', 'US', 'IN', NULL])[1 + (hash(i, ${seed}, 19) % 4)::INTEGER]`,
    continent: `(['EU', 'NA', 'AS'])[1 + (hash(i, ${seed}, 20) % 3)::INTEGER]`,
    region: `(['Bavaria', 'California', 'Île-de-France', NULL])[1 + (hash(i, ${seed}, 26) % 4)::INTEGER]`,
    city: `(['Munich', 'San Francisco', NULL])[1 + (hash(i, ${seed}, 27) % 3)::INTEGER]`,
    // Per user, as a device reports it; a few users' SDKs report none.
    screen_width: `([1920, 390, 1440, NULL])[1 + (hash(hash(i, ${seed}, 7) % 30) % 4)::INTEGER]`,
    screen_height: `([1080, 844, 900, NULL])[1 + (hash(hash(i, ${seed}, 7) % 30) % 4)::INTEGER]`,
    is_bot: `hash(i, ${seed}, 21) % 11 = 0`,
    traffic_source_source: `(['google', '(direct)', 'newsletter'])[1 + (hash(i, ${seed}, 22) % 3)::INTEGER]`,
    traffic_source_medium: `(['organic', '(none)', 'email', NULL])[1 + (hash(i, ${seed}, 23) % 4)::INTEGER]`,
    traffic_source_campaign: `CASE WHEN hash(i, ${seed}, 24) % 3 = 0 THEN 'spring' END`,
    channel_group: `(['Organic Search', 'Direct', 'Email'])[1 + (hash(i, ${seed}, 25) % 3)::INTEGER]`,
  };
  const select = EventsTable.columns.map((c) => `CAST(${value[c.name] ?? 'NULL'} AS ${DuckDbType[c.type]}) AS "${c.name}"`).join(', ');
  await warehouse.run(`COPY (SELECT ${select} FROM range(0, ${count}) t(i)) TO ${sqlString(join(folder, `f${files++}.parquet`))} (FORMAT parquet)`);
}

async function declareViews(dedupe = DEDUPE): Promise<void> {
  const columns = [...EventsTable.columns, ...EventsTable.partitionKeys];
  await warehouse.run(`CREATE OR REPLACE VIEW events AS SELECT ${columns.map((c) => `CAST("${c.name}" AS ${DuckDbType[c.type]}) AS "${c.name}"`).join(', ')}
    FROM read_parquet(${sqlString(join(warehouse.root, 'events', '*', '*', '*', '*', '*.parquet'))}, hive_partitioning = true, union_by_name = true,
      hive_types = {'app_id': VARCHAR, 'year': INTEGER, 'month': INTEGER, 'day': INTEGER})`);
  await warehouse.run(`CREATE OR REPLACE VIEW events_deduped AS ${dedupe}`);
  await warehouse.run(`CREATE OR REPLACE VIEW sessions_merged AS ${SESSIONS}`);
  await warehouse.run(`CREATE OR REPLACE VIEW users_merged AS ${USERS}`);
}

const ZONES = ['UTC', 'America/New_York', 'Asia/Kolkata', 'Asia/Kathmandu', 'Australia/Lord_Howe'];
const FILTERS = [
  [],
  [{ field: { dimension: 'browser' }, op: 'eq', values: ['Chrome'] }],
  [{ field: { dimension: 'source_medium' }, op: 'contains', values: ['goo'] }, { field: { dimension: 'is_bot' }, op: 'eq', values: ['false'] }],
  [{ field: { attribute: 'plan' }, op: 'eq', values: ['pro'] }],
  [{ field: { dimension: 'screen_size' }, op: 'eq', values: ['1920x1080'] }, { field: { dimension: 'region' }, op: 'neq', values: ['Bavaria'] }],
];
const RANGE = { start: '2025-03-01', end: '2025-03-07' };

async function same(label: string, run: (analytics: DuckDbAnalytics) => Promise<{ tables: unknown; comparison?: unknown }>): Promise<void> {
  const [a, b] = [await run(fast), await run(direct)];
  assert.deepEqual(a.tables, b.tables, label);
  assert.deepEqual(a.comparison, b.comparison, `${label} (comparison)`);
}

/** Each zone once without filters, and each filter set in a zone of its own. */
const CASES = [...ZONES.map((timezone) => ({ timezone, filters: FILTERS[0]! })), ...FILTERS.slice(1).map((filters, i) => ({ timezone: ZONES[(i + 1) % ZONES.length]!, filters }))];

async function everyQuery(stage: string): Promise<void> {
  for (const { timezone, filters } of CASES) {
    {
      const base = { dateRange: RANGE, timezone, filters, comparison: { type: 'previous_period' } };
      const label = (what: string) => `${stage}: ${what} in ${timezone} with ${JSON.stringify(filters)}`;
      for (const name of Object.keys(dashboards) as DashboardName[]) {
        await same(label(name), (x) => x.dashboard(APP, name, DashboardRequest.parse({ ...base, limit: 4 })));
      }
      for (const exploration of [
        { type: 'retention', granularity: 'day', periods: 5 },
        { type: 'retention', granularity: 'week', periods: 3 },
        { type: 'path', start: '_page_view', depth: 3, limit: 3 },
        { type: 'path', direction: 'previous', depth: 2 },
        { type: 'path', nodeType: 'page', depth: 3, limit: 2 },
      ]) {
        await same(label(JSON.stringify(exploration)), (x) => x.explore(APP, ExploreRequest.parse({ ...base, exploration })));
      }
    }
  }
}

/** The kept pre-aggregates equal ones made now from the events copy. */
async function keptEqualsFresh(): Promise<void> {
  for (const [table, definition] of [
    ['activity', activityDefinition('console_analytics.events_deduped')],
    ['page_activity', pageActivityDefinition('console_analytics.events_deduped')],
    ['event_sequence', sequenceDefinition('console_analytics.events_deduped')],
  ] as const) {
    for (const [x, y] of [
      [`SELECT * FROM console_analytics.${table}`, definition],
      [definition, `SELECT * FROM console_analytics.${table}`],
    ]) {
      const extra = await warehouse.query(`${x} EXCEPT ALL ${y}`);
      assert.deepEqual(extra, [], `${table}: rows only one side has`);
    }
  }
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'console-rollups-'));
  warehouse = await DuckDbWarehouse.open(join(dir, 'warehouse.duckdb'), join(dir, 'warehouse'));
  await writeEvents(1, 3000);
  await declareViews();
  fast = new DuckDbAnalytics(warehouse, { clock: { now: () => NOW } });
  direct = new DuckDbAnalytics(warehouse, { clock: { now: () => NOW }, rollups: false });
});
after(async () => {
  warehouse.close();
  await rm(dir, { recursive: true, force: true });
});

describe('analytics pre-aggregates', () => {
  it('are read where they answer exactly, and not elsewhere', async () => {
    await fast.eventCount(APP);
    const sqlOf = (timezone: string, filters: unknown[] = []) =>
      fast
        .compile(APP, DashboardRequest.parse({ dateRange: RANGE, timezone, filters }), (ctx) => dashboards.devices(ctx, 5))
        .map((q) => q.sql)
        .join('\n');
    assert.match(sqlOf('UTC'), /console_analytics\.activity/);
    assert.match(sqlOf('Asia/Kathmandu', FILTERS[1]!), /console_analytics\.activity/);
    assert.match(sqlOf('UTC', FILTERS[4]!), /console_analytics\.activity/, 'screen size and region are activity columns');
    // An attribute filter needs the events themselves.
    assert.doesNotMatch(sqlOf('UTC', FILTERS[3]!), /console_analytics\.activity/);
    const plain = direct.compile(APP, DashboardRequest.parse({ dateRange: RANGE }), (ctx) => dashboards.devices(ctx, 5));
    assert.doesNotMatch(plain.map((q) => q.sql).join('\n'), /console_analytics\.activity/);
    const engagement = fast.compile(APP, DashboardRequest.parse({ dateRange: RANGE, timezone: 'Asia/Kolkata' }), (ctx) => dashboards.engagement(ctx, 5));
    assert.match(engagement.map((q) => q.sql).join('\n'), /console_analytics\.page_activity/);
  });

  it('give the same answers as the events after the first build', async () => {
    await keptEqualsFresh();
    await everyQuery('first build');
  });

  it('stay the same through new files: new events, winning re-deliveries, late events into old buckets', async () => {
    // Same ids as the first file, delivered earlier: they win the dedupe and move to other times and users.
    await writeEvents(2, 400, { ingest: '2025-03-01 00:00:00' });
    // New ids, late: into buckets and sessions the first build already has.
    await writeEvents(3, 600, { idFrom: 100_000 });
    // Same ids as the file before, delivered later: they lose and change nothing.
    await writeEvents(4, 50, { idFrom: 100_000, ingest: '2025-04-01 00:00:00' });
    fast.invalidate();
    direct.invalidate();
    await fast.eventCount(APP);
    await keptEqualsFresh();
    await everyQuery('after new files');
  });

  it('stay the same after a rebuild (a changed view definition)', async () => {
    await declareViews(DEDUPE.replace('ORDER BY ingest_timestamp, request_id', 'ORDER BY ingest_timestamp DESC, request_id DESC'));
    fast.invalidate();
    direct.invalidate();
    await fast.eventCount(APP);
    await keptEqualsFresh();
    await everyQuery('after a rebuild');
  });
});

import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbType, partitionLocation, WarehouseTables, type Partition, type TableSpec } from '@clickstream/contracts';
import { DuckDbWarehouse, sqlString } from '@clickstream/runtime';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DuckDbCatalog } from '../src/adapters/local/duckdb-catalog.js';
import { loadViewFiles } from '../src/domain/view-files.js';

type Value = string | number | null;
type Row = Record<string, Value>;

const uuid = (n: number) => `6f1c2b1e-8d4a-4c3b-9a2f-${String(n).padStart(12, '0')}`;

function eventRow(n: number, over: Row = {}): Row {
  return {
    event_id: uuid(n),
    event_type: '_page_view',
    event_timestamp: '2026-11-29 09:59:00',
    client_timestamp: Date.UTC(2026, 10, 29, 9, 59),
    ingest_timestamp: '2026-11-29 10:00:00',
    platform: 'Web',
    user_pseudo_id: `pseudo-${n}`,
    user_id: null,
    device_id: null,
    session_id: 'session-1',
    page_url: 'https://shop.example.com/',
    page_title: null,
    page_referrer: null,
    screen_name: null,
    locale: null,
    os_name: null,
    os_version: null,
    make: null,
    model: null,
    app_version: null,
    sdk_name: null,
    sdk_version: null,
    client_ip: null,
    user_agent: null,
    attributes: '{}',
    user_attributes: '{}',
    items: '[]',
    request_id: `req-${n}`,
    ...over,
  };
}

function badRow(over: Row = {}): Row {
  return {
    request_id: 'req-bad',
    ingest_timestamp: '2026-11-29 10:00:00',
    reason_code: 'INVALID_JSON',
    reason: 'Request body is not valid JSON.',
    event_id: null,
    raw: '[{',
    ...over,
  };
}

function partition(table: 'events' | 'bad_rows', appId: string, day = 29): Partition {
  const p = { table, appId, year: 2026, month: 11, day };
  return { ...p, location: partitionLocation(p) };
}

/**
 * Writes one Parquet file the way the process service lays them out (hive folders, partition
 * columns in the path only), using nothing but DuckDB SQL.
 */
async function writeParquet(warehouse: DuckDbWarehouse, p: Partition, file: string, rows: Row[], without: readonly string[] = []): Promise<void> {
  const full: TableSpec = WarehouseTables[p.table as keyof typeof WarehouseTables];
  const spec = { ...full, columns: full.columns.filter((c) => !without.includes(c.name)) };
  const target = join(warehouse.root, p.location, file);
  await mkdir(dirname(target), { recursive: true });
  await warehouse.withConnection(async (c) => {
    await c.run(`CREATE TEMP TABLE staged (${spec.columns.map((col) => `"${col.name}" ${DuckDbType[col.type]}`).join(', ')})`);
    for (const row of rows) {
      const values = spec.columns.map((col, i) => `CAST($${i + 1} AS ${DuckDbType[col.type]})`).join(', ');
      await c.run(`INSERT INTO staged VALUES (${values})`, spec.columns.map((col) => row[col.name] ?? null));
    }
    await c.run(`COPY staged TO ${sqlString(target)} (FORMAT parquet)`);
  });
}

async function setup(t: TestContext) {
  const dir = await mkdtemp(join(tmpdir(), 'athena-catalog-'));
  const warehouse = await DuckDbWarehouse.open(':memory:', join(dir, 'warehouse'));
  t.after(async () => {
    warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });
  const catalog = new DuckDbCatalog(warehouse, loadViewFiles());
  const count = async (sql: string) => Number((await warehouse.query<{ n: number | string }>(sql))[0]!.n);
  return { warehouse, catalog, count };
}

async function describeView(warehouse: DuckDbWarehouse, view: string): Promise<[string, string][]> {
  const rows = await warehouse.query<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM "${view}"`);
  return rows.map((r) => [r.column_name, r.column_type]);
}

const contractColumns = (spec: TableSpec): [string, string][] =>
  [...spec.columns, ...spec.partitionKeys].map((c) => [c.name, DuckDbType[c.type]]);

describe('DuckDbCatalog', () => {
  it('before any data, the table and analysis views exist, are empty, and carry the contract columns and types', async (t) => {
    const { warehouse, catalog, count } = await setup(t);
    await catalog.ensureSchema();
    await catalog.refreshViews();

    const views = await warehouse.query<{ table_name: string }>(
      "SELECT table_name FROM information_schema.tables WHERE table_type = 'VIEW' ORDER BY table_name",
    );
    assert.deepEqual(
      views.map((v) => v.table_name),
      ['bad_rows', 'daily_active_users', 'events', 'events_deduped', 'items', 'sessions', 'sessions_merged', 'users', 'users_merged'],
    );
    for (const view of ['events', 'bad_rows', 'events_deduped', 'daily_active_users', 'sessions', 'sessions_merged', 'users', 'users_merged', 'items']) {
      assert.equal(await count(`SELECT count(*) AS n FROM ${view}`), 0, view);
    }
    assert.deepEqual(await describeView(warehouse, 'events'), contractColumns(WarehouseTables.events));
    assert.deepEqual(await describeView(warehouse, 'bad_rows'), contractColumns(WarehouseTables.bad_rows));
    for (const table of ['sessions', 'users', 'items'] as const) {
      assert.deepEqual(await describeView(warehouse, table), contractColumns(WarehouseTables[table]));
    }
    assert.deepEqual(await describeView(warehouse, 'events_deduped'), contractColumns(WarehouseTables.events));
    assert.deepEqual(await catalog.activeApps(), []);
  });

  it('registers partitions and exposes their files through typed views', async (t) => {
    const { warehouse, catalog, count } = await setup(t);
    const shop = partition('events', 'shop_web');
    const bad = partition('bad_rows', 'shop_web');
    await writeParquet(warehouse, shop, 'job-a.parquet', [eventRow(1), eventRow(2)]);
    await writeParquet(warehouse, bad, 'job-a.parquet', [badRow()]);

    assert.deepEqual(await catalog.addPartitions([shop, bad]), { added: 2, alreadyPresent: 0 });
    assert.equal(await count('SELECT count(*) AS n FROM events'), 2);
    assert.equal(await count('SELECT count(*) AS n FROM bad_rows'), 1);
    assert.deepEqual(await describeView(warehouse, 'events'), contractColumns(WarehouseTables.events), 'same types as when empty');

    const [row] = await warehouse.query<Record<string, unknown>>('SELECT app_id, year, month, day, event_timestamp FROM events WHERE event_id = $id', {
      id: uuid(1),
    });
    assert.deepEqual(row, { app_id: 'shop_web', year: 2026, month: 11, day: 29, event_timestamp: '2026-11-29 09:59:00' });
    assert.deepEqual(await catalog.activeApps(), ['shop_web']);
  });

  it('a table with files next to one without: the empty one stays an empty typed view', async (t) => {
    const { warehouse, catalog, count } = await setup(t);
    const bad = partition('bad_rows', '_unknown');
    await writeParquet(warehouse, bad, 'job-a.parquet', [badRow({ reason_code: 'INVALID_ENVELOPE' })]);
    await catalog.addPartitions([bad]);
    assert.equal(await count('SELECT count(*) AS n FROM bad_rows'), 1);
    assert.equal(await count('SELECT count(*) AS n FROM events'), 0);
    assert.deepEqual(await describeView(warehouse, 'events'), contractColumns(WarehouseTables.events));
  });

  it('events_deduped keeps one row per (app_id, event_id), the first ingested', async (t) => {
    const { warehouse, catalog, count } = await setup(t);
    const shop = partition('events', 'shop_web');
    const blog = partition('events', 'blog_web');
    // Two runs both carried event 2 (an SDK retry landing in two jobs); blog_web reuses id 1.
    await writeParquet(warehouse, shop, 'job-a.parquet', [eventRow(1), eventRow(2, { request_id: 'req-early' })]);
    await writeParquet(warehouse, shop, 'job-b.parquet', [
      eventRow(2, { request_id: 'req-late', ingest_timestamp: '2026-11-29 10:05:00' }),
      eventRow(3),
    ]);
    await writeParquet(warehouse, blog, 'job-b.parquet', [eventRow(1)]);
    await catalog.addPartitions([shop, blog]);

    assert.equal(await count('SELECT count(*) AS n FROM events'), 5);
    assert.equal(await count('SELECT count(*) AS n FROM events_deduped'), 4);
    const twos = await warehouse.query<{ request_id: string }>('SELECT request_id FROM events_deduped WHERE event_id = $id', { id: uuid(2) });
    assert.deepEqual(twos, [{ request_id: 'req-early' }]);
    assert.equal(await count(`SELECT count(*) AS n FROM events_deduped WHERE event_id = '${uuid(1)}'`), 2, 'one per app');

    const dau = await warehouse.query<{ app_id: string; activity_date: string; active_users: number | string; events: number | string }>(
      'SELECT app_id, CAST(activity_date AS VARCHAR) AS activity_date, active_users, events FROM daily_active_users ORDER BY app_id',
    );
    assert.deepEqual(
      dau.map((d) => [d.app_id, d.activity_date, Number(d.active_users), Number(d.events)]),
      [
        ['blog_web', '2026-11-29', 1, 1],
        ['shop_web', '2026-11-29', 3, 3],
      ],
    );
  });

  it('replaying the same partitions adds nothing and reports them as already present', async (t) => {
    const { warehouse, catalog, count } = await setup(t);
    const parts = [partition('events', 'shop_web'), partition('events', 'shop_web', 30), partition('events', 'blog_web')];
    for (const p of parts) await writeParquet(warehouse, p, 'job-a.parquet', [eventRow(p.day * 100 + p.appId.length)]);

    assert.deepEqual(await catalog.addPartitions(parts), { added: 3, alreadyPresent: 0 });
    assert.deepEqual(await catalog.addPartitions(parts), { added: 0, alreadyPresent: 3 });
    assert.deepEqual(await catalog.addPartitions([parts[0]!, partition('events', 'shop_web', 28)]), { added: 1, alreadyPresent: 1 });

    assert.equal(await count('SELECT count(*) AS n FROM _catalog_partitions'), 4);
    assert.equal(await count('SELECT count(*) AS n FROM events'), 3, 'the replay duplicated no rows');
    assert.deepEqual(await catalog.activeApps(), ['blog_web', 'shop_web']);
  });

  it('files written before a column was added to the contract: the views still have it, NULL for their rows', async (t) => {
    const { warehouse, catalog } = await setup(t);
    const shop = partition('events', 'shop_web');
    const added = ['region', 'city', 'screen_width', 'screen_height'];
    await writeParquet(warehouse, shop, 'job-a.parquet', [eventRow(1, { country: 'US' })], added);
    await catalog.addPartitions([shop]);
    assert.deepEqual(await describeView(warehouse, 'events'), contractColumns(WarehouseTables.events), 'every contract column, typed');
    const only = await warehouse.query<Row>('SELECT country, region, city, screen_width FROM events_deduped');
    assert.deepEqual(only, [{ country: 'US', region: null, city: null, screen_width: null }]);

    await writeParquet(warehouse, shop, 'job-b.parquet', [eventRow(2, { country: 'US', region: 'California', city: 'Mountain View', screen_width: 1920 })]);
    await catalog.addPartitions([shop]);
    const both = await warehouse.query<Row>('SELECT event_id, region, city, screen_width FROM events ORDER BY event_id');
    assert.deepEqual(both, [
      { event_id: uuid(1), region: null, city: null, screen_width: null },
      { event_id: uuid(2), region: 'California', city: 'Mountain View', screen_width: 1920 },
    ]);
  });

  it('refreshing picks up files of a later run in an already registered partition', async (t) => {
    const { warehouse, catalog, count } = await setup(t);
    const shop = partition('events', 'shop_web');
    await writeParquet(warehouse, shop, 'job-a.parquet', [eventRow(1)]);
    await catalog.addPartitions([shop]);
    await writeParquet(warehouse, shop, 'job-b.parquet', [eventRow(2)]);
    assert.deepEqual(await catalog.addPartitions([shop]), { added: 0, alreadyPresent: 1 });
    assert.equal(await count('SELECT count(*) AS n FROM events'), 2);
  });
});

import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbType, EventsTable, BadRowsTable, partitionLocation } from '@clickstream/contracts';
import { DuckDbWarehouse, sqlString } from '@clickstream/runtime';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbTableWriter } from '../src/adapters/local/duckdb-table-writer.js';
import type { BadRow, EventRow, TableRows } from '../src/domain/rows.js';

const uuid = (n: number) => `6f1c2b1e-8d4a-4c3b-9a2f-${String(n).padStart(12, '0')}`;

function eventRow(n: number, appId = 'shop_web', day = 29): EventRow {
  const dd = String(day).padStart(2, '0');
  return {
    event_id: uuid(n),
    event_type: '_page_view',
    event_timestamp: `2026-11-${dd} 09:59:00.000`,
    client_timestamp: Date.UTC(2026, 10, day, 9, 59),
    ingest_timestamp: `2026-11-${dd} 10:00:00.000`,
    app_id: appId,
    year: 2026,
    month: 11,
    day,
    platform: 'Web',
    user_pseudo_id: `pseudo-${n}`,
    user_id: n % 2 === 0 ? `user-${n}` : null,
    device_id: null,
    session_id: 'session-1',
    page_url: 'https://shop.example.com/',
    page_title: "Shop's home",
    page_referrer: null,
    screen_name: null,
    locale: 'fr-FR',
    os_name: null,
    os_version: null,
    make: null,
    model: null,
    app_version: null,
    sdk_name: 'aws-solution-clickstream-sdk',
    sdk_version: '0.12.0',
    client_ip: '203.0.113.9',
    user_agent: 'Mozilla/5.0',
    attributes: '{"_session_id":"session-1"}',
    user_attributes: '{}',
    items: '[]',
    request_id: `req-${n}`,
    browser: 'Chrome',
    browser_version: '124.0.0.0',
    os: 'Windows',
    device_category: 'desktop',
    device_vendor: null,
    device_model: null,
    country: 'FR',
    continent: 'EU',
    is_bot: false,
    traffic_source_source: 'google',
    traffic_source_medium: 'organic',
    traffic_source_campaign: null,
    traffic_source_campaign_id: null,
    traffic_source_content: null,
    traffic_source_term: null,
    traffic_source_clid: null,
    traffic_source_clid_platform: null,
    channel_group: 'Organic Search',
    truncated: false,
    region: 'Île-de-France',
    city: 'Paris',
    screen_width: 1920,
    screen_height: 1080,
  };
}

/** A run's rows: the tables not given are empty. */
const tables = (rows: Partial<TableRows>): TableRows => ({ events: [], sessions: [], users: [], items: [], bad_rows: [], ...rows });

function badRow(appId = '_unknown'): BadRow {
  return {
    request_id: 'unknown',
    ingest_timestamp: '2026-11-29 10:15:00.000',
    app_id: appId,
    year: 2026,
    month: 11,
    day: 29,
    reason_code: 'INVALID_ENVELOPE',
    reason: 'Stream record is not a valid ingest envelope.',
    event_id: null,
    raw: 'garbage',
  };
}

async function setup(t: TestContext) {
  const dir = await mkdtemp(join(tmpdir(), 'process-writer-'));
  const root = join(dir, 'warehouse');
  const staging = join(dir, 'staging');
  const warehouse = await DuckDbWarehouse.open(':memory:', root);
  t.after(async () => {
    warehouse.close();
    await rm(dir, { recursive: true, force: true });
  });
  return { warehouse, root, staging, writer: new DuckDbTableWriter(warehouse, staging) };
}

async function readFileBytes(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const f of await filesUnder(root)) out.push(`${f}:${(await readFile(join(root, f))).toString('base64')}`);
  return out;
}

/** Every file under the warehouse root, relative to it, sorted. */
async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length + 1))
    .sort();
}

const parquetOf = (root: string, table: string) =>
  `read_parquet(${sqlString(`${root}/${table}/*/*/*/*/*.parquet`)}, hive_partitioning = true)`;

const JOB = 'job-00000000000000000000-00000000000000000012';

describe('DuckDbTableWriter', () => {
  it('writes each partition as <root>/<table>/app_id=…/year=…/month=…/day=…/<jobId>.parquet and reports it', async (t) => {
    const { writer, root } = await setup(t);
    const rows = tables({ events: [eventRow(1), eventRow(2), eventRow(3)], bad_rows: [badRow()] });
    const result = await writer.write(JOB, rows);

    assert.deepEqual(await filesUnder(root), [
      `bad_rows/app_id=_unknown/year=2026/month=11/day=29/${JOB}.parquet`,
      `events/app_id=shop_web/year=2026/month=11/day=29/${JOB}.parquet`,
    ]);
    assert.deepEqual(
      [...result.files].sort((a, b) => a.key.localeCompare(b.key)),
      [
        { table: 'bad_rows', appId: '_unknown', key: `bad_rows/app_id=_unknown/year=2026/month=11/day=29/${JOB}.parquet`, rows: 1 },
        { table: 'events', appId: 'shop_web', key: `events/app_id=shop_web/year=2026/month=11/day=29/${JOB}.parquet`, rows: 3 },
      ],
    );
    for (const p of result.partitions) {
      assert.equal(p.location, partitionLocation(p), 'each partition names its own location');
    }
    assert.deepEqual(result.partitions.map((p) => p.location).sort(), [
      'bad_rows/app_id=_unknown/year=2026/month=11/day=29',
      'events/app_id=shop_web/year=2026/month=11/day=29',
    ]);
  });

  it('writes Parquet that DuckDB reads back with the contract columns, types and values', async (t) => {
    const { writer, warehouse, root } = await setup(t);
    await writer.write(JOB, tables({ events: [eventRow(1), eventRow(2)], bad_rows: [badRow()] }));

    for (const spec of [EventsTable, BadRowsTable]) {
      const described = await warehouse.query<{ column_name: string; column_type: string }>(
        `DESCRIBE SELECT * FROM ${parquetOf(root, spec.name)}`,
      );
      const types = new Map(described.map((d) => [d.column_name, d.column_type]));
      for (const c of spec.columns) assert.equal(types.get(c.name), DuckDbType[c.type], `${spec.name}.${c.name}`);
      for (const k of spec.partitionKeys) assert.ok(types.has(k.name), `${spec.name} has partition key ${k.name}`);
      assert.equal(types.size, spec.columns.length + spec.partitionKeys.length, `${spec.name} has no extra columns`);
    }

    const [row] = await warehouse.query<Record<string, unknown>>(
      `SELECT * EXCLUDE (year, month, day), CAST(year AS INTEGER) AS year, CAST(month AS INTEGER) AS month, CAST(day AS INTEGER) AS day
       FROM ${parquetOf(root, 'events')} WHERE event_id = $id`,
      { id: uuid(2) },
    );
    assert.ok(row);
    const expected = eventRow(2);
    assert.equal(row.event_id, expected.event_id);
    assert.equal(row.app_id, 'shop_web');
    assert.deepEqual([row.year, row.month, row.day], [2026, 11, 29]);
    assert.equal(String(row.event_timestamp), '2026-11-29 09:59:00');
    assert.equal(Number(row.client_timestamp), expected.client_timestamp);
    assert.equal(row.user_id, 'user-2');
    assert.equal(row.device_id, null);
    assert.equal(row.page_title, "Shop's home");
    assert.equal(row.attributes, expected.attributes);
  });

  it('keeps awkward text exactly: quotes, commas, newlines, control characters, unicode, empty vs null', async (t) => {
    const { writer, warehouse, root } = await setup(t);
    const awkward = ['', 'a,b', 'say "hi"', 'line\nbreak\r\n', '\u0001quote\u0001char', 'emoji 🎉 ünïcödé', '\\ back\\slash', ' padded '];
    const rows = awkward.map((text, i) => ({ ...eventRow(100 + i), page_title: text, page_referrer: null, attributes: JSON.stringify({ text }) }));
    await writer.write(JOB, tables({ events: rows }));
    const back = await warehouse.query<{ event_id: string; page_title: string | null; page_referrer: string | null; attributes: string }>(
      `SELECT event_id, page_title, page_referrer, attributes FROM ${parquetOf(root, 'events')} ORDER BY event_id`,
    );
    assert.deepEqual(back.map((r) => r.page_title), awkward);
    assert.deepEqual(back.map((r) => r.page_referrer), awkward.map(() => null));
    assert.deepEqual(back.map((r) => JSON.parse(r.attributes) as unknown), awkward.map((text) => ({ text })));
  });

  it('writes a row longer than the usual read buffer (its partition gets larger buffers)', async (t) => {
    const { writer, warehouse, root } = await setup(t);
    const huge = JSON.stringify({ blob: '\u0007'.repeat(1_500_000) });
    await writer.write(JOB, tables({ events: [{ ...eventRow(1), attributes: huge }, eventRow(2)] }));
    const back = await warehouse.query<{ n: number }>(`SELECT length(attributes)::INTEGER AS n FROM ${parquetOf(root, 'events')} ORDER BY n DESC`);
    assert.equal(back[0]!.n, huge.length);
  });

  it('keeps rows whole and in order across its write buffers: multi-byte text, rows larger than a buffer between small ones', async (t) => {
    const { writer, warehouse, root } = await setup(t);
    // Titles of varying length in 1-, 2-, 3- and 4-byte UTF-8 characters: lines end at every offset of
    // the staging buffer; every 500th row is longer than a whole buffer and is written on its own.
    const title = (i: number) => (i % 500 === 499 ? 'ü🎉'.repeat(40_000 + i) : `${'aé€🎉'.repeat(i % 97)}#${i}`);
    const rows = Array.from({ length: 3000 }, (_, i) => ({ ...eventRow(100_000 - i), page_title: title(i) }));
    await writer.write(JOB, tables({ events: rows }));
    const back = await warehouse.query<{ event_id: string; page_title: string }>(`SELECT event_id, page_title FROM ${parquetOf(root, 'events')}`);
    assert.equal(back.length, rows.length);
    assert.deepEqual(back.map((r) => r.event_id), rows.map((r) => r.event_id));
    back.forEach((r, i) => assert.equal(r.page_title, rows[i]!.page_title, `row ${i}`));
  });

  it('writes rows in the order they came, so a rewrite is byte-identical', async (t) => {
    const { writer, warehouse, root } = await setup(t);
    const rows = Array.from({ length: 5000 }, (_, i) => eventRow(10_000 - i));
    await writer.write(JOB, tables({ events: rows }));
    const first = await readFileBytes(root);
    await writer.write(JOB, tables({ events: rows }));
    assert.deepEqual(await readFileBytes(root), first);
    const back = await warehouse.query<{ event_id: string }>(`SELECT event_id FROM read_parquet(${sqlString(`${root}/events/*/*/*/*/*.parquet`)})`);
    assert.deepEqual(back.map((r) => r.event_id), rows.map((r) => r.event_id));
  });

  it('writing the same job twice leaves one file per partition and no duplicate rows', async (t) => {
    const { writer, warehouse, root } = await setup(t);
    const rows = tables({ events: [eventRow(1), eventRow(2)] });
    await writer.write(JOB, rows);
    const first = await filesUnder(root);
    await writer.write(JOB, rows);

    assert.deepEqual(await filesUnder(root), first);
    assert.deepEqual(first, [`events/app_id=shop_web/year=2026/month=11/day=29/${JOB}.parquet`]);
    const [count] = await warehouse.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${parquetOf(root, 'events')}`);
    assert.equal(Number(count!.n), 2);
  });

  it('a different job adds its own file beside the first in a shared partition', async (t) => {
    const { writer, root } = await setup(t);
    await writer.write(JOB, tables({ events: [eventRow(1)] }));
    await writer.write('job-00000000000000000012-00000000000000000020', tables({ events: [eventRow(2)] }));
    assert.deepEqual(await filesUnder(root), [
      `events/app_id=shop_web/year=2026/month=11/day=29/${JOB}.parquet`,
      'events/app_id=shop_web/year=2026/month=11/day=29/job-00000000000000000012-00000000000000000020.parquet',
    ]);
  });

  it('cleans its staging directory, after success and after a failure', async (t) => {
    const { writer, staging, root } = await setup(t);
    await writer.write(JOB, tables({ events: [eventRow(1)], bad_rows: [badRow()] }));
    assert.deepEqual(await readdir(staging), []);

    // A row the Parquet types reject (an unparseable timestamp) fails the COPY.
    const broken = { ...eventRow(2), event_timestamp: 'not a time' };
    await assert.rejects(writer.write('job-broken', tables({ events: [broken] })));
    assert.deepEqual(await readdir(staging), []);
    assert.ok(!(await filesUnder(root)).some((f) => f.includes('job-broken')), 'a failed write publishes nothing');
  });

  it('splits two apps over two days into four partitions, with the right row counts', async (t) => {
    const { writer, warehouse, root } = await setup(t);
    const rows = tables({
      events: [
        eventRow(1, 'shop_web', 28),
        eventRow(2, 'shop_web', 29),
        eventRow(3, 'shop_web', 29),
        eventRow(4, 'blog_web', 28),
        eventRow(5, 'blog_web', 28),
        eventRow(6, 'blog_web', 28),
        eventRow(7, 'blog_web', 29),
      ],
    });
    const result = await writer.write(JOB, rows);

    assert.deepEqual(
      result.files.map((f) => [f.key, f.rows]).sort(),
      [
        [`events/app_id=blog_web/year=2026/month=11/day=28/${JOB}.parquet`, 3],
        [`events/app_id=blog_web/year=2026/month=11/day=29/${JOB}.parquet`, 1],
        [`events/app_id=shop_web/year=2026/month=11/day=28/${JOB}.parquet`, 1],
        [`events/app_id=shop_web/year=2026/month=11/day=29/${JOB}.parquet`, 2],
      ],
    );
    assert.equal(result.partitions.length, 4);
    assert.equal((await filesUnder(root)).length, 4);

    const counts = await warehouse.query<{ app_id: string; day: number | string; n: number | string }>(
      `SELECT app_id, day, count(*) AS n FROM ${parquetOf(root, 'events')} GROUP BY ALL ORDER BY app_id, day`,
    );
    assert.deepEqual(
      counts.map((c) => [c.app_id, Number(c.day), Number(c.n)]),
      [
        ['blog_web', 28, 3],
        ['blog_web', 29, 1],
        ['shop_web', 28, 1],
        ['shop_web', 29, 2],
      ],
    );
  });

  it('writes nothing for a job without rows', async (t) => {
    const { writer, root } = await setup(t);
    assert.deepEqual(await writer.write(JOB, tables({})), { files: [], partitions: [], rowCounts: { events: 0, sessions: 0, users: 0, items: 0, bad_rows: 0 } });
    assert.deepEqual(await filesUnder(root), []);
  });
});

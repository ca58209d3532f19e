// Data retention end to end in the embedded runtime: an app created in the console keeping
// everything, events of two days ago and of today processed and loaded, then its retention set to
// 1 day (AppUpdated.v1 through the outbox → process's copy) and the daily retention run: the old
// day's files are gone, its partitions leave the catalog, Redshift (the DuckDB stand-in) loses its
// rows, and the views, the Redshift stand-in and the console's count agree on what is left. A late
// event of the removed day then becomes an EXPIRED_EVENT bad row instead of bringing the day back.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDbWarehouse } from '@clickstream/runtime';
import { EmbeddedConfig } from '../src/config.js';
import { startEmbedded, type EmbeddedRuntime } from '../src/runtime.js';
import { signIn, TEST_ADMIN_PASSWORD, type ConsoleSession } from './support/console-session.js';

const quiet = { info: () => undefined, error: (m: string, e?: unknown) => console.error(m, e) };
const HOUR = 3_600_000;
const APP = 'shop_web';

async function filesUnder(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile() && e.name.endsWith('.parquet')).map((e) => join(e.parentPath, e.name));
  } catch {
    return [];
  }
}

describe('data retention: console setting → process deletes old partitions → catalog, Redshift and views follow', () => {
  let dataDir: string;
  let runtime: EmbeddedRuntime;
  let admin: ConsoleSession;
  const now = Date.now();
  // 60 h ago is two or three UTC days back: before the cutoff of a 1-day retention, inside the 72 h late window.
  const old = now - 60 * HOUR;
  const oldDay = new Date(old).toISOString().slice(0, 10);
  const [oy, om, od] = oldDay.split('-').map(Number) as [number, number, number];

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'clickstream-retention-e2e-'));
    runtime = await startEmbedded(EmbeddedConfig.parse({ PORT: '0', DATA_DIR: dataDir, PROCESS_INTERVAL_SECONDS: '3600', ADMIN_PASSWORD: TEST_ADMIN_PASSWORD }), quiet);
    admin = await signIn(runtime.url);
  });
  after(async () => {
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const collect = async (events: unknown[]) => {
    const res = await fetch(`${runtime.url}/collect?appId=${APP}&platform=Web`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
    assert.equal(res.status, 200, await res.text());
  };
  const event = (timestamp: number, user: string) => ({
    event_type: '_page_view',
    event_id: randomUUID(),
    timestamp,
    app_id: APP,
    unique_id: user,
    platform: 'Web',
    attributes: { _session_id: `s-${user}-${timestamp}`, _page_url: 'https://shop.example.com/' },
  });
  const count = async (sql: string) => Number((await runtime.warehouse.query<{ n: unknown }>(sql))[0]?.n ?? 0);

  it('removes the expired day everywhere and keeps today', async () => {
    assert.equal((await admin.fetch('/api/projects', { method: 'POST', body: JSON.stringify({ projectId: 'shop', name: 'Shop' }) })).status, 201);
    const created = await admin.fetch('/api/projects/shop/apps', { method: 'POST', body: JSON.stringify({ appId: APP, name: 'Web', platform: 'Web', allowedOrigins: ['*'], retentionDays: 0 }) });
    const createdText = await created.text();
    assert.equal(created.status, 201, createdText);
    const { revision } = JSON.parse(createdText) as { revision: number };
    const pipeline = await admin.fetch('/api/projects/shop/pipeline', {
      method: 'PUT',
      body: JSON.stringify({ basedOnVersion: 0, config: { model: { targets: ['athena', 'redshift'] } } }),
    });
    assert.equal(pipeline.status, 201, await pipeline.text());
    await runtime.bus.drain();

    await collect([event(old, 'u-1'), event(old + 60_000, 'u-2'), event(old + 120_000, 'u-1')]);
    await collect([event(now - 60_000, 'u-1'), event(now - 30_000, 'u-3')]);
    await runtime.runJob('process.schedule-start-job');
    await runtime.runJob('model-redshift.schedule-start-load');

    const oldFolder = join(dataDir, 'warehouse', 'events', `app_id=${APP}`, `year=${oy}`, `month=${om}`, `day=${od}`);
    assert.ok((await filesUnder(oldFolder)).length > 0, `processing wrote ${oldDay}`);
    assert.equal(await count(`SELECT count(*) AS n FROM events_deduped WHERE app_id = '${APP}'`), 5);

    const tightened = await admin.fetch(`/api/apps/${APP}`, { method: 'PATCH', body: JSON.stringify({ retentionDays: 1, revision }) });
    assert.equal(tightened.status, 200, await tightened.text());
    await runtime.bus.drain();
    await runtime.runJob('process.schedule-apply-retention');

    // Files: every table's partitions of the old day are gone; today's stay.
    for (const table of ['events', 'sessions', 'users', 'items', 'bad_rows']) {
      const folder = join(dataDir, 'warehouse', table, `app_id=${APP}`, `year=${oy}`, `month=${om}`, `day=${od}`);
      assert.deepEqual(await filesUnder(folder), [], `${table} ${oldDay} deleted`);
    }
    assert.ok((await filesUnder(join(dataDir, 'warehouse', 'events', `app_id=${APP}`))).length > 0, 'today is kept');
    const expired = runtime.bus.history().filter((e) => e['detail-type'] === 'PartitionsExpired.v1');
    assert.deepEqual([...new Set(expired.map((e) => (e.detail as { table: string }).table))].sort(), ['events', 'sessions', 'users']);

    // Catalog and views (the Athena path).
    assert.equal(await count(`SELECT count(*) AS n FROM _catalog_partitions WHERE app_id = '${APP}' AND make_date(year, month, day) < DATE '${oldDay}' + 1`), 0);
    const athena = {
      events: await count(`SELECT count(*) AS n FROM events_deduped WHERE app_id = '${APP}'`),
      sessions: await count(`SELECT count(*) AS n FROM sessions_merged WHERE app_id = '${APP}'`),
      users: await count(`SELECT count(*) AS n FROM users_merged WHERE app_id = '${APP}'`),
    };
    assert.equal(athena.events, 2);

    // The console's answer (its local copies were told by PartitionsExpired).
    const counted = (await (await admin.fetch(`/api/apps/${APP}/event-count`)).json()) as { events: number };
    assert.equal(counted.events, 2);
    const health = (await (await admin.fetch('/api/pipeline/health')).json()) as { latest: Record<string, { summary: { appId: string } }> };
    assert.equal(health.latest['PartitionsExpired.v1']?.summary.appId, APP);

    // A late event of the removed day (inside the 72 h late window) does not bring the day back.
    const late = event(old + 180_000, 'u-4');
    await collect([late]);
    await runtime.runJob('process.schedule-start-job');
    assert.deepEqual(await filesUnder(oldFolder), [], `${oldDay} stays removed`);
    const [refused] = await runtime.warehouse.query<{ reason_code: string }>(`SELECT reason_code FROM bad_rows WHERE event_id = '${late.event_id}'`);
    assert.equal(refused?.reason_code, 'EXPIRED_EVENT');
    assert.equal(await count(`SELECT count(*) AS n FROM events_deduped WHERE app_id = '${APP}'`), 2);

    // Redshift (the DuckDB stand-in; one process at a time may open it).
    await runtime.close();
    const redshift = await DuckDbWarehouse.open(join(dataDir, 'redshift.duckdb'), join(dataDir, 'warehouse'));
    try {
      const rs = async (sql: string) => Number((await redshift.query<{ n: unknown }>(sql))[0]?.n ?? 0);
      assert.deepEqual(
        {
          events: await rs(`SELECT count(*) AS n FROM events WHERE app_id = '${APP}'`),
          sessions: await rs(`SELECT count(*) AS n FROM sessions WHERE app_id = '${APP}'`),
          users: await rs(`SELECT count(*) AS n FROM users WHERE app_id = '${APP}'`),
        },
        athena,
        'Redshift agrees with the views',
      );
    } finally {
      redshift.close();
    }
  });
});

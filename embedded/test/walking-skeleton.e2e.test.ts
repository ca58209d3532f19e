import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { EmbeddedConfig } from '../src/config.js';
import { startEmbedded, type EmbeddedRuntime } from '../src/runtime.js';
import { signIn, TEST_ADMIN_PASSWORD, type ConsoleSession } from './support/console-session.js';

const quiet = { info: () => undefined, error: (m: string, e?: unknown) => console.error(m, e) };

function event(appId: string, overrides: Record<string, unknown> = {}) {
  return {
    event_type: '_page_view',
    event_id: randomUUID(),
    timestamp: Date.now() - 1000,
    app_id: appId,
    unique_id: 'user-1',
    platform: 'Web',
    sdk_name: 'aws-solution-clickstream-sdk',
    sdk_version: '0.12.6',
    attributes: { _session_id: 'session-1', _page_url: 'https://shop.example.com/', _page_title: 'Home' },
    ...overrides,
  };
}

async function start(dataDir: string): Promise<EmbeddedRuntime> {
  // The scheduler never fires on its own here: the test runs the processing job when it wants to.
  const config = EmbeddedConfig.parse({ PORT: '0', DATA_DIR: dataDir, PROCESS_INTERVAL_SECONDS: '3600', ADMIN_PASSWORD: TEST_ADMIN_PASSWORD });
  return startEmbedded(config, quiet);
}

describe('walking skeleton: collect → durable log → Parquet → partitions → API count', () => {
  let dataDir: string;
  let runtime: EmbeddedRuntime;
  let api: ConsoleSession;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'clickstream-e2e-'));
    runtime = await start(dataDir);
    api = await signIn(runtime.url);
  });
  after(async () => {
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const count = async () => {
    const res = await api.fetch(`/api/apps/${runtime.demoAppId}/event-count`);
    assert.equal(res.status, 200);
    return ((await res.json()) as { events: number }).events;
  };
  const collect = (body: string | Buffer, query = '', headers: Record<string, string> = {}) =>
    fetch(`${runtime.url}/collect?appId=${runtime.demoAppId}&platform=Web${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
      body,
    });

  it('starts with the demo app registered and no events', async () => {
    assert.equal(await count(), 0);
  });

  it('counts every valid event of an AWS-format batch once it is processed, and keeps bad ones as bad rows', async () => {
    const batch = [event(runtime.demoAppId), event(runtime.demoAppId, { event_type: 'add_to_cart' }), { event_type: 'broken' }];
    const res = await collect(JSON.stringify(batch));
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '');

    await runtime.runJob('process.schedule-start-job');
    assert.equal(await count(), 2);

    const bad = await runtime.warehouse.query<{ reason_code: string }>('SELECT reason_code FROM bad_rows');
    assert.deepEqual(bad.map((b) => b.reason_code), ['INVALID_EVENT']);
    const types = await runtime.warehouse.query<{ event_type: string }>(
      'SELECT event_type FROM events_deduped ORDER BY event_type',
    );
    assert.deepEqual(types.map((t) => t.event_type), ['_page_view', 'add_to_cart']);
  });

  it('accepts gzip uploads the way the mobile SDKs send them', async () => {
    const body = JSON.stringify([event(runtime.demoAppId, { platform: 'Android' })]);
    const res = await collect(gzipSync(body), '&compression=gzip&upload_timestamp=' + Date.now());
    assert.equal(res.status, 200);
    await runtime.runJob('process.schedule-start-job');
    assert.equal(await count(), 3);
  });

  it('counts an SDK retry of the same events once', async () => {
    const retried = [event(runtime.demoAppId)];
    assert.equal((await collect(JSON.stringify(retried))).status, 200);
    assert.equal((await collect(JSON.stringify(retried))).status, 200);
    await runtime.runJob('process.schedule-start-job');
    assert.equal(await count(), 4);
  });

  it('writes hive-partitioned Parquet and registers its partitions', async () => {
    const partitions = await runtime.warehouse.query<{ table_name: string; app_id: string }>(
      'SELECT DISTINCT table_name, app_id FROM _catalog_partitions ORDER BY table_name',
    );
    assert.deepEqual(partitions, [
      { table_name: 'bad_rows', app_id: runtime.demoAppId },
      { table_name: 'events', app_id: runtime.demoAppId },
      { table_name: 'sessions', app_id: runtime.demoAppId },
      { table_name: 'users', app_id: runtime.demoAppId },
    ]);
    const health = (await (await api.fetch('/api/pipeline/health')).json()) as { latest: Record<string, unknown> };
    assert.ok(health.latest['ProcessingCompleted.v1']);
    assert.ok(health.latest['AthenaPartitionsAdded.v1']);
  });

  it('rejects bad requests with JSON reasons and keeps serving', async () => {
    const cases: [Promise<Response>, number, string][] = [
      [fetch(`${runtime.url}/collect?appId=unknown_app`, { method: 'POST', body: '[]' }), 403, 'UNKNOWN_APP'],
      [fetch(`${runtime.url}/collect`, { method: 'POST', body: '[]' }), 400, 'MISSING_APP_ID'],
      [collect('{not json'), 400, 'INVALID_JSON'],
      [collect('42'), 400, 'NOT_A_BATCH'],
      [collect(Buffer.from('not gzip'), '&compression=gzip'), 400, 'BAD_GZIP'],
      [collect('[]', '&hashCode=deadbeef'), 400, 'HASH_MISMATCH'],
      [collect(gzipSync(Buffer.alloc(5 * 1024 * 1024, 32)), '&compression=gzip'), 413, 'PAYLOAD_TOO_LARGE'],
      [fetch(`${runtime.url}/collect`), 405, 'METHOD_NOT_ALLOWED'],
      [fetch(`${runtime.url}/api/nothing-here`), 404, 'NOT_FOUND'],
      [fetch(`${runtime.url}/no/such/route.txt`, { method: 'DELETE' }), 404, 'NOT_FOUND'],
      [fetch(`${runtime.url}/api/apps/bad%ZZ/event-count`), 404, 'NOT_FOUND'],
    ];
    for (const [pending, status, code] of cases) {
      const res = await pending;
      assert.equal(res.status, status, `expected ${status} for ${code}`);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/);
      const body = (await res.json()) as { error: { code: string; message: string; requestId: string } };
      assert.equal(body.error.code, code);
      assert.ok(body.error.message.length > 0);
      assert.ok(body.error.requestId.length > 0);
      assert.doesNotMatch(JSON.stringify(body), /at .*\.ts:\d+/, 'no stack trace reaches the client');
    }
    assert.equal((await fetch(`${runtime.url}/ping`)).status, 200);
  });

  it('keeps every count across a restart and never double-counts when processing reruns', async () => {
    const before = await count();
    await collect(JSON.stringify([event(runtime.demoAppId)]));
    await runtime.close();
    runtime = await start(dataDir);
    // A new port: sign in again (sessions survive restarts; the session store is on disk).
    api = await signIn(runtime.url);
    await runtime.runJob('process.schedule-start-job');
    await runtime.runJob('process.schedule-start-job');
    assert.equal(await count(), before + 1);
  });
});

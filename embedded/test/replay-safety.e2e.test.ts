import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { allContracts } from '@clickstream/contracts';
import { EmbeddedConfig } from '../src/config.js';
import { startEmbedded, type EmbeddedRuntime } from '../src/runtime.js';
import { signIn, TEST_ADMIN_PASSWORD } from './support/console-session.js';

const quiet = { info: () => undefined, error: (m: string, e?: unknown) => console.error(m, e) };

/** A fingerprint of everything the consumers keep: warehouse tables, catalog, and their files. */
async function fingerprint(runtime: EmbeddedRuntime): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of ['events', 'bad_rows', 'sessions', 'users', 'items', '_catalog_partitions']) {
    const rows = await runtime.warehouse.query(
      table === '_catalog_partitions'
        ? 'SELECT table_name, app_id, year, month, day, location FROM _catalog_partitions ORDER BY ALL'
        : `SELECT * FROM "${table}" ORDER BY ALL`,
    );
    out[table] = createHash('sha256').update(JSON.stringify(rows)).digest('hex');
  }
  // State kept by consumers: ingest's app copies, Redshift file tracking, checkpoints.
  const objectsRoot = join(runtime.dataDir, 'objects');
  for (const entry of (await readdir(objectsRoot, { recursive: true, withFileTypes: true })).filter((e) => e.isFile())) {
    const path = join(entry.parentPath, entry.name);
    const key = relative(objectsRoot, path);
    // The bus journal's own mark advances with every event it carries, replayed ones included: bookkeeping, not data.
    if (key.startsWith(`bus${sep}`)) continue;
    out[key] = createHash('sha256').update(await readFile(path)).digest('hex');
  }
  // The console's per-app pipeline health (runs, counts, queryable marks, loads). Left out: the
  // latest event of each kind (a replay makes model-athena re-announce its unchanged partitions
  // with a new time) and the freshness age, which grows with the clock.
  const api = await signIn(runtime.url);
  const health = (await (await api.fetch('/api/pipeline/health')).json()) as { apps: { freshness: { seconds: unknown } }[] };
  for (const app of health.apps) app.freshness.seconds = null;
  out['console-api:/api/pipeline/health apps'] = JSON.stringify(health.apps);
  return out;
}

describe('replaying the bus (as an EventBridge archive replay would) changes nothing', () => {
  let dataDir: string;
  let runtime: EmbeddedRuntime;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'clickstream-replay-'));
    runtime = await startEmbedded(EmbeddedConfig.parse({ PORT: '0', DATA_DIR: dataDir, PROCESS_INTERVAL_SECONDS: '3600', ADMIN_PASSWORD: TEST_ADMIN_PASSWORD }), quiet);
    const now = Date.now();
    for (let batch = 0; batch < 3; batch++) {
      const events = [0, 1, 2].map((i) => ({
        event_type: i === 0 ? '_page_view' : 'add_to_cart',
        event_id: randomUUID(),
        timestamp: now - 1000 * (10 - i),
        app_id: 'demo_web',
        unique_id: `user-${batch}`,
        attributes: { _session_id: `s-${batch}`, _page_url: 'https://shop.example.com/' },
        items: i === 2 ? [{ id: 'sku-1', price: 9.5, quantity: 1 }] : undefined,
      }));
      const res = await fetch(`${runtime.url}/collect?appId=demo_web`, { method: 'POST', body: JSON.stringify([...events, { broken: true }]) });
      assert.equal(res.status, 200);
      await runtime.runJob('process.schedule-start-job');
    }
  });
  after(async () => {
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('delivering every recorded event again, twice, leaves every table and store byte-identical', async () => {
    const recorded = [...runtime.bus.history()];
    const types = new Set(recorded.map((e) => e['detail-type']));
    for (const t of ['AppRegistered.v1', 'ProcessingCompleted.v1', 'AthenaPartitionsAdded.v1']) assert.ok(types.has(t), `recorded ${t}`);

    const before = await fingerprint(runtime);
    for (let round = 0; round < 2; round++) {
      for (const e of recorded) await runtime.bus.publish([{ source: e.source, detailType: e['detail-type'], detail: e.detail }]);
      await runtime.bus.drain();
    }
    assert.deepEqual(await fingerprint(runtime), before);
  });

  it('delivering every contract example twice changes no warehouse table', async () => {
    const tables = async () => {
      const f = await fingerprint(runtime);
      return Object.fromEntries(Object.entries(f).filter(([k]) => !k.includes('/')));
    };
    const before = await tables();
    for (let round = 0; round < 2; round++) {
      for (const c of allContracts) {
        // Examples name files that do not exist here; consumers must still neither fail the
        // process nor duplicate rows. Only event-derived state may change, and only once.
        await runtime.bus.publish([{ source: c.source, detailType: c.detailType, detail: c.example }]);
      }
      await runtime.bus.drain();
    }
    const after = await tables();
    for (const t of ['events', 'bad_rows', 'sessions', 'users', 'items']) assert.equal(after[t], before[t], `${t} unchanged`);
  });
});

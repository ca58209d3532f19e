import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { FsObjectStore } from '@clickstream/runtime';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importObjectStoreState } from '../src/adapters/local/object-store-import.js';
import { SqliteAppStore, SqliteProjectStore } from '../src/adapters/local/sqlite-control-plane.js';
import { migrate, migrations, openConsoleDatabase } from '../src/adapters/local/sqlite-database.js';
import { SqliteHealthStore } from '../src/adapters/local/sqlite-health.js';
import { SqliteOutbox } from '../src/adapters/local/sqlite-outbox.js';
import { demoApp, ensureDemoApp } from '../src/domain/demo-app.js';
import type { SqliteDatabase } from '../src/adapters/local/sqlite-database.js';
import type { Clock } from '@clickstream/lambda-kit';
import { RecordingPublisher, registeredEvent } from './support/harness.js';

const demoPorts = (db: SqliteDatabase, publisher: RecordingPublisher, clock: Clock) => ({
  projects: new SqliteProjectStore(db),
  apps: new SqliteAppStore(db),
  outbox: new SqliteOutbox(db),
  publisher,
  clock,
});

async function tempDir(t: TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'console-sqlite-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('console database migrations', () => {
  it('applies every migration once, in order, and records them', async (t) => {
    const path = join(await tempDir(t), 'console.sqlite');
    const db = openConsoleDatabase(path);
    const applied = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as { version: number }[];
    assert.deepEqual(applied.map((m) => m.version), migrations.map((m) => m.version));
    assert.deepEqual(migrate(db, migrations), [], 'nothing left to apply');
    db.close();
    const again = openConsoleDatabase(path);
    assert.equal((again.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n, migrations.length);
    assert.equal(again.pragma('journal_mode', { simple: true }), 'wal');
    again.close();
  });

  it('applies only the newer migrations of a later release', () => {
    const db = openConsoleDatabase(':memory:', migrations.slice(0, 1));
    assert.deepEqual(migrate(db, migrations), migrations.slice(1).map((m) => m.version));
    db.close();
  });

  it('a failing migration leaves the database at the previous version', () => {
    const db = openConsoleDatabase(':memory:');
    const broken = [...migrations, { version: 99, name: 'broken', sql: 'CREATE TABLE x (a INT); CREATE TABLE x (a INT);' }];
    assert.throws(() => migrate(db, broken), /already exists/);
    assert.equal((db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v, migrations.at(-1)!.version);
    assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 'x'").get(), undefined, 'rolled back');
    db.close();
  });

  it('refuses a database written by a newer release', () => {
    const db = openConsoleDatabase(':memory:');
    db.prepare('INSERT INTO schema_migrations VALUES (999, ?, ?)').run('future', new Date().toISOString());
    assert.throws(() => migrate(db, migrations), /newer than this release knows/);
    db.close();
  });
});

describe('import of the JSON state of earlier releases', () => {
  it('brings apps and pipeline health over once, keeping the files', async (t) => {
    const objects = new FsObjectStore(await tempDir(t));
    const legacy = { appId: 'shop_web', projectId: 'shop', name: 'Shop', platform: 'Web', enabled: true, allowedOrigins: ['*'], timezone: 'UTC', revision: 3 };
    await objects.put('console/apps/shop_web.json', JSON.stringify(legacy));
    await objects.put('console/pipeline-health.json', JSON.stringify({ 'ProcessingCompleted.v1': { at: '2026-11-29T10:00:00.000Z', summary: { jobId: 'j' } } }));
    const db = openConsoleDatabase(':memory:');
    t.after(() => db.close());
    assert.deepEqual(await importObjectStoreState(db, objects, '2026-11-30T00:00:00.000Z'), { apps: 1, healthKinds: 1 });
    assert.equal(await importObjectStoreState(db, objects, '2026-11-30T00:00:00.000Z'), undefined, 'only once');

    const app = await new SqliteAppStore(db).get('shop_web');
    assert.deepEqual(app, { ...legacy, retentionDays: 0, createdAt: '2026-11-30T00:00:00.000Z', updatedAt: '2026-11-30T00:00:00.000Z' });
    assert.equal((await new SqliteProjectStore(db).get('shop'))?.name, 'shop');
    assert.deepEqual(await new SqliteHealthStore(db).latest(), { 'ProcessingCompleted.v1': { at: '2026-11-29T10:00:00.000Z', summary: { jobId: 'j' } } });
    assert.ok(await objects.get('console/apps/shop_web.json'), 'the old files stay for a downgrade');

    // The imported demo app is not announced again (ingest has its copy already).
    const publisher = new RecordingPublisher();
    await objects.put('console/apps/demo_web.json', JSON.stringify({ ...legacy, appId: 'demo_web', projectId: 'demo' }));
    const db2 = openConsoleDatabase(':memory:');
    t.after(() => db2.close());
    await importObjectStoreState(db2, objects, '2026-11-30T00:00:00.000Z');
    await ensureDemoApp(demoPorts(db2, publisher, { now: () => 0 }));
    assert.deepEqual(publisher.published, []);
  });
});

describe('ensureDemoApp', () => {
  it('creates the demo project and app once across restarts and concurrent starts, announcing it once', async (t) => {
    const path = join(await tempDir(t), 'console.sqlite');
    const publisher = new RecordingPublisher();
    const clock = { now: () => Date.UTC(2026, 10, 29, 10) };
    const db = openConsoleDatabase(path);
    const stores = demoPorts(db, publisher, clock);
    await Promise.all([ensureDemoApp(stores), ensureDemoApp(stores)]);
    db.close();
    const db2 = openConsoleDatabase(path);
    t.after(() => db2.close());
    const stores2 = demoPorts(db2, publisher, clock);
    await ensureDemoApp(stores2);
    assert.deepEqual(
      publisher.published.map((p) => p.detailType),
      ['AppRegistered.v1'],
    );
    assert.deepEqual(publisher.published[0]!.detail, {
      appId: 'demo_web',
      projectId: 'demo',
      name: 'Demo website',
      platform: 'Web',
      enabled: true,
      allowedOrigins: ['*'],
      timezone: 'UTC',
      retentionDays: 0,
      revision: 1,
      registeredAt: '2026-11-29T10:00:00.000Z',
    });
    assert.deepEqual((await stores2.apps.list()).map((a) => a.appId), [demoApp.appId]);
    assert.equal((await stores2.projects.get('demo'))?.name, 'Demo');
  });

  it('leaves an existing (renamed) demo app alone', async () => {
    const db = openConsoleDatabase(':memory:');
    const publisher = new RecordingPublisher();
    const stores = demoPorts(db, publisher, { now: () => 0 });
    const renamed = { ...demoApp, name: 'Renamed demo', revision: 4 };
    await stores.apps.create(renamed, registeredEvent(renamed));
    await stores.outbox.markSent((await stores.outbox.pending({ limit: 10 }))[0]!, '2026-01-01T00:00:00.000Z');
    assert.equal((await ensureDemoApp(stores)).name, 'Renamed demo');
    assert.deepEqual(publisher.published, []);
    db.close();
  });
});

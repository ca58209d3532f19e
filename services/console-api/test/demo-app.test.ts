import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { AppRegistered, AppSettings, type DetailInputOf, type EventContract } from '@clickstream/contracts';
import { validatedDetail, type EventPublisher } from '@clickstream/lambda-kit';
import { FsObjectStore } from '@clickstream/runtime';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ObjectStoreAppStore } from '../src/adapters/local/object-store-app-store.js';
import { demoApp, ensureDemoApp } from '../src/domain/demo-app.js';
import type { AppStore } from '../src/ports/app-store.js';

const NOW = Date.UTC(2026, 10, 29, 10, 0, 0);
const clock = { now: () => NOW };

class MemoryApps implements AppStore {
  readonly apps = new Map<string, AppSettings>();
  async list() {
    return [...this.apps.values()];
  }
  async get(appId: string) {
    return this.apps.get(appId);
  }
  async create(app: AppSettings) {
    if (this.apps.has(app.appId)) return false;
    this.apps.set(app.appId, app);
    return true;
  }
}

/** Validates like the real adapters, then records. */
class RecordingPublisher implements EventPublisher {
  readonly published: { detailType: string; detail: unknown }[] = [];
  async publish<C extends EventContract>(contract: C, detail: DetailInputOf<C>): Promise<void> {
    this.published.push({ detailType: contract.detailType, detail: validatedDetail(contract, detail) });
  }
}

describe('ensureDemoApp', () => {
  it('the demo app satisfies the app settings contract', () => {
    assert.deepEqual(AppSettings.parse(demoApp), demoApp);
  });

  it('creates the demo app on first start and announces it with AppRegistered', async () => {
    const apps = new MemoryApps();
    const publisher = new RecordingPublisher();
    assert.deepEqual(await ensureDemoApp(apps, publisher, clock), demoApp);
    assert.deepEqual(await apps.get('demo_web'), demoApp);
    assert.deepEqual(publisher.published, [
      { detailType: 'AppRegistered.v1', detail: { ...demoApp, registeredAt: '2026-11-29T10:00:00.000Z' } },
    ]);
    assert.ok(AppRegistered.schema.safeParse(publisher.published[0]!.detail).success);
  });

  it('publishes nothing on later starts, when the app already exists', async () => {
    const apps = new MemoryApps();
    const publisher = new RecordingPublisher();
    await ensureDemoApp(apps, publisher, clock);
    assert.deepEqual(await ensureDemoApp(apps, publisher, clock), demoApp);
    assert.deepEqual(await ensureDemoApp(apps, publisher, clock), demoApp);
    assert.equal(publisher.published.length, 1);
  });

  it('publishes nothing when someone else already created an app with that id', async () => {
    const apps = new MemoryApps();
    await apps.create({ ...demoApp, name: 'Renamed demo', revision: 4 });
    const publisher = new RecordingPublisher();
    await ensureDemoApp(apps, publisher, clock);
    assert.deepEqual(publisher.published, []);
    assert.equal((await apps.get('demo_web'))?.name, 'Renamed demo', 'the existing app is left alone');
  });

  it('over the local object store: once across restarts and concurrent starts', async (t: TestContext) => {
    const dir = await mkdtemp(join(tmpdir(), 'console-apps-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const publisher = new RecordingPublisher();
    const apps = new ObjectStoreAppStore(new FsObjectStore(dir));
    await Promise.all([ensureDemoApp(apps, publisher, clock), ensureDemoApp(apps, publisher, clock)]);
    await ensureDemoApp(new ObjectStoreAppStore(new FsObjectStore(dir)), publisher, clock);
    assert.equal(publisher.published.length, 1);
    assert.deepEqual(await apps.list(), [demoApp]);
  });
});

// Ingest's own copy of the apps: the revision rules, the update loop, the read-through cache and
// the embedded (object store) directory.
import { describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppRegistered, AppSettings } from '@clickstream/contracts';
import { FsObjectStore } from '@clickstream/runtime';
import { ObjectStoreAppDirectory } from '../src/adapters/local/object-store-app-directory.js';
import { applyAppChange, type AppChange, type StoredApp } from '../src/domain/app-copy.js';
import { CachedAppDirectory } from '../src/domain/cached-directory.js';
import { updateAppCopy, upsert } from '../src/domain/update-app-copy.js';
import { activeApp, type AppDirectory } from '../src/ports/app-directory.js';

const base = AppSettings.parse(AppRegistered.example);
const rev = (revision: number, extra: Partial<AppSettings> = {}): AppSettings => ({ ...base, ...extra, revision });
const del = (revision: number, appId = base.appId): AppChange => ({ kind: 'delete', appId, revision });
const revisionOf = (s: StoredApp | undefined) => (s === undefined ? undefined : s.deleted ? s.revision : s.app.revision);

/** A compare-and-set directory in memory, counting calls. */
class MemoryAppDirectory implements AppDirectory {
  readonly stored = new Map<string, StoredApp>();
  gets = 0;
  puts: { next: StoredApp; expectedRevision: number }[] = [];
  async get(appId: string): Promise<StoredApp | undefined> {
    this.gets++;
    return this.stored.get(appId);
  }
  async put(next: StoredApp, expectedRevision: number): Promise<boolean> {
    this.puts.push({ next, expectedRevision });
    const id = next.deleted ? next.appId : next.app.appId;
    if ((revisionOf(this.stored.get(id)) ?? -1) !== expectedRevision) return false;
    this.stored.set(id, next);
    return true;
  }
}

async function tempStore(t: TestContext): Promise<FsObjectStore> {
  const root = await mkdtemp(join(tmpdir(), 'ingest-apps-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  return new FsObjectStore(root);
}

describe('applyAppChange', () => {
  it('stores the first registration of an app', () => {
    assert.deepEqual(applyAppChange(undefined, upsert(rev(1))), { app: rev(1) });
  });

  it('applies a newer revision', () => {
    const next = applyAppChange({ app: rev(1) }, upsert(rev(2, { enabled: false })));
    assert.deepEqual(next, { app: rev(2, { enabled: false }) });
  });

  it('ignores the same revision (a replayed delivery)', () => {
    assert.equal(applyAppChange({ app: rev(2) }, upsert(rev(2, { name: 'Replayed' }))), undefined);
  });

  it('ignores an older revision (an out-of-order delivery)', () => {
    assert.equal(applyAppChange({ app: rev(5) }, upsert(rev(4))), undefined);
  });

  it('turns a newer deletion into a tombstone that remembers its revision', () => {
    assert.deepEqual(applyAppChange({ app: rev(2) }, del(3)), { appId: base.appId, revision: 3, deleted: true });
  });

  it('ignores a deletion older than the stored settings', () => {
    assert.equal(applyAppChange({ app: rev(4) }, del(3)), undefined);
  });

  it('keeps a tombstone against an older re-registration delivered late', () => {
    const tombstone: StoredApp = { appId: base.appId, revision: 3, deleted: true };
    assert.equal(applyAppChange(tombstone, upsert(rev(1))), undefined);
    assert.equal(applyAppChange(tombstone, upsert(rev(3))), undefined);
    assert.equal(applyAppChange(tombstone, del(3)), undefined);
  });

  it('lets a genuinely newer registration replace a tombstone', () => {
    assert.deepEqual(applyAppChange({ appId: base.appId, revision: 3, deleted: true }, upsert(rev(4))), { app: rev(4) });
  });

  it('records a deletion of an app never seen, so its late registration cannot resurrect it', () => {
    const tombstone = applyAppChange(undefined, del(2));
    assert.deepEqual(tombstone, { appId: base.appId, revision: 2, deleted: true });
    assert.equal(applyAppChange(tombstone, upsert(rev(1))), undefined);
  });

  it('accepts revision 0 as newer than nothing', () => {
    assert.deepEqual(applyAppChange(undefined, upsert(rev(0))), { app: rev(0) });
  });
});

describe('activeApp', () => {
  it('answers the settings of a stored app and nothing for a tombstone or a missing app', () => {
    assert.deepEqual(activeApp({ app: rev(1) }), rev(1));
    assert.equal(activeApp({ appId: base.appId, revision: 2, deleted: true }), undefined);
    assert.equal(activeApp(undefined), undefined);
  });
});

describe('updateAppCopy', () => {
  it('applies a new app and answers "applied"', async () => {
    const apps = new MemoryAppDirectory();
    assert.equal(await updateAppCopy(apps, upsert(rev(1))), 'applied');
    assert.deepEqual(apps.stored.get(base.appId), { app: rev(1) });
    assert.deepEqual(apps.puts.map((p) => p.expectedRevision), [-1]);
  });

  it('is replay-safe: the same event twice changes nothing the second time', async () => {
    const apps = new MemoryAppDirectory();
    await updateAppCopy(apps, upsert(rev(1)));
    assert.equal(await updateAppCopy(apps, upsert(rev(1))), 'stale');
    assert.equal(apps.puts.length, 1, 'no write for a stale event');
  });

  it('keeps the newest state whatever order the events arrive in', async () => {
    const apps = new MemoryAppDirectory();
    assert.equal(await updateAppCopy(apps, del(3)), 'applied');
    assert.equal(await updateAppCopy(apps, upsert(rev(2, { enabled: false }))), 'stale');
    assert.equal(await updateAppCopy(apps, upsert(rev(1))), 'stale');
    assert.deepEqual(apps.stored.get(base.appId), { appId: base.appId, revision: 3, deleted: true });
  });

  it('passes the stored revision as the expected one, tombstones included', async () => {
    const apps = new MemoryAppDirectory();
    apps.stored.set(base.appId, { appId: base.appId, revision: 3, deleted: true });
    await updateAppCopy(apps, upsert(rev(4)));
    assert.deepEqual(apps.puts.map((p) => p.expectedRevision), [3]);
  });

  it('retries when a concurrent delivery wrote first, then applies on top of what it wrote', async () => {
    const apps = new MemoryAppDirectory();
    apps.stored.set(base.appId, { app: rev(1) });
    const inner = apps.put.bind(apps);
    let raced = false;
    apps.put = async (next, expected) => {
      if (!raced) {
        raced = true;
        apps.stored.set(base.appId, { app: rev(2) }); // another delivery lands between our get and put
      }
      return inner(next, expected);
    };
    assert.equal(await updateAppCopy(apps, upsert(rev(3))), 'applied');
    assert.deepEqual(apps.puts.map((p) => p.expectedRevision), [1, 2]);
    assert.equal(revisionOf(apps.stored.get(base.appId)), 3);
  });

  it('answers "stale" when the concurrent delivery it lost to was newer', async () => {
    const apps = new MemoryAppDirectory();
    apps.stored.set(base.appId, { app: rev(1) });
    const inner = apps.put.bind(apps);
    apps.put = async (next, expected) => {
      apps.stored.set(base.appId, { app: rev(5) });
      return inner(next, expected);
    };
    assert.equal(await updateAppCopy(apps, upsert(rev(3))), 'stale');
    assert.equal(revisionOf(apps.stored.get(base.appId)), 5);
  });

  it('gives up with an error after repeated lost races, so the delivery is retried (then dead-lettered)', async () => {
    const apps = new MemoryAppDirectory();
    apps.put = async () => false;
    await assert.rejects(updateAppCopy(apps, upsert(rev(1))), /too many concurrent updates/);
    assert.equal(apps.gets, 5);
  });

  it('lets directory errors through, so the delivery is retried', async () => {
    const apps = new MemoryAppDirectory();
    apps.get = async () => {
      throw new Error('ThrottlingException');
    };
    await assert.rejects(updateAppCopy(apps, upsert(rev(1))), /ThrottlingException/);
  });
});

describe('CachedAppDirectory', () => {
  function setup(ttlMs = 30_000, maxEntries?: number) {
    const inner = new MemoryAppDirectory();
    inner.stored.set(base.appId, { app: rev(1) });
    const clock = { t: 1_000_000, now() { return this.t; } };
    const cache = new CachedAppDirectory(inner, clock, ttlMs, maxEntries);
    return { inner, clock, cache };
  }

  it('asks the inner directory once per app within the TTL', async () => {
    const { inner, clock, cache } = setup();
    assert.deepEqual(await cache.get(base.appId), { app: rev(1) });
    clock.t += 29_999;
    assert.deepEqual(await cache.get(base.appId), { app: rev(1) });
    assert.equal(inner.gets, 1);
  });

  it('reads through again once the TTL has passed, picking up changes', async () => {
    const { inner, clock, cache } = setup();
    await cache.get(base.appId);
    inner.stored.set(base.appId, { app: rev(2, { enabled: false }) });
    clock.t += 10_000;
    assert.equal(revisionOf(await cache.get(base.appId)), 1, 'still the cached copy within the TTL');
    clock.t += 20_000; // exactly one TTL after the first read
    assert.equal(revisionOf(await cache.get(base.appId)), 2);
    assert.equal(inner.gets, 2);
  });

  it('caches a miss too, so unknown app ids cannot hammer the table', async () => {
    const { inner, clock, cache } = setup();
    assert.equal(await cache.get('nobody_web'), undefined);
    assert.equal(await cache.get('nobody_web'), undefined);
    assert.equal(inner.gets, 1);
    clock.t += 30_000;
    await cache.get('nobody_web');
    assert.equal(inner.gets, 2);
  });

  it('keeps entries per app', async () => {
    const { inner, cache } = setup();
    inner.stored.set('other_web', { app: rev(7, { appId: 'other_web' }) });
    assert.equal(revisionOf(await cache.get(base.appId)), 1);
    assert.equal(revisionOf(await cache.get('other_web')), 7);
    assert.equal(inner.gets, 2);
  });

  it('with a TTL of 0, always reads through', async () => {
    const { inner, cache } = setup(0);
    await cache.get(base.appId);
    await cache.get(base.appId);
    assert.equal(inner.gets, 2);
  });

  it('forgets everything when full instead of growing without bound', async () => {
    const { inner, cache } = setup(30_000, 2);
    await cache.get('a_web');
    await cache.get('b_web');
    await cache.get('c_web'); // full: cleared, then c cached
    await cache.get('c_web');
    await cache.get('a_web');
    assert.equal(inner.gets, 4);
  });

  it('forwards a put to the inner directory and drops the cached entry', async () => {
    const { inner, cache } = setup();
    await cache.get(base.appId);
    assert.equal(await cache.put({ app: rev(2) }, 1), true);
    assert.equal(revisionOf(await cache.get(base.appId)), 2);
    assert.equal(inner.gets, 2);
    assert.equal(await cache.put({ app: rev(3) }, 1), false, 'the inner compare-and-set decides');
  });

  it('lets updateAppCopy recover from a stale cached copy', async () => {
    const { inner, cache } = setup();
    await cache.get(base.appId); // caches revision 1
    inner.stored.set(base.appId, { app: rev(2) }); // written elsewhere
    assert.equal(await updateAppCopy(cache, upsert(rev(3))), 'applied');
    assert.equal(revisionOf(inner.stored.get(base.appId)), 3);
  });
});

describe('ObjectStoreAppDirectory (embedded mode)', () => {
  it('answers undefined for an app it never stored', async (t) => {
    const apps = new ObjectStoreAppDirectory(await tempStore(t));
    assert.equal(await apps.get('nobody_web'), undefined);
  });

  it('stores an app as one JSON file under the prefix and reads it back', async (t) => {
    const store = await tempStore(t);
    const apps = new ObjectStoreAppDirectory(store);
    assert.equal(await apps.put({ app: rev(1) }, -1), true);
    assert.deepEqual(await apps.get(base.appId), { app: rev(1) });
    assert.deepEqual(await store.list('ingest/apps/'), [`ingest/apps/${base.appId}.json`]);
  });

  it('honours a custom prefix', async (t) => {
    const store = await tempStore(t);
    const apps = new ObjectStoreAppDirectory(store, 'copies/');
    await apps.put({ app: rev(1) }, -1);
    assert.deepEqual(await store.list(''), [`copies/${base.appId}.json`]);
  });

  it('stores and reads back a tombstone', async (t) => {
    const apps = new ObjectStoreAppDirectory(await tempStore(t));
    await apps.put({ app: rev(1) }, -1);
    assert.equal(await apps.put({ appId: base.appId, revision: 2, deleted: true }, 1), true);
    assert.deepEqual(await apps.get(base.appId), { appId: base.appId, revision: 2, deleted: true });
  });

  it('refuses a put whose expected revision is not the stored one, leaving the copy unchanged', async (t) => {
    const apps = new ObjectStoreAppDirectory(await tempStore(t));
    await apps.put({ app: rev(2) }, -1);
    assert.equal(await apps.put({ app: rev(3) }, 1), false);
    assert.equal(await apps.put({ app: rev(3) }, -1), false);
    assert.equal(revisionOf(await apps.get(base.appId)), 2);
  });

  it('lets exactly one of two racing puts with the same expectation win', async (t) => {
    const apps = new ObjectStoreAppDirectory(await tempStore(t));
    const results = await Promise.all([apps.put({ app: rev(1, { name: 'first' }) }, -1), apps.put({ app: rev(2, { name: 'second' }) }, -1)]);
    assert.deepEqual(results.sort(), [false, true]);
  });

  it('ends on the newest revision when many deliveries race through updateAppCopy', async (t) => {
    const apps = new ObjectStoreAppDirectory(await tempStore(t));
    const outcomes = await Promise.all([3, 1, 5, 2, 4].map((r) => updateAppCopy(apps, upsert(rev(r)))));
    assert.ok(outcomes.includes('applied'));
    assert.equal(revisionOf(await apps.get(base.appId)), 5);
  });

  it('keeps a deletion against a late, older registration (replay-safe end to end)', async (t) => {
    const apps = new ObjectStoreAppDirectory(await tempStore(t));
    assert.equal(await updateAppCopy(apps, upsert(rev(1))), 'applied');
    assert.equal(await updateAppCopy(apps, del(3)), 'applied');
    assert.equal(await updateAppCopy(apps, upsert(rev(2))), 'stale');
    assert.equal(activeApp(await apps.get(base.appId)), undefined);
    assert.equal(await updateAppCopy(apps, upsert(rev(4))), 'applied');
    assert.deepEqual(activeApp(await apps.get(base.appId)), rev(4));
  });

  it('rejects a corrupt stored copy rather than serving it, and keeps serving other apps', async (t) => {
    const store = await tempStore(t);
    const apps = new ObjectStoreAppDirectory(store);
    await store.put('ingest/apps/broken_web.json', '{"app":{"appId":"broken_web"}}');
    await assert.rejects(apps.get('broken_web'));
    await assert.rejects(apps.put({ app: rev(1, { appId: 'broken_web' }) }, -1));
    assert.equal(await apps.put({ app: rev(1) }, -1), true, 'a failed put does not jam the write queue');
  });
});

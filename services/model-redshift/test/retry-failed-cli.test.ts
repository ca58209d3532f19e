// The operator script in embedded mode, as `npm run redshift:retry-failed` runs it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FsObjectStore } from '@clickstream/runtime';
import { ObjectStoreFileTracker } from '../src/adapters/local/object-store-file-tracker.js';
import { ObjectStoreLeases } from '../src/adapters/local/object-store-leases.js';

const script = fileURLToPath(new URL('../scripts/retry-failed.ts', import.meta.url));
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { encoding: 'utf8', env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' }, timeout: 60_000 });

const key = (table: string, n: number) => `${table}/app_id=shop_web/year=2026/month=11/day=29/job-${n}.parquet`;

describe('redshift:retry-failed (embedded)', () => {
  it('lists, then resets only the exhausted FAILED files (optionally of one table), and frees a stuck lease', async (t) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'redshift-retry-'));
    t.after(() => rm(dataDir, { recursive: true, force: true }));
    const store = new FsObjectStore(join(dataDir, 'objects'));
    const files = new ObjectStoreFileTracker(store);
    const setUp = async (k: string, table: 'events' | 'items', outcome: { attempts: number; nextAttemptAt?: number }) => {
      await files.recordNew({ key: k, table, appId: 'shop_web', rows: 1, jobId: 'j' });
      await files.claim((await files.get(k))!, 'load-1', 1);
      await files.markFailed([{ key: k, ...outcome }], 'load-1', 'COPY_FAILED: denied', 2);
    };
    await setUp(key('events', 1), 'events', { attempts: 5 });
    await setUp(key('items', 2), 'items', { attempts: 5 });
    await setUp(key('events', 3), 'events', { attempts: 1, nextAttemptAt: Date.now() + 60_000 });
    const leases = new ObjectStoreLeases(store);
    await leases.acquire('events', 'stuck-chain', Date.now(), 3_600_000);

    const dry = run('--data-dir', dataDir, '--dry-run');
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /events\tevents\/app_id=shop_web\/year=2026\/month=11\/day=29\/job-1\.parquet\tattempts=5\tCOPY_FAILED: denied/);
    assert.match(dry.stdout, /2 file\(s\) would be reset to NEW/);
    assert.equal(await files.countByStatus('NEW'), 0);

    const some = run('--data-dir', dataDir, '--table', 'events', '--release-lease', 'events');
    assert.equal(some.status, 0, some.stderr);
    assert.match(some.stdout, /released the events lease \(was stuck-chain/);
    assert.match(some.stdout, /1 file\(s\) reset to NEW/);
    assert.equal((await files.get(key('events', 1)))?.status, 'NEW');
    assert.equal((await files.get(key('events', 1)))?.attempts, 0);
    assert.equal((await files.get(key('items', 2)))?.status, 'FAILED', 'other tables untouched');
    assert.equal((await files.get(key('events', 3)))?.status, 'FAILED', 'a file still in its backoff is not the operator\'s');
    assert.equal(await leases.holder('events', Date.now()), undefined);

    const bad = run('--data-dir', dataDir, '--table', 'nope');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--table must be one of events, sessions, users, items, bad_rows/);
  });
});

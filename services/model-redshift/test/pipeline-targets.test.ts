// Per-app enablement: PipelineConfigChanged.v1 keeps this service's own copy; apps whose pipeline
// does not target Redshift are not tracked (so never loaded); unknown apps are loaded.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { PipelineConfigChanged, ProcessingCompleted, type BusEvent } from '@clickstream/contracts';
import { FsObjectStore } from '@clickstream/runtime';
import type { Context } from 'aws-lambda';
import { ObjectStoreFileTracker } from '../src/adapters/local/object-store-file-tracker.js';
import { ObjectStoreLeases } from '../src/adapters/local/object-store-leases.js';
import { ObjectStorePipelineTargets } from '../src/adapters/local/object-store-pipeline-targets.js';
import { defaultLoadSettings } from '../src/domain/load-settings.js';
import { DEFAULT_LOADS_REDSHIFT } from '../src/domain/pipeline-targets.js';
import { trackRunFiles } from '../src/domain/track-files.js';
import { handler } from '../src/handlers/on-pipeline-config-changed.js';
import { useLocalPorts } from '../src/wiring.js';

async function setup(t: TestContext) {
  const dir = await mkdtemp(join(tmpdir(), 'redshift-targets-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const store = new FsObjectStore(dir);
  const targets = new ObjectStorePipelineTargets(store);
  const files = new ObjectStoreFileTracker(store);
  const unused = () => {
    throw new Error('not used');
  };
  useLocalPorts({
    files,
    leases: new ObjectStoreLeases(store),
    targets,
    launcher: { start: async () => undefined },
    manifests: { write: unused },
    statements: { start: unused, describe: unused, query: unused },
    publisher: { publish: unused },
    clock: { now: () => 0 },
    settings: defaultLoadSettings,
  });
  return { targets, files };
}

function change(version: number, targets: ('athena' | 'redshift')[], appIds = ['shop_web', 'shop_ios']) {
  const example = PipelineConfigChanged.example;
  return { ...example, appIds, version, config: { ...example.config, model: { ...example.config.model, targets } } };
}

const deliver = (detail: unknown) =>
  handler(
    {
      version: '0',
      id: crypto.randomUUID(),
      'detail-type': PipelineConfigChanged.detailType,
      source: PipelineConfigChanged.source,
      account: '0',
      time: '2026-11-29T10:05:00Z',
      region: 'eu-west-1',
      resources: [],
      detail,
    } satisfies BusEvent<unknown>,
    {} as Context,
  );

const run = (appIds: string[]) =>
  ProcessingCompleted.schema.parse({
    ...ProcessingCompleted.example,
    files: appIds.map((appId) => ({ table: 'events', appId, key: `events/app_id=${appId}/year=2026/month=11/day=29/job-1.parquet`, rows: 1 })),
  });

describe('pipeline targets', () => {
  it('unknown apps are loaded (the documented default)', async (t) => {
    const { targets, files } = await setup(t);
    assert.equal(DEFAULT_LOADS_REDSHIFT, true);
    assert.deepEqual(await trackRunFiles(files, run(['blog_web']), targets), { recorded: 1, known: 0, notTargeted: 0 });
  });

  it('an app whose pipeline targets Athena only is not tracked; switching Redshift on tracks its next files', async (t) => {
    const { targets, files } = await setup(t);
    await deliver(change(2, ['athena']));
    assert.deepEqual(await trackRunFiles(files, run(['shop_web', 'shop_ios', 'blog_web']), targets), { recorded: 1, known: 0, notTargeted: 2 });
    await deliver(change(3, ['athena', 'redshift'], ['shop_web']));
    assert.deepEqual(await trackRunFiles(files, run(['shop_web', 'shop_ios']), targets), { recorded: 1, known: 0, notTargeted: 1 });
  });

  it('an older or replayed config version never overwrites a newer one', async (t) => {
    const { targets } = await setup(t);
    await deliver(change(5, ['redshift']));
    await deliver(change(4, ['athena']));
    await deliver(change(5, ['athena']));
    assert.deepEqual(await targets.get('shop_web'), { appId: 'shop_web', projectId: 'shop', redshift: true, version: 5 });
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';
import { PipelineConfigChanged, type BusEvent } from '@clickstream/contracts';
import { FsObjectStore } from '@clickstream/runtime';
import { ObjectStorePipelineConfigs } from '../src/adapters/local/object-store-pipeline-configs.js';
import { handler } from '../src/handlers/on-pipeline-config-changed.js';
import { appSettingsFrom } from '../src/domain/pipeline-configs.js';
import { useLocalPorts } from '../src/wiring.js';

const context = { functionName: 'on-pipeline-config-changed', awsRequestId: 'r' } as Context;

function delivery(version: number, process: Record<string, unknown> = {}): BusEvent<unknown> {
  const example = PipelineConfigChanged.example;
  return {
    version: '0',
    id: `evt-${version}`,
    'detail-type': PipelineConfigChanged.detailType,
    source: PipelineConfigChanged.source,
    account: '000000000000',
    time: '2026-11-29T10:05:00.000Z',
    region: 'eu-west-1',
    resources: [],
    detail: { ...example, version, config: { ...example.config, process: { ...example.config.process, ...process } } },
  };
}

describe('on-pipeline-config-changed', () => {
  it('keeps the newest version of each project and ignores replays and older versions', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'process-configs-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const configs = new ObjectStorePipelineConfigs(new FsObjectStore(dir));
    useLocalPorts({ jobs: { launch: async () => ({ status: 'idle' }) }, results: { read: async () => undefined }, pipelineConfigs: configs, publisher: { publish: async () => undefined }, clock: { now: () => 0 } });

    await handler(delivery(2, { sessionTimeoutMinutes: 10 }) as never, context);
    await handler(delivery(1, { sessionTimeoutMinutes: 99 }) as never, context);
    await handler(delivery(2, { sessionTimeoutMinutes: 99 }) as never, context);
    const stored = await configs.get('shop');
    assert.equal(stored?.version, 2);
    assert.equal(stored?.process.sessionTimeoutMinutes, 10);
    const apps = appSettingsFrom(await configs.list());
    assert.equal(apps.shop_web?.sessionTimeoutMs, 10 * 60_000);
    assert.equal(apps.shop_web?.lateWindowMs, 72 * 3_600_000);
    assert.equal(apps.shop_web?.anonymiseIp, true);

    await handler(delivery(3, { lateEventWindowHours: 24, plugins: [{ name: 'example-pii-redactor', options: { keys: ['email'] } }] }) as never, context);
    assert.equal(appSettingsFrom(await configs.list()).shop_web?.lateWindowMs, 24 * 3_600_000);
  });

  it('refuses a configuration naming a step the service does not have (the event goes to the DLQ), keeping the last good one', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'process-configs-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const configs = new ObjectStorePipelineConfigs(new FsObjectStore(dir));
    useLocalPorts({ jobs: { launch: async () => ({ status: 'idle' }) }, results: { read: async () => undefined }, pipelineConfigs: configs, publisher: { publish: async () => undefined }, clock: { now: () => 0 } });
    await handler(delivery(1) as never, context);
    await assert.rejects(handler(delivery(2, { enrichers: ['no-such-enricher'] }) as never, context), /no-such-enricher/);
    assert.equal((await configs.get('shop'))?.version, 1);
  });
});

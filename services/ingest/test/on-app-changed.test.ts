// on-app-changed end to end: EventBridge deliveries built from the contracts' examples, into the
// real handler, over the embedded app directory; then what http-collect makes of the result.
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { parse as parseYaml } from 'yaml';
import {
  AppDeleted,
  AppRegistered,
  AppSettings,
  AppUpdated,
  ProcessingCompleted,
  type BusEvent,
  type EventContract,
} from '@clickstream/contracts';
import { ContractViolation, trustedProxyList } from '@clickstream/lambda-kit';
import { FsObjectStore } from '@clickstream/runtime';
import { ObjectStoreAppDirectory } from '../src/adapters/local/object-store-app-directory.js';
import { IngestLimits } from '../src/domain/limits.js';
import { activeApp } from '../src/ports/app-directory.js';
import type { EnvelopeRecord } from '../src/domain/envelope-records.js';
import type { EventSink } from '../src/ports/event-sink.js';

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
const { handler: onAppChanged } = await import('../src/handlers/on-app-changed.js');
const { handler: httpCollect } = await import('../src/handlers/http-collect.js');
const { useLocalPorts } = await import('../src/wiring.js');

/** The envelope EventBridge delivers to the rule's target. */
function busEvent(contract: EventContract, detail: unknown = contract.example, source = contract.source): BusEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': contract.detailType,
    source,
    account: '123456789012',
    time: '2026-11-29T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail,
  };
}

function context(name: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:123456789012:function:${name}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const deliver = (event: BusEvent) => onAppChanged(event, context('on-app-changed'));

/** POSTs one event from the app's own origin; answers the status. */
async function collectStatus(appId: string): Promise<number> {
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: 'POST /collect',
    rawPath: '/collect',
    rawQueryString: `appId=${appId}`,
    headers: { origin: 'https://shop.example.com', 'content-type': 'application/json' },
    queryStringParameters: { appId },
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method: 'POST', path: '/collect', protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'test' },
      requestId: 'r',
      routeKey: 'POST /collect',
      stage: '$default',
      time: '29/Nov/2026:10:00:00 +0000',
      timeEpoch: 0,
    },
    body: '[{"event_type":"_page_view"}]',
    isBase64Encoded: false,
  };
  const res = await httpCollect(event, context('http-collect'));
  return res.statusCode ?? 0;
}

const appId = AppRegistered.example.appId;
let root: string;
let apps: ObjectStoreAppDirectory;
const stored: EnvelopeRecord[] = [];
const sink: EventSink = { put: async (envelopes) => void stored.push(...envelopes) };

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'ingest-on-app-changed-'));
});
after(() => rm(root, { recursive: true, force: true }));

beforeEach(async () => {
  apps = new ObjectStoreAppDirectory(new FsObjectStore(join(root, randomUUID())));
  useLocalPorts({
    apps,
    sink,
    clock: { now: () => Date.parse('2026-11-29T10:00:00Z') },
    trustedProxies: trustedProxyList([]),
    maxBodyBytes: IngestLimits.maxBodyBytes,
    maxRecordBytes: 1000 * 1024,
  });
});

describe('on-app-changed', () => {
  it('stores the settings of an AppRegistered event, after which collect accepts the app', async () => {
    assert.equal(await collectStatus(appId), 403, 'unknown before registration');
    await deliver(busEvent(AppRegistered));
    assert.deepEqual(activeApp(await apps.get(appId)), AppSettings.parse(AppRegistered.example));
    assert.equal(await collectStatus(appId), 200);
  });

  it('applies AppUpdated (here: disabling the app), after which collect answers 403', async () => {
    await deliver(busEvent(AppRegistered));
    await deliver(busEvent(AppUpdated));
    const app = activeApp(await apps.get(appId));
    assert.equal(app?.revision, AppUpdated.example.revision);
    assert.equal(app?.enabled, false);
    assert.equal(await collectStatus(appId), 403);
  });

  it('ignores a replayed or late older event (replay-safe)', async () => {
    await deliver(busEvent(AppRegistered));
    await deliver(busEvent(AppUpdated));
    await deliver(busEvent(AppRegistered)); // late redelivery of revision 1
    await deliver(busEvent(AppUpdated)); // duplicate
    const app = activeApp(await apps.get(appId));
    assert.equal(app?.revision, 2);
    assert.equal(app?.enabled, false);
  });

  it('turns AppDeleted into a tombstone that a late AppRegistered cannot undo', async () => {
    await deliver(busEvent(AppRegistered));
    await deliver(busEvent(AppDeleted));
    assert.deepEqual(await apps.get(appId), { appId, revision: AppDeleted.example.revision, deleted: true });
    await deliver(busEvent(AppRegistered));
    await deliver(busEvent(AppUpdated));
    assert.equal(activeApp(await apps.get(appId)), undefined);
    assert.equal(await collectStatus(appId), 403);
  });

  it('handles deliveries arriving in reverse order', async () => {
    await deliver(busEvent(AppUpdated));
    await deliver(busEvent(AppRegistered));
    assert.equal(activeApp(await apps.get(appId))?.revision, 2);
  });

  it('re-registers an app with a revision newer than its deletion', async () => {
    await deliver(busEvent(AppDeleted));
    await deliver(busEvent(AppRegistered, { ...AppRegistered.example, revision: 4 }));
    assert.equal(activeApp(await apps.get(appId))?.revision, 4);
    assert.equal(await collectStatus(appId), 200);
  });

  it('throws on a detail that violates its contract (so the delivery ends in the DLQ), storing nothing', async () => {
    const { revision: _r, ...noRevision } = AppRegistered.example;
    for (const detail of [noRevision, { ...AppRegistered.example, appId: 'no spaces allowed' }, { ...AppUpdated.example, revision: -1 }, null]) {
      await assert.rejects(deliver(busEvent(AppRegistered, detail)), ContractViolation);
    }
    await assert.rejects(deliver(busEvent(AppDeleted, { appId })), ContractViolation);
    assert.equal(await apps.get(appId), undefined);
  });

  it('throws on an event of another contract or from another source', async () => {
    await assert.rejects(deliver(busEvent(ProcessingCompleted)), ContractViolation);
    await assert.rejects(deliver(busEvent(AppRegistered, AppRegistered.example, 'clickstream.impostor')), ContractViolation);
    assert.equal(await apps.get(appId), undefined);
  });
});

describe('on-app-changed subscription (serverless.yml)', () => {
  interface Fn {
    events?: { eventBridge?: { pattern?: { source?: string[]; 'detail-type'?: string[] } } }[];
  }
  const manifest = parseYaml(readFileSync(new URL('../serverless.yml', import.meta.url), 'utf8')) as { functions: Record<string, Fn> };
  const pattern = manifest.functions['on-app-changed']?.events?.find((e) => e.eventBridge)?.eventBridge?.pattern;

  it('selects exactly the sources and detail-types of the contracts the handler parses', () => {
    const contracts = [AppRegistered, AppUpdated, AppDeleted];
    assert.deepEqual([...new Set(pattern?.source)].sort(), [...new Set(contracts.map((c) => c.source))].sort());
    assert.deepEqual([...(pattern?.['detail-type'] ?? [])].sort(), contracts.map((c) => c.detailType).sort());
  });
});

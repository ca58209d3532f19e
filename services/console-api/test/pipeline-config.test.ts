import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PipelineConfigChanged } from '@clickstream/contracts';
import { diffJson } from '../src/domain/config-diff.js';
import { defaultPipelineConfig } from '../src/domain/pipeline-config.js';
import { assertError, harness, type Harness, type Session } from './support/harness.js';

let h: Harness;
let ops: Session;

beforeEach(async () => {
  h = harness();
  await h.addUser('ops', 'Operator');
  ops = await h.signIn('ops');
  await ops.call('POST', '/api/projects', { body: { projectId: 'shop', name: 'Shop' } });
  await ops.call('POST', '/api/projects/shop/apps', { body: { name: 'Web', platform: 'Web' } });
  await ops.call('POST', '/api/projects/shop/apps', { body: { name: 'iOS', platform: 'iOS' } });
});
afterEach(() => h.close());

const redshift = {
  ingest: { sink: 'firehose' },
  process: { intervalSeconds: 600, anonymiseIp: true, plugins: [{ name: 'example-pii-redactor', options: { keys: ['email'], salt: 's' } }] },
  model: { targets: ['athena', 'redshift'], redshiftLoadIntervalMinutes: 10 },
};

describe('pipeline configuration', () => {
  it('starts at version 0 with the contract defaults', async () => {
    const res = await ops.call('GET', '/api/projects/shop/pipeline');
    assert.deepEqual(res.body, { projectId: 'shop', version: 0, config: defaultPipelineConfig, changedBy: null, changedAt: null, comment: null });
    assertError(await ops.call('GET', '/api/projects/none/pipeline'), 404, 'NOT_FOUND');
  });

  it('saves a version (defaults filled in), records who and when, and publishes PipelineConfigChanged.v1 with the apps', async () => {
    h.now.value += 5 * 60_000;
    const res = await ops.call('PUT', '/api/projects/shop/pipeline', { body: { config: redshift, basedOnVersion: 0, comment: 'add Redshift' } });
    assert.equal(res.status, 201);
    assert.equal(res.body.version, 1);
    assert.equal(res.body.saved, true);
    assert.deepEqual([res.body.changedBy, res.body.changedAt, res.body.comment], ['ops', '2026-11-29T10:05:00.000Z', 'add Redshift']);
    assert.equal(res.body.config.process.sessionTimeoutMinutes, 30, 'defaults are filled in');
    assert.deepEqual(res.body.config.process.enrichers, ['user-agent', 'geo', 'traffic-source', 'bots']);
    const [event] = h.publisher.ofType('PipelineConfigChanged.v1');
    assert.deepEqual(event, {
      projectId: 'shop',
      appIds: ['shop_ios', 'shop_web'],
      version: 1,
      config: res.body.config,
      changedBy: 'ops',
      changedAt: '2026-11-29T10:05:00.000Z',
    });
    assert.ok(PipelineConfigChanged.schema.safeParse(event).success);
  });

  it('saving the same configuration again makes no version and publishes nothing', async () => {
    await ops.call('PUT', '/api/projects/shop/pipeline', { body: { config: redshift, basedOnVersion: 0 } });
    const again = await ops.call('PUT', '/api/projects/shop/pipeline', { body: { config: redshift, basedOnVersion: 1 } });
    assert.deepEqual([again.status, again.body.saved, again.body.version], [200, false, 1]);
    assert.equal(h.publisher.ofType('PipelineConfigChanged.v1').length, 1);
  });

  it('a save based on a stale version is 409 with the latest version', async () => {
    await ops.call('PUT', '/api/projects/shop/pipeline', { body: { config: redshift, basedOnVersion: 0 } });
    const error = assertError(await ops.call('PUT', '/api/projects/shop/pipeline', { body: { config: {}, basedOnVersion: 0 } }), 409, 'VERSION_CONFLICT');
    assert.deepEqual(error.details, { latestVersion: 1 });
  });

  it('rejects an invalid configuration as a whole, with every field-level issue', async () => {
    const config = {
      ingest: { sink: 'kafka' },
      process: {
        intervalSeconds: 5,
        enrichers: ['geo', 'astrology', 'geo'],
        plugins: [{ name: 'example-pii-redactor', options: { keys: [] } }, { name: 'mystery' }],
        lateEventWindowHours: 1,
      },
      model: { targets: ['athena', 'athena'] },
    };
    const error = assertError(await ops.call('PUT', '/api/projects/shop/pipeline', { body: { config, basedOnVersion: 0 } }), 400, 'INVALID_BODY');
    const issues = (error.details as { issues: { path: string; message: string }[] }).issues;
    assert.deepEqual(issues.map((i) => i.path).sort(), ['config.ingest.sink', 'config.process.intervalSeconds']);
    // Cross-field rules run once every field is valid on its own.
    const second = { ...config, ingest: { sink: 'kinesis' }, process: { ...config.process, intervalSeconds: 7_200 } };
    const error2 = assertError(await ops.call('PUT', '/api/projects/shop/pipeline', { body: { config: second, basedOnVersion: 0 } }), 400, 'INVALID_BODY');
    const issues2 = (error2.details as { issues: { path: string; message: string }[] }).issues;
    assert.deepEqual(issues2.map((i) => i.path).sort(), [
      'config.model.targets.1',
      'config.process.enrichers.1',
      'config.process.enrichers.2',
      'config.process.lateEventWindowHours',
      'config.process.plugins.0.options.keys',
      'config.process.plugins.1.name',
    ]);
    assert.match(issues2.find((i) => i.path === 'config.process.enrichers.1')!.message, /unknown enricher "astrology"/);
    assert.equal(h.publisher.published.filter((p) => p.detailType === 'PipelineConfigChanged.v1').length, 0);
  });

  it('validate answers the issues or the completed configuration, and saves nothing', async () => {
    const bad = await ops.call('POST', '/api/projects/shop/pipeline/validate', { body: { config: { process: { enrichers: ['nope'] } } } });
    assert.deepEqual(bad.body, { valid: false, issues: [{ path: 'config.process.enrichers.0', message: bad.body.issues[0].message }] });
    const good = await ops.call('POST', '/api/projects/shop/pipeline/validate', { body: { config: {} } });
    assert.deepEqual(good.body, { valid: true, issues: [], config: defaultPipelineConfig });
    assert.equal((await ops.call('GET', '/api/projects/shop/pipeline')).body.version, 0);
  });

  it('keeps a history, serves any version and diffs two', async () => {
    await ops.call('PUT', '/api/projects/shop/pipeline', { body: { config: redshift, basedOnVersion: 0 } });
    h.now.value += 60_000;
    const v2 = { ...redshift, process: { ...redshift.process, sessionTimeoutMinutes: 45, enrichers: ['user-agent', 'geo'] } };
    await ops.call('PUT', '/api/projects/shop/pipeline', { body: { config: v2, basedOnVersion: 1, comment: 'longer sessions' } });
    const history = await ops.call('GET', '/api/projects/shop/pipeline/versions');
    assert.deepEqual(history.body, {
      projectId: 'shop',
      versions: [
        { version: 2, changedBy: 'ops', changedAt: '2026-11-29T10:01:00.000Z', comment: 'longer sessions' },
        { version: 1, changedBy: 'ops', changedAt: '2026-11-29T10:00:00.000Z' },
      ],
    });
    assert.equal((await ops.call('GET', '/api/projects/shop/pipeline/versions/1')).body.config.process.sessionTimeoutMinutes, 30);
    assert.equal((await ops.call('GET', '/api/projects/shop/pipeline/versions/0')).body.config.ingest.sink, 'kinesis');
    assertError(await ops.call('GET', '/api/projects/shop/pipeline/versions/9'), 404, 'NOT_FOUND');
    assertError(await ops.call('GET', '/api/projects/shop/pipeline/versions/x'), 400, 'INVALID_VERSION');

    const diff = await ops.call('GET', '/api/projects/shop/pipeline/diff');
    assert.deepEqual(diff.body, {
      projectId: 'shop',
      from: 1,
      to: 2,
      changes: [
        { path: 'process.enrichers.2', op: 'removed', before: 'traffic-source' },
        { path: 'process.enrichers.3', op: 'removed', before: 'bots' },
        { path: 'process.sessionTimeoutMinutes', op: 'changed', before: 30, after: 45 },
      ],
    });
    const fromDefaults = await ops.call('GET', '/api/projects/shop/pipeline/diff', { query: { from: '0', to: '1' } });
    assert.deepEqual(
      fromDefaults.body.changes.map((c: { path: string }) => c.path),
      ['ingest.sink', 'model.redshiftLoadIntervalMinutes', 'model.targets.1', 'process.anonymiseIp', 'process.intervalSeconds', 'process.plugins.0'],
    );
  });

  it('lists the processing steps a configuration can name', async () => {
    const res = await ops.call('GET', '/api/pipeline/steps');
    assert.ok(res.body.steps.some((s: { name: string; kind: string }) => s.name === 'example-pii-redactor' && s.kind === 'plugin'));
  });
});

describe('diffJson', () => {
  it('reports added, removed and changed leaves by path', () => {
    assert.deepEqual(diffJson({ a: 1, b: { c: [1, 2] }, d: 'x' }, { a: 1, b: { c: [1, 3, 4] }, e: null }), [
      { path: 'b.c.1', op: 'changed', before: 2, after: 3 },
      { path: 'b.c.2', op: 'added', after: 4 },
      { path: 'd', op: 'removed', before: 'x' },
      { path: 'e', op: 'added', after: null },
    ]);
    assert.deepEqual(diffJson({ a: [1] }, { a: [1] }), []);
    assert.deepEqual(diffJson({ a: { b: 1 } }, { a: 2 }), [{ path: 'a', op: 'changed', before: { b: 1 }, after: 2 }]);
  });
});

import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppDeleted, AppRegistered, AppUpdated } from '@clickstream/contracts';
import { appIdBase, idCandidates, projectIdBase } from '../src/domain/identifiers.js';
import { assertError, harness, type Harness, type Session } from './support/harness.js';

let h: Harness;
let ops: Session;

beforeEach(async () => {
  h = harness();
  await h.addUser('ops', 'Operator');
  ops = await h.signIn('ops');
});
afterEach(() => h.close());

describe('ids', () => {
  it('derives readable ids from names', () => {
    assert.equal(appIdBase('shop', 'Web'), 'shop_web');
    assert.equal(appIdBase('shop', 'Shop iOS app'), 'shop_ios_app');
    assert.equal(appIdBase('my-shop', 'Café Android'), 'my_shop_cafe_android');
    assert.equal(appIdBase('shop', '!!!'), 'shop_app');
    assert.equal(projectIdBase('Mon Café — Paris'), 'mon-cafe-paris');
    assert.equal(projectIdBase('日本'), 'project');
  });

  it('candidates stay within the length limit and end in suffixes', () => {
    const c = idCandidates('a'.repeat(80), '_', 64);
    assert.ok(c.every((id) => id.length <= 64));
    assert.equal(c[1], `${'a'.repeat(62)}_2`);
    assert.equal(new Set(c).size, c.length);
  });
});

describe('projects', () => {
  it('creates with a derived or given id; a taken id is 409', async () => {
    const a = await ops.call('POST', '/api/projects', { body: { name: 'Shop' } });
    assert.equal(a.status, 201);
    assert.equal(a.body.projectId, 'shop');
    const b = await ops.call('POST', '/api/projects', { body: { name: 'Shop' } });
    assert.equal(b.body.projectId, 'shop-2', 'a second "Shop" gets the next free id');
    assertError(await ops.call('POST', '/api/projects', { body: { projectId: 'shop', name: 'Again' } }), 409, 'PROJECT_EXISTS');
    assertError(await ops.call('POST', '/api/projects', { body: { projectId: 'Bad Id', name: 'x' } }), 400, 'INVALID_BODY');
  });

  it('updates with revision checks, shows its apps, and deletes only when empty', async () => {
    await ops.call('POST', '/api/projects', { body: { projectId: 'shop', name: 'Shop' } });
    const renamed = await ops.call('PATCH', '/api/projects/shop', { body: { name: 'The shop', revision: 1 } });
    assert.equal(renamed.status, 200);
    assert.deepEqual([renamed.body.name, renamed.body.revision], ['The shop', 2]);
    assertError(await ops.call('PATCH', '/api/projects/shop', { body: { name: 'Stale', revision: 1 } }), 409, 'REVISION_CONFLICT');
    const same = await ops.call('PATCH', '/api/projects/shop', { body: { name: 'The shop' } });
    assert.equal(same.body.revision, 2, 'no change, no new revision');

    await ops.call('POST', '/api/projects/shop/apps', { body: { name: 'Web', platform: 'Web' } });
    const shown = await ops.call('GET', '/api/projects/shop');
    assert.deepEqual(shown.body.apps.map((a: { appId: string }) => a.appId), ['shop_web']);
    assertError(await ops.call('DELETE', '/api/projects/shop'), 409, 'PROJECT_NOT_EMPTY');
    assert.equal((await ops.call('DELETE', '/api/apps/shop_web')).status, 204);
    assert.equal((await ops.call('DELETE', '/api/projects/shop')).status, 204);
    assertError(await ops.call('GET', '/api/projects/shop'), 404, 'NOT_FOUND');
    assertError(await ops.call('GET', '/api/projects/Not_An_Id'), 400, 'INVALID_PROJECT_ID');
  });
});

describe('apps', () => {
  beforeEach(async () => {
    await ops.call('POST', '/api/projects', { body: { projectId: 'shop', name: 'Shop' } });
  });

  it('creates an app with defaults and announces it with AppRegistered.v1', async () => {
    const res = await ops.call('POST', '/api/projects/shop/apps', {
      body: { name: 'Web', platform: 'Web', allowedOrigins: ['https://Shop.example.com', 'http://localhost:3000'], timezone: 'Europe/Paris', retentionDays: 395 },
    });
    assert.equal(res.status, 201);
    assert.deepEqual(res.body, {
      appId: 'shop_web',
      projectId: 'shop',
      name: 'Web',
      platform: 'Web',
      enabled: true,
      allowedOrigins: ['https://shop.example.com', 'http://localhost:3000'],
      timezone: 'Europe/Paris',
      retentionDays: 395,
      revision: 1,
      createdAt: '2026-11-29T10:00:00.000Z',
      updatedAt: '2026-11-29T10:00:00.000Z',
    });
    const [registered] = h.publisher.ofType('AppRegistered.v1');
    assert.deepEqual(registered, {
      appId: 'shop_web',
      projectId: 'shop',
      name: 'Web',
      platform: 'Web',
      enabled: true,
      allowedOrigins: ['https://shop.example.com', 'http://localhost:3000'],
      timezone: 'Europe/Paris',
      retentionDays: 395,
      revision: 1,
      registeredAt: '2026-11-29T10:00:00.000Z',
    });
    assert.ok(AppRegistered.schema.safeParse(registered).success);
  });

  it('gives the next free id to a same-named app, and refuses a taken explicit id', async () => {
    await ops.call('POST', '/api/projects/shop/apps', { body: { name: 'Web', platform: 'Web' } });
    assert.equal((await ops.call('POST', '/api/projects/shop/apps', { body: { name: 'Web', platform: 'Web' } })).body.appId, 'shop_web_2');
    assertError(await ops.call('POST', '/api/projects/shop/apps', { body: { appId: 'shop_web', name: 'x', platform: 'Web' } }), 409, 'APP_ID_TAKEN');
    assertError(await ops.call('POST', '/api/projects/nope/apps', { body: { name: 'x', platform: 'Web' } }), 404, 'NOT_FOUND');
  });

  it('validates origins, timezone, platform and retention field by field', async () => {
    const res = await ops.call('POST', '/api/projects/shop/apps', {
      body: { name: 'Web', platform: 'Web', allowedOrigins: ['*', 'https://a.example.com/path', 'ftp://x'], timezone: 'Mars/Olympus', retentionDays: -1 },
    });
    const error = assertError(res, 400, 'INVALID_BODY');
    const issues = (error.details as { issues: { path: string; message: string }[] }).issues;
    assert.deepEqual(issues.map((i) => i.path).sort(), ['allowedOrigins.0', 'allowedOrigins.1', 'allowedOrigins.2', 'retentionDays', 'timezone']);
    assert.equal(h.publisher.published.length, 0);
  });

  it('updates bump the revision and publish AppUpdated.v1; no-op updates publish nothing', async () => {
    await ops.call('POST', '/api/projects/shop/apps', { body: { name: 'Web', platform: 'Web' } });
    h.now.value += 60_000;
    const res = await ops.call('PATCH', '/api/apps/shop_web', { body: { enabled: false, allowedOrigins: ['https://shop.example.com'], revision: 1 } });
    assert.equal(res.status, 200);
    assert.deepEqual([res.body.enabled, res.body.revision, res.body.updatedAt], [false, 2, '2026-11-29T10:01:00.000Z']);
    assert.deepEqual(h.publisher.ofType('AppUpdated.v1'), [
      {
        appId: 'shop_web',
        projectId: 'shop',
        name: 'Web',
        platform: 'Web',
        enabled: false,
        allowedOrigins: ['https://shop.example.com'],
        timezone: 'UTC',
        retentionDays: 0,
        revision: 2,
        updatedAt: '2026-11-29T10:01:00.000Z',
      },
    ]);
    assert.ok(AppUpdated.schema.safeParse(h.publisher.ofType('AppUpdated.v1')[0]).success);
    assert.equal((await ops.call('PATCH', '/api/apps/shop_web', { body: { enabled: false } })).body.revision, 2);
    assert.equal(h.publisher.ofType('AppUpdated.v1').length, 1);
    assertError(await ops.call('PATCH', '/api/apps/shop_web', { body: { enabled: true, revision: 1 } }), 409, 'REVISION_CONFLICT');
    assertError(await ops.call('PATCH', '/api/apps/shop_web', { body: { projectId: 'other' } }), 400, 'INVALID_BODY');
  });

  it('deleting publishes AppDeleted.v1 with the next revision; the id is never reused', async () => {
    await ops.call('POST', '/api/projects/shop/apps', { body: { name: 'Web', platform: 'Web' } });
    assert.equal((await ops.call('DELETE', '/api/apps/shop_web')).status, 204);
    assert.deepEqual(h.publisher.ofType('AppDeleted.v1'), [{ appId: 'shop_web', projectId: 'shop', revision: 2, deletedAt: '2026-11-29T10:00:00.000Z' }]);
    assert.ok(AppDeleted.schema.safeParse(h.publisher.ofType('AppDeleted.v1')[0]).success);
    assertError(await ops.call('GET', '/api/apps/shop_web'), 404, 'NOT_FOUND');
    assertError(await ops.call('DELETE', '/api/apps/shop_web'), 404, 'NOT_FOUND');
    assertError(await ops.call('POST', '/api/projects/shop/apps', { body: { appId: 'shop_web', name: 'Web', platform: 'Web' } }), 409, 'APP_ID_TAKEN');
    assert.equal((await ops.call('POST', '/api/projects/shop/apps', { body: { name: 'Web', platform: 'Web' } })).body.appId, 'shop_web_2');
  });

  it('a delete naming a stale revision is 409 and publishes nothing', async () => {
    await ops.call('POST', '/api/projects/shop/apps', { body: { name: 'Web', platform: 'Web' } });
    await ops.call('PATCH', '/api/apps/shop_web', { body: { name: 'Site' } });
    assertError(await ops.call('DELETE', '/api/apps/shop_web', { query: { revision: '1' } }), 409, 'REVISION_CONFLICT');
    assert.equal(h.publisher.ofType('AppDeleted.v1').length, 0);
  });
});

import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { serviceUnavailable } from '@clickstream/lambda-kit';
import { assertError, call, harness, type Harness, type Session } from './support/harness.js';

let h: Harness;
let admin: Session;

beforeEach(async () => {
  h = harness({ counts: { shop_web: 42 } });
  await h.addUser('admin', 'Admin');
  admin = await h.signIn('admin');
  for (const projectId of ['shop', 'blog']) {
    assert.equal((await admin.call('POST', '/api/projects', { body: { projectId, name: projectId } })).status, 201);
  }
  assert.equal((await admin.call('POST', '/api/projects/shop/apps', { body: { name: 'Web', platform: 'Web' } })).status, 201);
  assert.equal((await admin.call('POST', '/api/projects/blog/apps', { body: { name: 'Web', platform: 'Web' } })).status, 201);
});
afterEach(() => h.close());

describe('console-api http-api', () => {
  it('GET /api/health answers ok without sign-in', async () => {
    const res = await call('GET', '/api/health');
    assert.deepEqual([res.status, res.body], [200, { ok: true }]);
    assert.equal(res.raw.headers?.['cache-control'], 'no-store');
  });

  it('GET /api/apps lists the apps, optionally of one project', async () => {
    const res = await admin.call('GET', '/api/apps');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.apps.map((a: { appId: string }) => a.appId), ['blog_web', 'shop_web']);
    const shop = await admin.call('GET', '/api/apps', { query: { projectId: 'shop' } });
    assert.deepEqual(shop.body.apps.map((a: { appId: string }) => a.appId), ['shop_web']);
    assertError(await admin.call('GET', '/api/apps', { query: { projectId: 'NOT valid' } }), 400, 'INVALID_QUERY');
  });

  it('GET /api/apps/:appId returns one app, 404 for an unknown one', async () => {
    assert.equal((await admin.call('GET', '/api/apps/blog_web')).body.projectId, 'blog');
    const error = assertError(await admin.call('GET', '/api/apps/nope'), 404, 'NOT_FOUND');
    assert.match(String(error.message), /nope/);
  });

  it('GET /api/apps/:appId/event-count answers the deduplicated event count of the app', async () => {
    const res = await admin.call('GET', '/api/apps/shop_web/event-count');
    assert.deepEqual([res.status, res.body], [200, { appId: 'shop_web', events: 42 }]);
    assert.deepEqual(h.analytics.asked, ['shop_web']);
    assert.deepEqual((await admin.call('GET', '/api/apps/blog_web/event-count')).body, { appId: 'blog_web', events: 0 });
  });

  it('event-count of an unknown app is 404, without querying the warehouse', async () => {
    assertError(await admin.call('GET', '/api/apps/ghost_app/event-count'), 404, 'NOT_FOUND');
    assert.deepEqual(h.analytics.asked, []);
  });

  it('an invalid app id is 400 INVALID_APP_ID, checked before any query sees it', async () => {
    for (const path of ['/api/apps/a;drop/event-count', "/api/apps/a'%20OR%20'1'='1/event-count", '/api/apps/a%3Bdrop', `/api/apps/${'x'.repeat(65)}`]) {
      assertError(await admin.call('GET', path), 400, 'INVALID_APP_ID');
    }
    assert.deepEqual(h.analytics.asked, []);
  });

  it('the method is matched case-insensitively', async () => {
    assert.equal((await admin.call('get', '/api/apps')).status, 200);
  });

  it('an unknown path is a JSON 404, signed in or not', async () => {
    assertError(await call('GET', '/api/unknown'), 404, 'NOT_FOUND');
    assertError(await admin.call('GET', '/api/apps/%E0%A4%A'), 404, 'NOT_FOUND');
  });

  it('a known path with another method is a JSON 405 listing the allowed methods', async () => {
    const error = assertError(await admin.call('DELETE', '/api/apps/shop_web/event-count'), 405, 'METHOD_NOT_ALLOWED');
    assert.deepEqual(error.details, { allowed: ['GET'] });
  });

  it('a body must be application/json (a cross-site form cannot send that without a preflight)', async () => {
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      assertError(
        await call('POST', '/api/auth/sign-in', { rawBody: '{"username":"admin","password":"correct horse battery"}', headers: { 'content-type': type } }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    }
    assertError(await admin.call('POST', '/api/projects', { rawBody: '{not json' }), 400, 'INVALID_JSON');
  });

  it('invalid bodies are 400 with field-level issues', async () => {
    const error = assertError(await admin.call('POST', '/api/projects/shop/apps', { body: { name: '', platform: 'Fax', surprise: 1 } }), 400, 'INVALID_BODY');
    const paths = (error.details as { issues: { path: string }[] }).issues.map((i) => i.path).sort();
    assert.deepEqual(paths, ['', 'name', 'platform']);
  });

  it('GET /api/pipeline/health lists every app and the latest pipeline events', async () => {
    await h.ports.health.record('ProcessingCompleted.v1', '2026-11-29T10:15:02.000Z', { jobId: 'job-1' });
    const res = await admin.call('GET', '/api/pipeline/health');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.latest, { 'ProcessingCompleted.v1': { at: '2026-11-29T10:15:02.000Z', summary: { jobId: 'job-1' } } });
    assert.deepEqual(res.body.apps.map((a: { appId: string }) => a.appId), ['blog_web', 'shop_web']);
    assert.deepEqual(res.body.alarms, []);
  });

  it('an unexpected failure is a 500 with a generic message: no stack trace, no internals', async () => {
    h.analytics.failure = new Error('IO Error: cannot open /var/lib/clickstream/warehouse.duckdb');
    const res = await admin.call('GET', '/api/apps/shop_web/event-count');
    const error = assertError(res, 500, 'INTERNAL');
    assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'requestId']);
    const text = String(res.raw.body);
    assert.doesNotMatch(text, /warehouse\.duckdb|IO Error/);
    assert.doesNotMatch(text, /\bat .*\.ts:\d+|stack/i);
  });

  it('a deliberate 5xx AppError keeps its code and message, without a stack trace', async () => {
    h.analytics.failure = serviceUnavailable('WAREHOUSE_BUSY', 'The warehouse is busy; retry shortly.', new Error('lock held by pid 12'));
    const res = await admin.call('GET', '/api/apps/shop_web/event-count');
    const error = assertError(res, 503, 'WAREHOUSE_BUSY');
    assert.equal(error.message, 'The warehouse is busy; retry shortly.');
    assert.doesNotMatch(String(res.raw.body), /pid 12|stack/);
  });
});

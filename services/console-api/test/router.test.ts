import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '@clickstream/lambda-kit';
import { matchRoute, type Route } from '../src/domain/router.js';

const ok = async () => ({ status: 200, body: null });
const routes: Route<null>[] = [
  { method: 'GET', path: '/api/apps', summary: 'x', permission: 'public', run: ok },
  { method: 'POST', path: '/api/apps', summary: 'x', permission: 'public', run: ok },
  { method: 'GET', path: '/api/apps/:appId', summary: 'x', permission: 'public', run: ok },
  { method: 'DELETE', path: '/api/apps/:appId', summary: 'x', permission: 'public', run: ok },
  { method: 'GET', path: '/api/apps/:appId/event-count', summary: 'x', permission: 'public', run: ok },
  { method: 'GET', path: '/api/projects/:projectId/apps/:appId', summary: 'x', permission: 'public', run: ok },
];

function rejection(method: string, path: string): AppError {
  try {
    matchRoute(routes, method, path);
  } catch (error) {
    assert.ok(error instanceof AppError, `expected an AppError, got ${String(error)}`);
    return error;
  }
  assert.fail(`${method} ${path} matched a route`);
}

describe('matchRoute', () => {
  it('matches a static path by method', () => {
    assert.equal(matchRoute(routes, 'GET', '/api/apps').route, routes[0]);
    assert.equal(matchRoute(routes, 'POST', '/api/apps').route, routes[1]);
    assert.deepEqual(matchRoute(routes, 'GET', '/api/apps').params, {});
  });

  it('captures path parameters', () => {
    const m = matchRoute(routes, 'GET', '/api/projects/shop/apps/shop_web');
    assert.equal(m.route, routes[5]);
    assert.deepEqual(m.params, { projectId: 'shop', appId: 'shop_web' });
    assert.equal(matchRoute(routes, 'GET', '/api/apps/shop_web/event-count').route, routes[4]);
  });

  it('decodes path parameters', () => {
    assert.deepEqual(matchRoute(routes, 'GET', '/api/apps/caf%C3%A9%20web').params, { appId: 'café web' });
    assert.deepEqual(matchRoute(routes, 'GET', '/api/apps/a%2Fb/event-count').params, { appId: 'a/b' }, 'an encoded slash stays inside the segment');
  });

  it('ignores trailing slashes', () => {
    assert.equal(matchRoute(routes, 'GET', '/api/apps/').route, routes[0]);
    assert.deepEqual(matchRoute(routes, 'GET', '/api/apps/shop_web//').params, { appId: 'shop_web' });
  });

  it('404 when no route has the path', () => {
    for (const path of ['/api/nothing', '/api/apps/shop_web/other', '/api', '/', '', '/api/apps/shop_web/event-count/extra']) {
      const e = rejection('GET', path);
      assert.equal(e.status, 404, path);
      assert.equal(e.code, 'NOT_FOUND');
    }
  });

  it('404 for an empty parameter rather than matching with ""', () => {
    assert.equal(rejection('GET', '/api/apps//event-count').status, 404);
  });

  it('404, not a crash, for a parameter with malformed %-encoding', () => {
    for (const path of ['/api/apps/%E0%A4%A', '/api/apps/%ZZ/event-count', '/api/apps/100%']) {
      const e = rejection('GET', path);
      assert.equal(e.status, 404, path);
    }
  });

  it('405 listing the allowed methods when the path exists for other methods', () => {
    const e = rejection('PUT', '/api/apps/shop_web');
    assert.equal(e.status, 405);
    assert.equal(e.code, 'METHOD_NOT_ALLOWED');
    assert.deepEqual(e.details, { allowed: ['GET', 'DELETE'] });
    assert.match(e.message, /GET, DELETE/);

    assert.deepEqual(rejection('DELETE', '/api/apps').details, { allowed: ['GET', 'POST'] });
  });
});

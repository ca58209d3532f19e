import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EmbeddedConfig } from '../src/config.js';
import { findRoute, pathMatches, type HttpRoute } from '../src/http-routes.js';
import { staticFile } from '../src/static-files.js';

const routes: HttpRoute[] = [
  { method: 'POST', path: '/collect', service: 'ingest', functionName: 'http-collect' },
  { method: 'OPTIONS', path: '/collect', service: 'ingest', functionName: 'http-collect' },
  { method: 'GET', path: '/ping', service: 'ingest', functionName: 'http-collect' },
  { method: '*', path: '/api/{proxy+}', service: 'console-api', functionName: 'http-api' },
];

describe('embedded HTTP routing (API Gateway rules)', () => {
  it('matches exact paths, {param} segments and a greedy {proxy+} tail', () => {
    assert.ok(pathMatches('/collect', '/collect'));
    assert.ok(!pathMatches('/collect', '/collect/x'));
    assert.ok(pathMatches('/apps/{id}', '/apps/a1'));
    assert.ok(!pathMatches('/apps/{id}', '/apps/'));
    assert.ok(pathMatches('/api/{proxy+}', '/api/apps/x/event-count'));
    assert.ok(!pathMatches('/api/{proxy+}', '/api'));
    assert.ok(!pathMatches('/api/{proxy+}', '/api/'));
  });

  it('answers wrong-method with the allowed methods, and ANY (*) takes every method', () => {
    assert.deepEqual(findRoute(routes, 'GET', '/collect'), { kind: 'wrong-method', allowed: ['POST', 'OPTIONS'] });
    assert.equal(findRoute(routes, 'DELETE', '/api/apps/x').kind, 'found');
    assert.equal(findRoute(routes, 'HEAD', '/ping').kind, 'found');
    assert.equal(findRoute(routes, 'GET', '/unknown').kind, 'none');
  });
});

describe('console static files', () => {
  it('serves files under the root, falls back to index.html for app routes, and never leaves the root', async () => {
    const root = await mkdtemp(join(tmpdir(), 'static-'));
    await writeFile(join(root, 'index.html'), '<h1>console</h1>');
    await mkdir(join(root, 'assets'));
    await writeFile(join(root, 'assets', 'app.js'), 'x');
    await writeFile(join(root, '..', 'secret.txt'), 'nope').catch(() => undefined);
    assert.equal((await staticFile(root, '/'))?.type, 'text/html; charset=utf-8');
    assert.equal((await staticFile(root, '/assets/app.js'))?.body.toString(), 'x');
    assert.equal((await staticFile(root, '/dashboards/overview'))?.body.toString(), '<h1>console</h1>');
    assert.equal(await staticFile(root, '/missing.js'), undefined);
    assert.equal(await staticFile(root, '/../secret.txt'), undefined);
    assert.equal(await staticFile(root, '/%2e%2e/secret.txt'), undefined);
    assert.equal(await staticFile(root, '/%00'), undefined);
    assert.equal(await staticFile(root, '/%E0%A4%A'), undefined);
  });
});

describe('static file caching', () => {
  it('lets browsers keep content-hashed chunks for good and revalidate everything else', async () => {
    const root = await mkdtemp(join(tmpdir(), 'static-cache-'));
    await writeFile(join(root, 'index.html'), '<h1>console</h1>');
    await writeFile(join(root, 'main.js'), 'main');
    await mkdir(join(root, 'chunks'));
    await writeFile(join(root, 'chunks', 'dashboards-3F2A.js'), 'chunk');
    assert.equal((await staticFile(root, '/chunks/dashboards-3F2A.js'))?.cacheControl, 'public, max-age=31536000, immutable');
    assert.equal((await staticFile(root, '/main.js'))?.cacheControl, 'no-cache');
    assert.equal((await staticFile(root, '/'))?.cacheControl, 'no-cache');
    // An app route under /chunks/ falling back to index.html is not a hashed file.
    assert.equal((await staticFile(root, '/chunks/nothing-here'))?.cacheControl, 'no-cache');
  });
});

describe('embedded configuration', () => {
  it('defaults to 127.0.0.1:8080 and ./.clickstream', () => {
    const c = EmbeddedConfig.parse({});
    assert.equal(c.HOST, '127.0.0.1');
    assert.equal(c.PORT, 8080);
    assert.equal(c.DATA_DIR, './.clickstream');
  });

  it('reads schedule overrides as expressions or milliseconds', () => {
    const c = EmbeddedConfig.parse({ SCHEDULE_OVERRIDES: 'model-redshift.schedule-start-load=rate(1 minute), process.schedule-start-job=500' });
    assert.deepEqual(c.SCHEDULE_OVERRIDES, { 'model-redshift.schedule-start-load': 'rate(1 minute)', 'process.schedule-start-job': 500 });
  });

  it('rejects a malformed override or port with a clear message', () => {
    assert.throws(() => EmbeddedConfig.parse({ SCHEDULE_OVERRIDES: 'nonsense' }), /service\.function=schedule/);
    assert.throws(() => EmbeddedConfig.parse({ PORT: '99999' }));
  });
});

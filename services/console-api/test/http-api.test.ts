import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AppSettings, DetailInputOf, EventContract } from '@clickstream/contracts';
import { serviceUnavailable, type EventPublisher, type HttpResponse } from '@clickstream/lambda-kit';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { handler } from '../src/handlers/http-api.js';
import type { Analytics } from '../src/ports/analytics.js';
import type { AppStore } from '../src/ports/app-store.js';
import type { PipelineHealthStore } from '../src/ports/pipeline-health.js';
import { useLocalPorts } from '../src/wiring.js';

const shop: AppSettings = {
  appId: 'shop_web',
  projectId: 'shop',
  name: 'Shop website',
  platform: 'Web',
  enabled: true,
  allowedOrigins: ['https://shop.example.com'],
  timezone: 'Europe/Paris',
  revision: 1,
};
const blog: AppSettings = { ...shop, appId: 'blog_web', projectId: 'blog', name: 'Blog', allowedOrigins: ['*'] };

class MemoryApps implements AppStore {
  readonly gets: string[] = [];
  constructor(private readonly apps: AppSettings[]) {}
  async list() {
    return [...this.apps];
  }
  async get(appId: string) {
    this.gets.push(appId);
    return this.apps.find((a) => a.appId === appId);
  }
  async create(app: AppSettings) {
    if (this.apps.some((a) => a.appId === app.appId)) return false;
    this.apps.push(app);
    return true;
  }
}

class FakeAnalytics implements Analytics {
  readonly asked: string[] = [];
  failure: Error | undefined;
  constructor(private readonly counts: Record<string, number>) {}
  async eventCount(appId: string) {
    this.asked.push(appId);
    if (this.failure) throw this.failure;
    return this.counts[appId] ?? 0;
  }
}

const health: PipelineHealthStore = {
  record: async () => undefined,
  latest: async () => ({ 'ProcessingCompleted.v1': { at: '2026-11-29T10:15:02.000Z', summary: { jobId: 'job-1' } } }),
};
const publisher: EventPublisher = {
  publish: async <C extends EventContract>(_c: C, _d: DetailInputOf<C>) => undefined,
};

function wire() {
  const apps = new MemoryApps([shop, blog]);
  const analytics = new FakeAnalytics({ shop_web: 42 });
  useLocalPorts({ apps, analytics, health, publisher, clock: { now: () => 0 } });
  return { apps, analytics };
}

const REQUEST_ID = 'c0ffee00-0000-4000-8000-000000000001';

function context(): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'console-api-http-api',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:console-api-http-api',
    memoryLimitInMB: '256',
    awsRequestId: REQUEST_ID,
    logGroupName: '/aws/lambda/console-api-http-api',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 30_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** An API Gateway HTTP API (payload 2.0) request; rawPath is as sent, still %-encoded. */
function request(method: string, rawPath: string): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'ANY /api/{proxy+}',
    rawPath,
    rawQueryString: '',
    headers: { host: 'console.example.com', accept: 'application/json' },
    requestContext: {
      accountId: '000000000000',
      apiId: 'api',
      domainName: 'console.example.com',
      domainPrefix: 'console',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '203.0.113.9', userAgent: 'test' },
      requestId: 'apigw-request',
      routeKey: 'ANY /api/{proxy+}',
      stage: '$default',
      time: '29/Nov/2026:10:00:00 +0000',
      timeEpoch: Date.UTC(2026, 10, 29, 10),
    },
    isBase64Encoded: false,
  };
}

async function call(method: string, path: string): Promise<{ status: number; body: Record<string, unknown>; raw: HttpResponse }> {
  const raw = await handler(request(method, path), context());
  assert.match(String(raw.headers?.['content-type']), /^application\/json/);
  return { status: raw.statusCode!, body: JSON.parse(String(raw.body)) as Record<string, unknown>, raw };
}

function assertError(res: { status: number; body: Record<string, unknown> }, status: number, code: string) {
  assert.equal(res.status, status);
  const error = res.body.error as Record<string, unknown>;
  assert.equal(error.code, code);
  assert.equal(typeof error.message, 'string');
  assert.equal(error.requestId, REQUEST_ID, 'the error quotes the request id');
  return error;
}

describe('console-api http-api', () => {
  it('GET /api/health answers ok', async () => {
    wire();
    assert.deepEqual(await call('GET', '/api/health').then((r) => [r.status, r.body]), [200, { ok: true }]);
  });

  it('GET /api/apps lists the apps', async () => {
    wire();
    const res = await call('GET', '/api/apps');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { apps: [shop, blog] });
  });

  it('GET /api/apps/:appId returns one app, 404 for an unknown one', async () => {
    wire();
    assert.deepEqual((await call('GET', '/api/apps/blog_web')).body, blog);
    const error = assertError(await call('GET', '/api/apps/nope'), 404, 'NOT_FOUND');
    assert.match(String(error.message), /nope/);
  });

  it('GET /api/apps/:appId/event-count answers the deduplicated event count of the app', async () => {
    const { analytics } = wire();
    const res = await call('GET', '/api/apps/shop_web/event-count');
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { appId: 'shop_web', events: 42 });
    assert.deepEqual(analytics.asked, ['shop_web']);
    assert.deepEqual((await call('GET', '/api/apps/blog_web/event-count')).body, { appId: 'blog_web', events: 0 });
  });

  it('event-count of an unknown app is 404, without querying the warehouse', async () => {
    const { analytics } = wire();
    assertError(await call('GET', '/api/apps/ghost_app/event-count'), 404, 'NOT_FOUND');
    assert.deepEqual(analytics.asked, []);
  });

  it('an invalid app id is 400 INVALID_APP_ID, checked before any store or query sees it', async () => {
    const { apps, analytics } = wire();
    for (const path of ['/api/apps/a;drop/event-count', "/api/apps/a'%20OR%20'1'='1/event-count", '/api/apps/a%3Bdrop', `/api/apps/${'x'.repeat(65)}`]) {
      assertError(await call('GET', path), 400, 'INVALID_APP_ID');
    }
    assert.deepEqual(apps.gets, []);
    assert.deepEqual(analytics.asked, []);
  });

  it('the method is matched case-insensitively', async () => {
    wire();
    assert.equal((await call('get', '/api/apps')).status, 200);
  });

  it('an unknown path is a JSON 404', async () => {
    wire();
    assertError(await call('GET', '/api/unknown'), 404, 'NOT_FOUND');
    assertError(await call('GET', '/api/apps/%E0%A4%A'), 404, 'NOT_FOUND');
  });

  it('a known path with another method is a JSON 405 listing the allowed methods', async () => {
    wire();
    const error = assertError(await call('DELETE', '/api/apps/shop_web/event-count'), 405, 'METHOD_NOT_ALLOWED');
    assert.deepEqual(error.details, { allowed: ['GET'] });
  });

  it('GET /api/pipeline/health returns the latest pipeline events', async () => {
    wire();
    assert.deepEqual((await call('GET', '/api/pipeline/health')).body, {
      latest: { 'ProcessingCompleted.v1': { at: '2026-11-29T10:15:02.000Z', summary: { jobId: 'job-1' } } },
    });
  });

  it('an unexpected failure is a 500 with a generic message: no stack trace, no internals', async () => {
    const { analytics } = wire();
    analytics.failure = new Error('IO Error: cannot open /var/lib/clickstream/warehouse.duckdb');
    const res = await call('GET', '/api/apps/shop_web/event-count');
    const error = assertError(res, 500, 'INTERNAL');
    assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'requestId']);
    const text = String(res.raw.body);
    assert.doesNotMatch(text, /warehouse\.duckdb|IO Error/);
    assert.doesNotMatch(text, /\bat .*\.ts:\d+|stack/i);
  });

  it('a deliberate 5xx AppError keeps its code and message, without a stack trace', async () => {
    const { analytics } = wire();
    analytics.failure = serviceUnavailable('WAREHOUSE_BUSY', 'The warehouse is busy; retry shortly.', new Error('lock held by pid 12'));
    const res = await call('GET', '/api/apps/shop_web/event-count');
    const error = assertError(res, 503, 'WAREHOUSE_BUSY');
    assert.equal(error.message, 'The warehouse is busy; retry shortly.');
    assert.doesNotMatch(String(res.raw.body), /pid 12|stack/);
  });
});

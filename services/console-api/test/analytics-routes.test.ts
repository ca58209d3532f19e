// The analytics routes over the shop warehouse (analytics-fixture.ts) and SQLite saved
// explorations: JSON and CSV answers, one table, 4xx reasons for bad input, saved explorations per project.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AppError } from '@clickstream/lambda-kit';
import Database from 'better-sqlite3';
import { DuckDbAnalytics } from '../src/adapters/local/duckdb-analytics.js';
import { SqliteSavedExplorations } from '../src/adapters/local/sqlite-analytics-explorations.js';
import { analyticsRoutes, type AnalyticsRouteContext } from '../src/domain/analytics/routes.js';
import { matchRoute, type Principal, type RouteResult } from '../src/domain/router.js';
import { buildWarehouse, SHOP, shopData, type Fixture } from './analytics-fixture.js';

const NOW = Date.parse('2025-03-08T08:10:00Z');
const WEEK = { start: '2025-03-03', end: '2025-03-09' };
const apps: Record<string, { appId: string; projectId: string; timezone: string }> = {
  [SHOP]: { appId: SHOP, projectId: 'shop', timezone: 'UTC' },
  shop_ny: { appId: SHOP, projectId: 'shop', timezone: 'America/New_York' },
  blog_web: { appId: 'blog_web', projectId: 'blog', timezone: 'UTC' },
};
const analyst: Principal = { subject: 'ana', name: 'Ana', roles: ['Analyst'], via: 'session' };

let fixture: Fixture;
let db: Database.Database;
let ctx: AnalyticsRouteContext;

before(async () => {
  fixture = await buildWarehouse(shopData());
  db = new Database(':memory:');
  ctx = {
    apps: { get: async (id) => apps[id] },
    analytics: new DuckDbAnalytics(fixture.warehouse, { clock: { now: () => NOW } }),
    savedExplorations: new SqliteSavedExplorations(db),
    clock: { now: () => NOW },
  };
});
after(async () => {
  db.close();
  await fixture.close();
});

/** What the HTTP handler does: match, validate query and body with the route's schemas (400 with the issues), run. */
async function call(method: string, path: string, body?: unknown, query: Record<string, string> = {}): Promise<RouteResult> {
  const { route, params } = matchRoute(analyticsRoutes, method, path);
  const parse = (schema: { safeParse(v: unknown): { success: boolean; data?: unknown; error?: { issues: { message: string }[] } } } | undefined, value: unknown) => {
    if (!schema) return undefined;
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw new AppError(400, 'INVALID_INPUT', parsed.error!.issues.map((i) => i.message).join('; '));
    return parsed.data;
  };
  return route.run({ params, query: parse(route.query, query), body: parse(route.body, body), principal: analyst, secure: false }, ctx);
}

async function status(p: Promise<unknown>): Promise<number> {
  try {
    await p;
    return 200;
  } catch (error) {
    if (error instanceof AppError) return error.status;
    throw error;
  }
}

describe('query routes', () => {
  it('answer a dashboard as JSON, one table, or CSV', async () => {
    const json = await call('POST', `/api/apps/${SHOP}/query/dashboard/overview`, { dateRange: WEEK });
    const body = json.body as { tables: Record<string, { rows: Record<string, unknown>[] }> };
    assert.equal(body.tables.totals!.rows[0]!.active_users, 4);
    const one = await call('POST', `/api/apps/${SHOP}/query/dashboard/geo`, { dateRange: WEEK }, { panel: 'countries' });
    assert.deepEqual(Object.keys((one.body as { tables: object }).tables), ['countries']);
    const csv = await call('POST', `/api/apps/${SHOP}/query/dashboard/geo`, { dateRange: WEEK }, { format: 'csv', panel: 'countries' });
    assert.equal(csv.headers!['content-type'], 'text/csv; charset=utf-8');
    assert.equal(csv.headers!['content-disposition'], `attachment; filename="${SHOP}-geo-countries-2025-03-03-2025-03-09.csv"`);
    assert.equal(csv.body, 'value,users,sessions,events,views\r\nDE,1,2,9,3\r\nFR,1,1,5,2\r\nGB,1,3,4,3\r\nUS,1,1,1,1\r\n');
  });

  it("use the app's time zone unless the request names one", async () => {
    const ny = await call('POST', '/api/apps/shop_ny/query/dashboard/overview', { dateRange: WEEK });
    assert.deepEqual((ny.body as { dateRange: object }).dateRange, { ...WEEK, timezone: 'America/New_York' });
    const utc = await call('POST', '/api/apps/shop_ny/query/dashboard/overview', { dateRange: WEEK, timezone: 'UTC' });
    assert.deepEqual((utc.body as { dateRange: object }).dateRange, { ...WEEK, timezone: 'UTC' });
  });

  it('run explorations', async () => {
    const r = await call('POST', `/api/apps/${SHOP}/query/explore`, {
      dateRange: WEEK,
      exploration: { type: 'funnel', steps: [{ event: '_page_view' }, { event: 'add_to_cart' }] },
    });
    assert.deepEqual((r.body as { tables: { steps: { rows: { users: number }[] } } }).tables.steps.rows.map((s) => s.users), [4, 2]);
  });

  it('refuse bad input with 4xx', async () => {
    assert.equal(await status(call('POST', `/api/apps/${SHOP}/query/dashboard/nope`, { dateRange: WEEK })), 404);
    assert.equal(await status(call('POST', '/api/apps/nobody/query/dashboard/overview', { dateRange: WEEK })), 404);
    assert.equal(await status(call('POST', '/api/apps/bad%20id/query/dashboard/overview', { dateRange: WEEK })), 400);
    assert.equal(await status(call('POST', `/api/apps/${SHOP}/query/dashboard/overview`, { dateRange: { start: '2025-03-09', end: '2025-03-01' } })), 400);
    assert.equal(await status(call('POST', `/api/apps/${SHOP}/query/dashboard/overview`, { dateRange: WEEK, timezone: 'Mars/Olympus' })), 400);
    assert.equal(await status(call('POST', `/api/apps/${SHOP}/query/dashboard/overview`, { dateRange: WEEK, extra: 1 })), 400);
    assert.equal(await status(call('POST', `/api/apps/${SHOP}/query/dashboard/overview`, { dateRange: WEEK }, { panel: 'nope' })), 400);
    assert.equal(
      await status(call('POST', `/api/apps/${SHOP}/query/explore`, { dateRange: WEEK, exploration: { type: 'funnel', steps: Array(11).fill({ event: 'x' }) } })),
      400,
    );
    assert.equal(await status(call('POST', `/api/apps/${SHOP}/query/explore`, { dateRange: WEEK, exploration: { type: 'magic' } })), 400);
  });
});

describe('bad-row routes', () => {
  it('count by reason and show samples', async () => {
    const counts = await call('GET', `/api/apps/${SHOP}/bad-rows`, undefined, { since: '2025-03-01T00:00:00Z' });
    assert.deepEqual(
      (counts.body as { reasons: { reasonCode: string; rows: number }[] }).reasons.map((r) => [r.reasonCode, r.rows]),
      [
        ['INVALID_EVENT', 3],
        ['APP_ID_MISMATCH', 1],
      ],
    );
    // Default: the last 7 days before now (8 March), so 4 and 6 March only.
    const lastWeek = await call('GET', `/api/apps/${SHOP}/bad-rows/INVALID_EVENT`, undefined, { limit: '5' });
    assert.deepEqual((lastWeek.body as { samples: { requestId: string }[] }).samples.map((s) => s.requestId), ['rb3', 'rb2', 'rb1']);
    assert.equal(await status(call('GET', `/api/apps/${SHOP}/bad-rows`, undefined, { since: 'yesterday' })), 400);
  });
});

describe('saved explorations', () => {
  const request = { dateRange: WEEK, exploration: { type: 'retention', granularity: 'day', periods: 2 } };

  it('are created, listed, read, replaced, run and deleted per project', async () => {
    const created = await call('POST', '/api/projects/shop/explorations', { appId: SHOP, name: 'Daily retention', request });
    assert.equal(created.status, 201);
    const saved = created.body as { id: string; createdBy: string; createdAt: string; request: { filters: unknown[] } };
    assert.equal(saved.createdBy, 'Ana');
    assert.equal(saved.createdAt, '2025-03-08T08:10:00.000Z');
    assert.deepEqual(saved.request.filters, [], 'stored with defaults applied');
    const list = await call('GET', '/api/projects/shop/explorations');
    assert.deepEqual((list.body as { explorations: { id: string }[] }).explorations.map((e) => e.id), [saved.id]);
    assert.deepEqual((await call('GET', '/api/projects/blog/explorations')).body, { explorations: [] });

    const replaced = await call('PUT', `/api/projects/shop/explorations/${saved.id}`, { appId: SHOP, name: 'Retention', description: 'd', request });
    assert.equal((replaced.body as { name: string }).name, 'Retention');
    const reread = (await call('GET', `/api/projects/shop/explorations/${saved.id}`)).body as { name: string; createdAt: string; description: string };
    assert.deepEqual([reread.name, reread.description, reread.createdAt], ['Retention', 'd', saved.createdAt]);

    const ran = await call('POST', `/api/projects/shop/explorations/${saved.id}/run`, undefined, { format: 'csv' });
    assert.match(String(ran.body), /^cohort,size,period,users,rate\r\n2025-03-03,2,0,2,1\r\n/);

    assert.equal((await call('DELETE', `/api/projects/shop/explorations/${saved.id}`)).status, 204);
    assert.equal(await status(call('GET', `/api/projects/shop/explorations/${saved.id}`)), 404);
    assert.equal(await status(call('DELETE', `/api/projects/shop/explorations/${saved.id}`)), 404);
  });

  it("refuse an app of another project, unknown apps and invalid requests", async () => {
    assert.equal(await status(call('POST', '/api/projects/blog/explorations', { appId: SHOP, name: 'x', request })), 403);
    assert.equal(await status(call('POST', '/api/projects/shop/explorations', { appId: 'ghost', name: 'x', request })), 404);
    assert.equal(await status(call('POST', '/api/projects/shop/explorations', { appId: SHOP, name: '', request })), 400);
    assert.equal(await status(call('POST', '/api/projects/shop/explorations', { appId: SHOP, name: 'x', request: { dateRange: WEEK } })), 400);
    assert.equal(await status(call('PUT', '/api/projects/shop/explorations/missing', { appId: SHOP, name: 'x', request })), 404);
  });
});

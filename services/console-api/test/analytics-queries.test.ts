// Every dashboard and exploration over a hand-made warehouse (analytics-fixture.ts) whose numbers
// are worked out by hand in the comments: five users, nine sessions, 22 events.
//
//   u1 DE Chrome   s1 3 Mar 10:00 Organic Search: start, view /home, view /product?id=1, scroll,
//                  add_to_cart 10:02, engagement 15 s, purchase 10:05 · s2 5 Mar Direct: view /home, purchase
//   u2 FR Safari   s3 3 Mar 11:59:59 Paid Search: start, view /home 12:00, view /product 12:00:30,
//                  add_to_cart 12:01, engagement 4 s
//   u3 US Firefox  s4 4 Mar 20:00 Referral: view /blog · s5 10 Mar 02:00 UTC (9 Mar 22:00 in New York): view /home
//   u4 DE Chrome   s6 27 Feb Direct: view /home, purchase (the previous period)
//   u5 GB Edge     s7 6 Mar Email: view /home · s8 7 Mar Organic Social: view /blog · s9 8 Mar Paid Search:
//                  view /product, purchase
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDbAnalytics } from '../src/adapters/local/duckdb-analytics.js';
import { resultToCsv } from '../src/domain/analytics/csv.js';
import type { DashboardName } from '../src/domain/analytics/dashboards/index.js';
import type { Row } from '../src/domain/analytics/panel.js';
import { DashboardRequest, ExploreRequest } from '../src/domain/analytics/spec.js';
import { buildWarehouse, SHOP, shopData, type Fixture } from './analytics-fixture.js';

const WEEK = { start: '2025-03-03', end: '2025-03-09' };
const NOW = Date.parse('2025-03-08T08:10:00Z');

let fixture: Fixture;
let analytics: DuckDbAnalytics;
let statements = 0;

before(async () => {
  fixture = await buildWarehouse(shopData());
  analytics = new DuckDbAnalytics(fixture.warehouse, { clock: { now: () => NOW } });
  const warehouse = fixture.warehouse;
  const query = warehouse.query.bind(warehouse);
  warehouse.query = (async (...args: Parameters<typeof query>) => {
    statements++;
    return query(...args);
  }) as typeof warehouse.query;
});
after(() => fixture.close());

const dashboard = (name: DashboardName, body: Record<string, unknown> = {}) =>
  analytics.dashboard(SHOP, name, DashboardRequest.parse({ dateRange: WEEK, ...body }));
const explore = (exploration: Record<string, unknown>, body: Record<string, unknown> = {}) =>
  analytics.explore(SHOP, ExploreRequest.parse({ dateRange: WEEK, exploration, ...body }));
const pick = (rows: Row[], ...keys: string[]) => rows.map((r) => Object.fromEntries(keys.map((k) => [k, r[k]])));

describe('overview dashboard', () => {
  it('counts users, sessions, views, engagement and bounces of the week', async () => {
    const { tables } = await dashboard('overview');
    // Events: u1 7+2, u2 5, u3 1, u5 4 = 19; views 3+2+1+3; bounces s2 s4 s7 s8 s9 of 7; 19 s engagement / 4 users.
    assert.deepEqual(tables.totals!.rows, [
      {
        active_users: 4,
        new_users: 4,
        sessions: 7,
        engaged_sessions: 2,
        bounce_rate: 0.714286,
        views: 9,
        events: 19,
        views_per_session: 1.285714,
        sessions_per_user: 1.75,
        avg_engagement_seconds: 4.75,
      },
    ]);
    assert.deepEqual(pick(tables.daily!.rows, 'date', 'active_users', 'new_users', 'sessions', 'events'), [
      { date: '2025-03-03', active_users: 2, new_users: 2, sessions: 2, events: 12 },
      { date: '2025-03-04', active_users: 1, new_users: 1, sessions: 1, events: 1 },
      { date: '2025-03-05', active_users: 1, new_users: 0, sessions: 1, events: 2 },
      { date: '2025-03-06', active_users: 1, new_users: 1, sessions: 1, events: 1 },
      { date: '2025-03-07', active_users: 1, new_users: 0, sessions: 1, events: 1 },
      { date: '2025-03-08', active_users: 1, new_users: 0, sessions: 1, events: 2 },
      { date: '2025-03-09', active_users: 0, new_users: 0, sessions: 0, events: 0 },
    ]);
  });

  it('shows the last 30 minutes: u5 viewed and bought at 08:00 and 08:05, now is 08:10', async () => {
    const { tables } = await dashboard('overview');
    assert.deepEqual(tables.realtime!.rows, [{ active_users: 1, events: 2, views: 1 }]);
    const minutes = tables.realtime_minutes!.rows;
    assert.equal(minutes.length, 30);
    assert.deepEqual(minutes.filter((m) => m.events !== 0), [
      { minute: '2025-03-08T08:00:00', active_users: 1, events: 1 },
      { minute: '2025-03-08T08:05:00', active_users: 1, events: 1 },
    ]);
    assert.deepEqual(tables.realtime_events!.rows, [
      { event_type: '_page_view', events: 1, users: 1 },
      { event_type: 'purchase', events: 1, users: 1 },
    ]);
  });

  it('compares with the previous period (24 Feb – 2 Mar: u4 alone)', async () => {
    const result = await dashboard('overview', { comparison: { type: 'previous_period' } });
    assert.deepEqual(result.comparisonRange, { start: '2025-02-24', end: '2025-03-02', timezone: 'UTC' });
    assert.deepEqual(pick(result.comparison!.totals!.rows, 'active_users', 'new_users', 'sessions', 'events', 'bounce_rate'), [
      { active_users: 1, new_users: 1, sessions: 1, events: 2, bounce_rate: 1 },
    ]);
    assert.equal(result.comparison!.realtime, undefined, 'realtime is not repeated for the comparison');
  });

  it('counts local days in the time zone asked for, across a DST change', async () => {
    // New York, 3–9 March 2025 (DST starts on the 9th): 05:00Z on the 3rd to 04:00Z on the 10th,
    // so u3's view at 02:00Z on the 10th is on the 9th; nothing else moves to another day.
    const { tables, dateRange } = await dashboard('overview', { timezone: 'America/New_York' });
    assert.equal(dateRange.timezone, 'America/New_York');
    assert.deepEqual(pick(tables.totals!.rows, 'active_users', 'events', 'sessions'), [{ active_users: 4, events: 20, sessions: 8 }]);
    const daily = tables.daily!.rows;
    assert.deepEqual(pick(daily.slice(-1), 'date', 'active_users', 'events'), [{ date: '2025-03-09', active_users: 1, events: 1 }]);
    // s4 at 20:00Z on the 4th is 15:00 local, the same day.
    assert.deepEqual(pick([daily[1]!], 'date', 'events'), [{ date: '2025-03-04', events: 1 }]);
  });

  it('applies filters on dimensions, attributes and user attributes', async () => {
    const de = await dashboard('overview', { filters: [{ field: { dimension: 'country' }, op: 'eq', values: ['DE'] }] });
    // u1 only in the week (u4 is DE too, but in February); sessions filtered on their own country column.
    assert.deepEqual(pick(de.tables.totals!.rows, 'active_users', 'events', 'sessions', 'new_users'), [{ active_users: 1, events: 9, sessions: 2, new_users: 1 }]);
    const priced = await dashboard('overview', { filters: [{ field: { attribute: 'price' }, op: 'gte', values: ['10'] }] });
    // Only u1's add_to_cart has a numeric price ≥ 10 (u2's is "n/a"); its session s1 is the one session.
    assert.deepEqual(pick(priced.tables.totals!.rows, 'active_users', 'events', 'sessions'), [{ active_users: 1, events: 1, sessions: 1 }]);
    const tier = await dashboard('overview', { filters: [{ field: { userAttribute: 'tier' }, op: 'eq', values: ['2'] }] });
    assert.deepEqual(pick(tier.tables.totals!.rows, 'active_users', 'events'), [{ active_users: 1, events: 9 }]);
    const notHome = await dashboard('overview', {
      filters: [
        { field: { dimension: 'page' }, op: 'not_contains', values: ['/home'] },
        { field: { dimension: 'event_type' }, op: 'in', values: ['_page_view', 'purchase'] },
      ],
    });
    // Views and purchases not on /home: u1 view /product, purchase×2; u2 view /product; u3 /blog; u5 /blog, /product, purchase.
    assert.deepEqual(pick(notHome.tables.totals!.rows, 'active_users', 'events'), [{ active_users: 4, events: 8 }]);
  });
});

describe('acquisition dashboard', () => {
  it('splits sessions by channel, source / medium, campaign and landing page', async () => {
    const { tables } = await dashboard('acquisition');
    assert.deepEqual(pick(tables.channels!.rows, 'value', 'sessions', 'users', 'bounce_rate'), [
      { value: 'Paid Search', sessions: 2, users: 2, bounce_rate: 0.5 },
      { value: 'Direct', sessions: 1, users: 1, bounce_rate: 1 },
      { value: 'Email', sessions: 1, users: 1, bounce_rate: 1 },
      { value: 'Organic Search', sessions: 1, users: 1, bounce_rate: 0 },
      { value: 'Organic Social', sessions: 1, users: 1, bounce_rate: 1 },
      { value: 'Referral', sessions: 1, users: 1, bounce_rate: 1 },
    ]);
    assert.deepEqual(pick(tables.source_medium!.rows.slice(0, 2), 'value', 'sessions'), [
      { value: 'google / cpc', sessions: 2 },
      { value: '(direct) / (none)', sessions: 1 },
    ]);
    assert.deepEqual(pick(tables.campaigns!.rows, 'value', 'sessions'), [
      { value: 'spring', sessions: 2 },
      { value: 'march', sessions: 1 },
    ]);
    assert.deepEqual(pick(tables.landing_pages!.rows, 'value', 'sessions', 'users'), [
      { value: 'https://shop.example/home', sessions: 4, users: 3 },
      { value: 'https://shop.example/blog', sessions: 2, users: 2 },
      { value: 'https://shop.example/product', sessions: 1, users: 1 },
    ]);
    assert.deepEqual(tables.new_users_by_channel!.rows, [
      { value: 'Email', new_users: 1 },
      { value: 'Organic Search', new_users: 1 },
      { value: 'Paid Search', new_users: 1 },
      { value: 'Referral', new_users: 1 },
    ]);
  });

  it('keeps the top N rows', async () => {
    const { tables } = await dashboard('acquisition', { limit: 2 });
    assert.deepEqual(
      tables.channels!.rows.map((r) => r.value),
      ['Paid Search', 'Direct'],
    );
  });
});

describe('engagement dashboard', () => {
  it('ranks pages, events, engagement time and scrolling', async () => {
    const { tables } = await dashboard('engagement');
    // /product: u1 (query string dropped), u2, u5; engagement 15 s (u1) + 4 s (u2) on it.
    assert.deepEqual(pick(tables.pages!.rows, 'value', 'views', 'users', 'engagement_seconds', 'avg_engagement_seconds'), [
      { value: 'https://shop.example/home', views: 4, users: 3, engagement_seconds: 0, avg_engagement_seconds: 0 },
      { value: 'https://shop.example/product', views: 3, users: 3, engagement_seconds: 19, avg_engagement_seconds: 6.333333 },
      { value: 'https://shop.example/blog', views: 2, users: 2, engagement_seconds: 0, avg_engagement_seconds: 0 },
    ]);
    assert.deepEqual(pick(tables.events!.rows, 'value', 'events', 'users'), [
      { value: '_page_view', events: 9, users: 4 },
      { value: 'purchase', events: 3, users: 2 },
      { value: '_session_start', events: 2, users: 2 },
      { value: '_user_engagement', events: 2, users: 2 },
      { value: 'add_to_cart', events: 2, users: 2 },
      { value: '_scroll', events: 1, users: 1 },
    ]);
    assert.deepEqual(pick(tables.engagement_daily!.rows.slice(0, 2), 'date', 'active_users', 'engagement_seconds', 'avg_engagement_seconds'), [
      { date: '2025-03-03', active_users: 2, engagement_seconds: 19, avg_engagement_seconds: 9.5 },
      { date: '2025-03-04', active_users: 1, engagement_seconds: 0, avg_engagement_seconds: 0 },
    ]);
    assert.deepEqual(tables.scroll!.rows[1], { value: 'https://shop.example/product', views: 3, scrolls: 1, scroll_users: 1, scroll_rate: 0.333333 });
  });
});

describe('retention dashboard', () => {
  it('gives DAU, WAU, MAU and stickiness, looking back before the range', async () => {
    const { tables } = await dashboard('retention');
    // WAU on the 3rd counts u4 (27 Feb); on the 6th u4 has left the 7-day window; MAU keeps him.
    assert.deepEqual(tables.active_users!.rows, [
      { date: '2025-03-03', dau: 2, wau: 3, mau: 3, stickiness: 0.666667 },
      { date: '2025-03-04', dau: 1, wau: 4, mau: 4, stickiness: 0.25 },
      { date: '2025-03-05', dau: 1, wau: 4, mau: 4, stickiness: 0.25 },
      { date: '2025-03-06', dau: 1, wau: 4, mau: 5, stickiness: 0.2 },
      { date: '2025-03-07', dau: 1, wau: 4, mau: 5, stickiness: 0.2 },
      { date: '2025-03-08', dau: 1, wau: 4, mau: 5, stickiness: 0.2 },
      { date: '2025-03-09', dau: 0, wau: 4, mau: 5, stickiness: 0 },
    ]);
  });

  it('follows weekly cohorts of new users through the range', async () => {
    const { tables } = await dashboard('retention', { dateRange: { start: '2025-03-03', end: '2025-03-16' } });
    // Cohort of the week of 3 March: u1, u2, u3, u5; in the next week only u3 came back (10 March).
    assert.deepEqual(tables.cohorts!.rows, [
      { cohort: '2025-03-03', size: 4, period: 0, users: 4, rate: 1 },
      { cohort: '2025-03-03', size: 4, period: 1, users: 1, rate: 0.25 },
    ]);
  });
});

describe('devices and geo dashboards', () => {
  it('break users down by browser, OS, category, platform and screen size', async () => {
    const { tables } = await dashboard('devices');
    assert.deepEqual(pick(tables.browsers!.rows, 'value', 'users', 'sessions', 'events'), [
      { value: 'Chrome', users: 1, sessions: 2, events: 9 },
      { value: 'Edge', users: 1, sessions: 3, events: 4 },
      { value: 'Firefox', users: 1, sessions: 1, events: 1 },
      { value: 'Safari', users: 1, sessions: 1, events: 5 },
    ]);
    assert.deepEqual(pick(tables.operating_systems!.rows, 'value', 'users'), [
      { value: 'Windows', users: 2 },
      { value: 'Linux', users: 1 },
      { value: 'iOS', users: 1 },
    ]);
    assert.deepEqual(pick(tables.device_categories!.rows, 'value', 'users', 'views'), [
      { value: 'desktop', users: 3, views: 7 },
      { value: 'mobile', users: 1, views: 2 },
    ]);
    assert.deepEqual(pick(tables.app_versions!.rows, 'value', 'users'), [{ value: '(not set)', users: 4 }]);
    // Screens: u1 1920x1080, u2 390x844, u3 1440x900; u5's SDK reported none.
    assert.deepEqual(pick(tables.screen_sizes!.rows, 'value', 'users', 'sessions', 'events'), [
      { value: '(not set)', users: 1, sessions: 3, events: 4 },
      { value: '1440x900', users: 1, sessions: 1, events: 1 },
      { value: '1920x1080', users: 1, sessions: 2, events: 9 },
      { value: '390x844', users: 1, sessions: 1, events: 5 },
    ]);
    const wide = await dashboard('overview', { filters: [{ field: { dimension: 'screen_size' }, op: 'eq', values: ['1920x1080'] }] });
    assert.deepEqual(pick(wide.tables.totals!.rows, 'active_users', 'events'), [{ active_users: 1, events: 9 }], 'u1 only (u4 is 1920x1080 too, but in February)');
    const narrow = await dashboard('overview', { filters: [{ field: { dimension: 'screen_width' }, op: 'lt', values: ['1000'] }] });
    assert.deepEqual(pick(narrow.tables.totals!.rows, 'active_users', 'events'), [{ active_users: 1, events: 5 }], 'u2 only');
  });

  it('break users down by country, continent, region, city and locale', async () => {
    const { tables } = await dashboard('geo');
    assert.deepEqual(pick(tables.countries!.rows, 'value', 'users', 'events'), [
      { value: 'DE', users: 1, events: 9 },
      { value: 'FR', users: 1, events: 5 },
      { value: 'GB', users: 1, events: 4 },
      { value: 'US', users: 1, events: 1 },
    ]);
    assert.deepEqual(pick(tables.continents!.rows, 'value', 'users'), [
      { value: 'EU', users: 3 },
      { value: 'NA', users: 1 },
    ]);
    assert.deepEqual(pick(tables.locales!.rows, 'value', 'users'), [
      { value: 'en-US', users: 3 },
      { value: 'fr-FR', users: 1 },
    ]);
    assert.deepEqual(pick(tables.regions!.rows, 'value', 'users', 'events'), [
      { value: 'Berlin', users: 1, events: 9 },
      { value: 'California', users: 1, events: 1 },
      { value: 'England', users: 1, events: 4 },
      { value: 'Île-de-France', users: 1, events: 5 },
    ]);
    assert.deepEqual(pick(tables.cities!.rows, 'value', 'users', 'sessions'), [
      { value: 'Berlin', users: 1, sessions: 2 },
      { value: 'London', users: 1, sessions: 3 },
      { value: 'Paris', users: 1, sessions: 1 },
      { value: 'San Francisco', users: 1, sessions: 1 },
    ]);
    const california = await dashboard('overview', { filters: [{ field: { dimension: 'region' }, op: 'eq', values: ['California'] }] });
    // u3: s4 in the week (s5 is 10 March); sessions filtered on their own region column.
    assert.deepEqual(pick(california.tables.totals!.rows, 'active_users', 'sessions', 'events'), [{ active_users: 1, sessions: 1, events: 1 }]);
    const cities = await dashboard('geo', { filters: [{ field: { dimension: 'city' }, op: 'in', values: ['Paris', 'London'] }] });
    assert.deepEqual(pick(cities.tables.countries!.rows, 'value', 'users'), [
      { value: 'FR', users: 1 },
      { value: 'GB', users: 1 },
    ]);
  });
});

describe('event exploration', () => {
  it('keeps the top breakdown values and sums the rest into (other)', async () => {
    const { tables } = await explore({ type: 'event', metric: 'events', breakdown: { dimension: 'browser' }, limit: 2 });
    // Chrome 9, Safari 5, Edge 4 + Firefox 1 = (other) 5 with 2 users.
    assert.deepEqual(pick(tables.totals!.rows, 'value', 'metric', 'users'), [
      { value: 'Chrome', metric: 9, users: 1 },
      { value: '(other)', metric: 5, users: 2 },
      { value: 'Safari', metric: 5, users: 1 },
    ]);
    assert.deepEqual(pick(tables.series!.rows.slice(0, 3), 'period', 'value', 'metric'), [
      { period: '2025-03-03', value: 'Chrome', metric: 7 },
      { period: '2025-03-03', value: 'Safari', metric: 5 },
      { period: '2025-03-04', value: '(other)', metric: 1 },
    ]);
  });

  it('sums and averages an attribute by week', async () => {
    const { tables } = await explore({ type: 'event', events: ['purchase'], metric: { sum: 'value' }, granularity: 'week' });
    // Purchases in the week: 20 + 35.5 + 10.
    assert.deepEqual(pick(tables.series!.rows, 'period', 'metric', 'events'), [{ period: '2025-03-03', metric: 65.5, events: 3 }]);
    const avg = await explore({ type: 'event', events: ['purchase'], metric: { average: 'value' }, breakdown: { attribute: 'value' } });
    assert.deepEqual(
      pick(avg.tables.totals!.rows, 'value', 'metric'),
      [
        { value: '35.5', metric: 35.5 },
        { value: '20', metric: 20 },
        { value: '10', metric: 10 },
      ],
    );
  });
});

describe('funnel exploration', () => {
  it('counts users through ordered steps with conversion times (relaxed order)', async () => {
    const { tables } = await explore({ type: 'funnel', steps: [{ event: '_page_view' }, { event: 'add_to_cart' }, { event: 'purchase' }] });
    // u1 views 10:00:01, adds 10:02:00 (119 s), buys 10:05:00 (180 s); u2 views 12:00, adds 12:01 (60 s); u3 and u5 only view.
    assert.deepEqual(pick(tables.steps!.rows, 'step', 'users', 'conversion_rate', 'step_conversion_rate', 'avg_seconds_from_previous', 'median_seconds_from_previous', 'avg_seconds_from_start'), [
      { step: 1, users: 4, conversion_rate: 1, step_conversion_rate: 1, avg_seconds_from_previous: null, median_seconds_from_previous: null, avg_seconds_from_start: null },
      { step: 2, users: 2, conversion_rate: 0.5, step_conversion_rate: 0.5, avg_seconds_from_previous: 89.5, median_seconds_from_previous: 89.5, avg_seconds_from_start: 89.5 },
      { step: 3, users: 1, conversion_rate: 0.25, step_conversion_rate: 0.5, avg_seconds_from_previous: 180, median_seconds_from_previous: 180, avg_seconds_from_start: 299 },
    ]);
  });

  it('strict order needs each step to be the very next event; relaxed does not', async () => {
    const steps = [{ event: '_page_view' }, { event: '_page_view' }, { event: 'add_to_cart' }];
    const strict = await explore({ type: 'funnel', order: 'strict', steps, breakdown: { dimension: 'country' } });
    const relaxed = await explore({ type: 'funnel', order: 'relaxed', steps });
    // u1 scrolls between his second view and add_to_cart: strict loses him, relaxed keeps him.
    // Step 2: u1, u2 and u5 (s8's view is his next event, 24 h after the first: inside the 1-day window).
    assert.deepEqual(strict.tables.steps!.rows.map((r) => r.users), [4, 3, 1]);
    assert.deepEqual(relaxed.tables.steps!.rows.map((r) => r.users), [4, 3, 2]);
    assert.deepEqual(
      strict.tables.breakdown!.rows.filter((r) => r.step === 3).map((r) => [r.value, r.users]),
      [
        ['DE', 0],
        ['FR', 1],
        ['GB', 0],
        ['US', 0],
      ],
    );
  });

  it('drops steps that come later than the window after step 1', async () => {
    const { tables } = await explore({
      type: 'funnel',
      window: { value: 2, unit: 'minute' },
      steps: [{ event: '_page_view' }, { event: 'add_to_cart' }, { event: 'purchase' }],
    });
    // u1's add_to_cart is 119 s after his view (in), his purchase 299 s (out).
    assert.deepEqual(tables.steps!.rows.map((r) => r.users), [4, 2, 0]);
  });

  it('applies per-step filters', async () => {
    const { tables } = await explore({
      type: 'funnel',
      steps: [{ event: '_page_view', filters: [{ field: { dimension: 'page_url' }, op: 'contains', values: ['/product'] }] }, { event: 'purchase' }],
    });
    // Product viewers: u1 (then buys), u2 (no), u5 (then buys).
    assert.deepEqual(tables.steps!.rows.map((r) => r.users), [3, 2]);
  });
});

describe('path exploration', () => {
  it('follows sessions from a start node, top N per step, the rest as (other)', async () => {
    const { tables } = await explore({ type: 'path', start: '_page_view', depth: 2, limit: 1 });
    // Seven sessions view a page; next: s1 and s3 view again, s2 and s9 buy (tie broken by name);
    // then s1 scrolls and s3 adds to cart.
    assert.deepEqual(tables.nodes!.rows, [
      { step: 0, node: '_page_view', sessions: 7 },
      { step: 1, node: '(other)', sessions: 2 },
      { step: 1, node: '_page_view', sessions: 2 },
      { step: 2, node: '(other)', sessions: 1 },
      { step: 2, node: '_scroll', sessions: 1 },
    ]);
    assert.deepEqual(tables.links!.rows, [
      { step: 1, source: '_page_view', target: '(other)', sessions: 2 },
      { step: 1, source: '_page_view', target: '_page_view', sessions: 2 },
      { step: 2, source: '_page_view', target: '(other)', sessions: 1 },
      { step: 2, source: '_page_view', target: '_scroll', sessions: 1 },
    ]);
  });

  it('walks pages backwards from a page', async () => {
    const { tables } = await explore({ type: 'path', nodeType: 'page', direction: 'previous', start: 'https://shop.example/product', depth: 1 });
    // Product views: s1 after /home, s3 after /home, s9 first in its session.
    assert.deepEqual(tables.nodes!.rows, [
      { step: 0, node: 'https://shop.example/product', sessions: 3 },
      { step: 1, node: 'https://shop.example/home', sessions: 2 },
    ]);
  });
});

describe('retention exploration', () => {
  it('uses custom start and return events by day', async () => {
    const { tables } = await explore(
      { type: 'retention', startEvent: '_page_view', returnEvent: 'purchase', granularity: 'day', periods: 3 },
      { dateRange: { start: '2025-03-03', end: '2025-03-09' } },
    );
    // Cohort 3 Mar: u1, u2 (u1 buys on the 5th = day 2); 4 Mar: u3; 6 Mar: u5 (buys on the 8th = day 2).
    const got = tables.cohorts!.rows.filter((r) => r.users !== 0 || r.period === 0).map((r) => [r.cohort, r.period, r.users]);
    assert.deepEqual(got, [
      ['2025-03-03', 0, 2],
      ['2025-03-03', 2, 1],
      ['2025-03-04', 0, 1],
      ['2025-03-06', 0, 1],
      ['2025-03-06', 2, 1],
    ]);
    // Cohorts are followed only as far as the range goes: 6 March has 3 days left, 3 March is capped at 3 periods.
    assert.deepEqual(tables.cohorts!.rows.filter((r) => r.cohort === '2025-03-06').map((r) => r.period), [0, 1, 2, 3]);
    assert.deepEqual(tables.cohorts!.rows.filter((r) => r.cohort === '2025-03-03').map((r) => r.period), [0, 1, 2, 3]);
  });
});

describe('attribution exploration', () => {
  it('credits purchases to sessions by first, last, linear and position-based models', async () => {
    const { tables } = await explore({ type: 'attribution', goalEvent: 'purchase', model: 'position_based' });
    // u1's purchase on the 3rd: s1 (Organic). On the 5th: s1, s2 (Direct). u5's: s7 Email, s8 Social, s9 Paid.
    assert.deepEqual(tables.attribution!.rows, [
      { value: 'Organic Search', conversions: 1.5, share: 0.5, first_touch: 2, last_touch: 1, linear: 1.5, position_based: 1.5 },
      { value: 'Direct', conversions: 0.5, share: 0.166667, first_touch: 0, last_touch: 1, linear: 0.5, position_based: 0.5 },
      { value: 'Email', conversions: 0.4, share: 0.133333, first_touch: 1, last_touch: 0, linear: 0.333333, position_based: 0.4 },
      { value: 'Paid Search', conversions: 0.4, share: 0.133333, first_touch: 0, last_touch: 1, linear: 0.333333, position_based: 0.4 },
      { value: 'Organic Social', conversions: 0.2, share: 0.066667, first_touch: 0, last_touch: 0, linear: 0.333333, position_based: 0.2 },
    ]);
  });

  it('gives conversions without a session in the lookback to (no session)', async () => {
    const { tables } = await explore({ type: 'attribution', goalEvent: 'add_to_cart', lookbackDays: 1, model: 'first_touch', dimension: 'source_medium' });
    assert.deepEqual(pick(tables.attribution!.rows, 'value', 'conversions'), [
      { value: 'google / cpc', conversions: 1 },
      { value: 'google / organic', conversions: 1 },
    ]);
  });
});

describe('metadata discovery and bad rows', () => {
  it('lists event names and attribute names with types, counts, first and last seen', async () => {
    const metadata = await analytics.discoverMetadata(SHOP);
    assert.deepEqual(metadata.events.find((e) => e.name === 'purchase'), {
      name: 'purchase',
      count: 4,
      firstSeen: '2025-02-27T09:05:00Z',
      lastSeen: '2025-03-08T08:05:00Z',
    });
    assert.deepEqual(
      metadata.attributes.filter((a) => ['price', 'coupon', 'tier', '_user_id'].includes(a.name)).map((a) => [a.scope, a.name, a.types, a.count]),
      [
        ['event', 'coupon', ['boolean'], 1],
        ['event', 'price', ['number', 'string'], 2],
        // u1's 9 events carry his user attributes.
        ['user', '_user_id', ['string'], 9],
        ['user', 'tier', ['number'], 9],
      ],
    );
  });

  it('counts bad rows by reason since a time and shows the newest samples, cut', async () => {
    assert.deepEqual(await analytics.badRowsByReason(SHOP, '2025-03-01T00:00:00Z'), [
      { reasonCode: 'INVALID_EVENT', rows: 3, firstSeen: '2025-03-04T10:00:00Z', lastSeen: '2025-03-06T10:00:00Z' },
      { reasonCode: 'APP_ID_MISMATCH', rows: 1, firstSeen: '2025-03-06T11:00:00Z', lastSeen: '2025-03-06T11:00:00Z' },
    ]);
    const samples = await analytics.badRowSamples(SHOP, 'INVALID_EVENT', { since: '2025-03-01T00:00:00Z', limit: 2 });
    assert.deepEqual(samples.map((s) => s.requestId), ['rb3', 'rb2']);
    assert.equal(samples[1]!.raw!.length, 4096);
    assert.equal(samples[1]!.rawLength, 5000);
  });
});

describe('caching and CSV', () => {
  it('answers a repeated request from the cache until the data changes', async () => {
    // Without the local copies, every statement counted is one of the request's.
    const cache = new DuckDbAnalytics(fixture.warehouse, { clock: { now: () => NOW }, snapshot: false });
    const request = DashboardRequest.parse({ dateRange: WEEK, limit: 3 });
    const before = statements;
    const first = await cache.dashboard(SHOP, 'geo', request);
    const ran = statements - before;
    assert.ok(ran > 0);
    const second = await cache.dashboard(SHOP, 'geo', DashboardRequest.parse({ limit: 3, dateRange: WEEK }));
    assert.equal(statements - before, ran, 'no statement for the cached answer');
    assert.equal(first.cached, false);
    assert.equal(second.cached, true);
    assert.deepEqual(second.tables, first.tables);
    cache.invalidate();
    const third = await cache.dashboard(SHOP, 'geo', request);
    assert.equal(statements - before, 2 * ran);
    assert.notEqual(third.dataVersion, first.dataVersion);
  });

  it('exports a table, or all tables stacked, as CSV', async () => {
    const result = await explore({ type: 'funnel', steps: [{ event: '_page_view' }, { event: 'purchase' }] }, { comparison: { type: 'previous_period' } });
    const csv = resultToCsv(result, 'steps');
    assert.equal(
      csv,
      [
        'period,step,event,label,users,conversion_rate,step_conversion_rate,dropoff,avg_seconds_from_previous,median_seconds_from_previous,avg_seconds_from_start',
        'current,1,_page_view,_page_view,4,1,1,0,,,',
        // u1 buys 299 s after his first view; u5's purchase is two days after his, outside the 1-day window.
        'current,2,purchase,purchase,1,0.25,0.25,3,299,299,299',
        'comparison,1,_page_view,_page_view,1,1,1,0,,,',
        'comparison,2,purchase,purchase,1,1,1,0,300,300,300',
        '',
      ].join('\r\n'),
    );
    const geo = resultToCsv(await dashboard('geo', { limit: 1 }));
    assert.equal(geo.split('\r\n')[0], 'table,value,users,sessions,events,views');
    assert.ok(geo.includes('\r\ncountries,DE,1,2,9,3\r\n'));
  });
});

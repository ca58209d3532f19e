// The Geo dashboard shows regions and cities with the DB-IP attribution its licence asks for, the
// Devices dashboard screen sizes; a click on a region, city or screen size filters on it.
import { click, flush, render, until, window, type Rendered } from './dom.js';
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createElement } from 'react';
import { App } from '../src/app.js';

const demoApp = { appId: 'demo_web', projectId: 'demo', name: 'Demo website', platform: 'Web', enabled: true, allowedOrigins: ['*'], timezone: 'UTC', retentionDays: 0, revision: 1, createdAt: '2026-11-01T00:00:00Z', updatedAt: '2026-11-01T00:00:00Z' };
const demoProject = { projectId: 'demo', name: 'Demo', description: '', createdAt: '2026-11-01T00:00:00Z', updatedAt: '2026-11-01T00:00:00Z', revision: 1 };
const reader = { subject: 'ana', name: 'ana', roles: ['AnalystReader'], permissions: ['apps:read', 'health:read', 'analytics:read'], via: 'session', csrfToken: 't' };

const columns = [{ name: 'value', type: 'string' }, ...['users', 'sessions', 'events', 'views'].map((name) => ({ name, type: 'number' }))];
const breakdown = (rows: [string | null, number][]) => ({ columns, rows: rows.map(([value, users]) => ({ value, users, sessions: users, events: users * 3, views: users * 2 })) });
const TABLES: Record<string, Record<string, unknown>> = {
  geo: {
    countries: breakdown([['DE', 5], ['FR', 2]]),
    continents: breakdown([['EU', 7]]),
    regions: breakdown([['Bavaria', 4], ['Île-de-France', 2], [null, 1]]),
    cities: breakdown([['Munich', 4], ['Paris', 2]]),
    locales: breakdown([['de-DE', 5]]),
  },
  devices: {
    browsers: breakdown([['Chrome', 6]]),
    screen_sizes: breakdown([['1920x1080', 4], ['390x844', 2], [null, 1]]),
  },
};

/** A console API that answers the shell's calls and the dashboard queries, recording their bodies. */
function fakeApi() {
  const queries: { board: string; filters: unknown }[] = [];
  const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
  globalThis.fetch = (async (input: string | URL, init: RequestInit = {}) => {
    const path = new URL(String(input), 'http://console.test').pathname;
    const route = `${init.method ?? 'GET'} ${path}`;
    if (route === 'GET /api/auth/config') return json({ mode: 'local', csrfHeader: 'x-csrf-token' });
    if (route === 'GET /api/auth/me') return json(reader);
    if (route === 'GET /api/apps') return json({ apps: [demoApp] });
    if (route === 'GET /api/projects') return json({ projects: [demoProject] });
    const board = /^POST \/api\/apps\/demo_web\/query\/dashboard\/(\w+)$/.exec(route)?.[1];
    if (board) {
      queries.push({ board, filters: (JSON.parse(String(init.body)) as { filters: unknown }).filters });
      return json({ appId: 'demo_web', kind: 'dashboard', name: board, dateRange: { start: '2026-11-01', end: '2026-11-28', timezone: 'UTC' }, tables: TABLES[board] ?? {}, dataVersion: '1', generatedAt: '2026-11-29T00:00:00Z', cached: false });
    }
    return new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: route } }), { status: 404, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  return queries;
}

const card = (container: Element, title: string) => [...container.querySelectorAll('.card')].find((c) => c.querySelector('h2, h3')?.textContent?.trim() === title);
const keys = (el: Element | undefined) => [...(el?.querySelectorAll('tbody tr td:first-child') ?? [])].map((td) => td.textContent?.trim());

describe('geo and devices dashboards', () => {
  let view: Rendered | undefined;
  afterEach(() => view?.unmount());

  async function open(board: string) {
    window.history.replaceState(null, '', `/apps/demo_web/dashboards/${board}`);
    const queries = fakeApi();
    view = render(createElement(App));
    await until(() => view!.container.querySelector('[data-testid="dashboard"]') !== null);
    return { container: view.container, queries };
  }

  it('Geo: regions and cities, and the DB-IP attribution link', async () => {
    const { container } = await open('geo');
    assert.deepEqual(keys(card(container, 'Regions')), ['Bavaria', 'Île-de-France', '(not set)']);
    assert.deepEqual(keys(card(container, 'Cities')), ['Munich', 'Paris']);
    const links = [...container.querySelectorAll('a')].filter((a) => a.getAttribute('href') === 'https://db-ip.com');
    assert.equal(links.length, 1);
    assert.equal(links[0]!.textContent, 'IP Geolocation by DB-IP');
  });

  it('Geo: a click on a city filters the dashboard on it', async () => {
    const { container, queries } = await open('geo');
    const paris = [...card(container, 'Cities')!.querySelectorAll('tbody button')].find((b) => b.textContent === 'Paris');
    click(paris);
    await until(() => queries.length >= 2);
    await flush();
    assert.deepEqual(queries.at(-1)!.filters, [{ field: { dimension: 'city' }, op: 'eq', values: ['Paris'] }]);
  });

  it('Devices: screen sizes (width x height), filterable, and no DB-IP link where no geo is shown', async () => {
    const { container, queries } = await open('devices');
    const sizes = card(container, 'Screen sizes');
    assert.deepEqual(keys(sizes), ['1920x1080', '390x844', '(not set)']);
    assert.equal(container.querySelector('a[href="https://db-ip.com"]'), null);
    click([...sizes!.querySelectorAll('tbody button')].find((b) => b.textContent === '1920x1080'));
    await until(() => queries.length >= 2);
    assert.deepEqual(queries.at(-1)!.filters, [{ field: { dimension: 'screen_size' }, op: 'eq', values: ['1920x1080'] }]);
  });
});

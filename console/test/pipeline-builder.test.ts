// The pipeline builder against a scripted API: errors on the field (the builder's own checks and
// the API's issues), the diff before saving, and the save naming the version it started from.
import { button, click, field, flush, render, typeInto, until, window, type Rendered } from './dom.js';
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createElement } from 'react';
import { App } from '../src/app.js';
import type { PipelineConfig } from '../src/api/types.js';

const config: PipelineConfig = {
  ingest: { sink: 'kinesis' },
  process: { intervalSeconds: 900, sessionTimeoutMinutes: 30, lateEventWindowHours: 72, anonymiseIp: false, enrichers: ['user-agent', 'bots', 'geo', 'traffic-source'], plugins: [] },
  model: { targets: ['athena'], redshiftLoadIntervalMinutes: 5 },
};
const app = { appId: 'shop_web', projectId: 'shop', name: 'Shop', platform: 'Web', enabled: true, allowedOrigins: [], timezone: 'UTC', retentionDays: 0, revision: 1, createdAt: '', updatedAt: '' };

function fakeApi(options: { validateIssues?: { path: string; message: string }[] } = {}) {
  const calls: { method: string; path: string; headers: Record<string, string>; body?: unknown }[] = [];
  const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  let version = { projectId: 'shop', version: 3, config, changedBy: 'op', changedAt: '2026-11-28T10:00:00.000Z', comment: null as string | null };
  globalThis.fetch = (async (input: string | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://console.test');
    const call = { method: init.method ?? 'GET', path: url.pathname, headers: (init.headers ?? {}) as Record<string, string>, body: init.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(call);
    switch (`${call.method} ${call.path}`) {
      case 'GET /api/auth/me':
        return json(200, { subject: 'op', roles: ['Operator'], via: 'session', csrfToken: 'csrf-1' });
      case 'GET /api/apps':
        return json(200, { apps: [app] });
      case 'GET /api/projects/shop/pipeline':
        return json(200, version);
      case 'GET /api/projects/shop/pipeline/versions':
        return json(200, { projectId: 'shop', versions: [{ version: 3, changedBy: 'op', changedAt: version.changedAt }] });
      case 'GET /api/apps/shop_web/health':
        return json(200, { appId: 'shop_web', enabled: true, ingest: { windowMinutes: 60, events: 0, badRows: 0, eventsPerMinute: 0 }, last24h: { runs: 0, events: 0, badRows: 0 }, lastRun: null, freshness: { newestQueryableBefore: null, queryableAt: null, seconds: null }, failedLoads: [], alarms: [] });
      case 'POST /api/projects/shop/pipeline/validate':
        return json(200, { valid: !options.validateIssues?.length, issues: options.validateIssues ?? [] });
      case 'PUT /api/projects/shop/pipeline': {
        const body = call.body as { config: PipelineConfig };
        version = { ...version, version: 4, config: body.config, changedBy: 'op', comment: 'x' };
        return json(201, { ...version, saved: true });
      }
      default:
        return json(404, { error: { code: 'NOT_FOUND', message: call.path } });
    }
  }) as typeof fetch;
  return calls;
}

describe('pipeline builder', () => {
  let view: Rendered | undefined;
  afterEach(() => view?.unmount());

  const open = async (options?: Parameters<typeof fakeApi>[0]) => {
    window.history.replaceState(null, '', '/projects/shop/pipeline');
    const calls = fakeApi(options);
    view = render(createElement(App));
    const container = view.container;
    await until(() => container.querySelector('input[name="process.intervalSeconds"]') !== null);
    return { calls, container };
  };

  it('checks a field while typing and shows the error on it', async () => {
    const { container } = await open();
    const interval = field(container, 'Processing interval');
    typeInto(interval, '5');
    assert.equal(interval.getAttribute('aria-invalid'), 'true');
    assert.equal(container.querySelector(`#${CSS.escape(interval.id)}-error`)?.textContent, 'Interval must be between 10 and 86400');
    assert.equal(button(container, 'Review and save…').disabled, true);
    click(container.querySelector('input[name="target:athena"]'));
    assert.ok(container.textContent?.includes('Choose at least one warehouse'));
  });

  it('shows the diff, then saves with the version it started from', async () => {
    const { container, calls } = await open();
    typeInto(field(container, 'Processing interval'), '300');
    click(container.querySelector('input[name="enricher:bots"]'));
    click(container.querySelector('input[name="target:redshift"]'));
    assert.ok(field(container, 'Redshift load interval'), 'the Redshift setting appears with Redshift');
    click(button(container, 'Review and save…'));
    await flush();
    const diff = container.querySelector('[data-testid="diff"]')?.textContent ?? '';
    assert.match(diff, /process\.intervalSeconds- 900\+ 300/);
    assert.match(diff, /process\.enrichers- user-agent, bots, geo, traffic-source\+ user-agent, geo, traffic-source/);
    assert.match(diff, /model\.targets- athena\+ athena, redshift/);
    typeInto(field(container, 'Comment (optional)'), 'faster runs');
    click(button(container, 'Save'));
    await flush();
    const put = calls.find((c) => c.method === 'PUT')!;
    assert.deepEqual(put.body, {
      config: { ...config, process: { ...config.process, intervalSeconds: 300, enrichers: ['user-agent', 'geo', 'traffic-source'] }, model: { targets: ['athena', 'redshift'], redshiftLoadIntervalMinutes: 5 } },
      basedOnVersion: 3,
      comment: 'faster runs',
    });
    assert.equal(put.headers['x-csrf-token'], 'csrf-1');
    assert.ok(container.textContent?.includes('Saved version 4.'));
  });

  it("puts the API's issues on their fields instead of opening the diff", async () => {
    const { container } = await open({ validateIssues: [{ path: 'config.process.sessionTimeoutMinutes', message: 'too long for this project' }] });
    typeInto(field(container, 'Session timeout'), '60');
    click(button(container, 'Review and save…'));
    await flush();
    const timeout = field(container, 'Session timeout');
    assert.equal(timeout.getAttribute('aria-invalid'), 'true');
    assert.ok(container.textContent?.includes('too long for this project'));
    assert.equal(container.querySelector('[data-testid="diff"]'), null);
  });
});

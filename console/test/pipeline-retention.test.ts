// The pipeline page lists each app's last retention run (what the API's per-app health reports):
// newest first, per table with the days removed; apps without one, or an older API, show nothing.
import { render, until, window, type Rendered } from './dom.js';
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createElement } from 'react';
import { App } from '../src/app.js';
import type { AppHealth, RetentionRun } from '../src/api/types.js';
import { retentionLines } from '../src/lib/pipeline-model.js';

const now = Date.parse('2026-11-29T10:05:00.000Z');
const run = (over: Partial<RetentionRun> = {}): RetentionRun => ({
  at: '2026-11-29T03:15:00.000Z',
  cutoff: '2025-10-30',
  retentionDays: 395,
  partitions: 6,
  tables: [
    { table: 'events', partitions: 5, oldestDay: '2025-10-01', newestDay: '2025-10-29' },
    { table: 'sessions', partitions: 1, oldestDay: '2025-10-29', newestDay: '2025-10-29' },
  ],
  ...over,
});
const health = (appId: string, lastRetention?: RetentionRun | null): AppHealth => ({
  appId,
  enabled: true,
  ingest: { windowMinutes: 60, events: 0, badRows: 0, eventsPerMinute: 0 },
  last24h: { runs: 0, events: 0, badRows: 0 },
  lastRun: null,
  freshness: { newestQueryableBefore: null, queryableAt: null, seconds: null },
  failedLoads: [],
  ...(lastRetention === undefined ? {} : { lastRetention }),
  alarms: [],
});

describe('last retention run per app', () => {
  it('says what each run removed and when, newest first; apps without one are left out', () => {
    const lines = retentionLines(
      [health('shop_web', run()), health('shop_ios', null), health('old_api'), health('blog_web', run({ at: '2026-11-28T03:15:00.000Z', cutoff: '2025-11-27', retentionDays: 365, partitions: 1, tables: [{ table: 'events', partitions: 1, oldestDay: '2025-11-26', newestDay: '2025-11-26' }] }))],
      now,
    );
    assert.deepEqual(lines, [
      { appId: 'shop_web', summary: '6 day partitions before 2025-10-30 (395 d kept) · 6h ago', detail: 'events 5 (2025-10-01 – 2025-10-29), sessions 1 (2025-10-29)' },
      { appId: 'blog_web', summary: '1 day partition before 2025-11-27 (365 d kept) · 1d ago', detail: 'events 1 (2025-11-26)' },
    ]);
  });

  describe('on the pipeline page', () => {
    let view: Rendered | undefined;
    afterEach(() => view?.unmount());

    it('lists them in the Process stage', async () => {
      const json = (body: unknown) => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
      const config = {
        ingest: { sink: 'kinesis' },
        process: { intervalSeconds: 900, sessionTimeoutMinutes: 30, lateEventWindowHours: 72, anonymiseIp: false, enrichers: [], plugins: [] },
        model: { targets: ['athena'], redshiftLoadIntervalMinutes: 5 },
      };
      const app = (appId: string) => ({ appId, projectId: 'shop', name: appId, platform: 'Web', enabled: true, allowedOrigins: [], timezone: 'UTC', retentionDays: 395, revision: 1, createdAt: '', updatedAt: '' });
      globalThis.fetch = (async (input: string | URL) => {
        const path = new URL(String(input), 'http://console.test').pathname;
        if (path === '/api/auth/me') return json({ subject: 'op', roles: ['Operator'], via: 'session', csrfToken: 'csrf-1' });
        if (path === '/api/apps') return json({ apps: [app('shop_web'), app('shop_ios')] });
        if (path === '/api/projects/shop/pipeline') return json({ projectId: 'shop', version: 1, config, changedBy: 'op', changedAt: '2026-11-28T10:00:00.000Z', comment: null });
        if (path === '/api/projects/shop/pipeline/versions') return json({ projectId: 'shop', versions: [] });
        if (path === '/api/apps/shop_web/health') return json(health('shop_web', run()));
        if (path === '/api/apps/shop_ios/health') return json(health('shop_ios', null));
        return new Response(JSON.stringify({ error: { code: 'NOT_FOUND', message: path } }), { status: 404 });
      }) as typeof fetch;
      window.history.replaceState(null, '', '/projects/shop/pipeline');
      view = render(createElement(App));
      const container = view.container;
      await until(() => container.querySelector('[aria-labelledby="retention-runs"]') !== null);
      const process = container.querySelector('[data-stage="process"]');
      const items = [...(process?.querySelectorAll('[aria-labelledby="retention-runs"] li') ?? [])].map((li) => li.textContent);
      assert.equal(items.length, 1, 'shop_ios has had no run');
      assert.match(items[0]!, /^shop_web: 6 day partitions before 2025-10-30 \(395 d kept\) · \d+[smhd] agoevents 5 \(2025-10-01 – 2025-10-29\), sessions 1 \(2025-10-29\)$/);
    });
  });
});

// The analytics API's tables → what the dashboards and explorations draw.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dashboardFromPanels, type PanelTable } from '../src/api/panels.js';
import { attributionResult, eventResult, funnelResult, pathResult, retentionResult, type QueryResult } from '../src/api/results.js';

const n = (name: string) => ({ name, type: 'number' });
const s = (name: string) => ({ name, type: 'string' });
const result = (tables: QueryResult['tables']): QueryResult => ({
  appId: 'shop_web',
  kind: 'exploration',
  name: 'x',
  dateRange: { start: '2026-11-01', end: '2026-11-07', timezone: 'UTC' },
  tables,
  dataVersion: '1',
  generatedAt: '2026-11-08T00:00:00Z',
  cached: false,
});

describe('dashboard panels', () => {
  const panels: PanelTable[] = [
    { name: 'totals', columns: [n('active_users'), n('bounce_rate'), n('avg_engagement_seconds')], rows: [{ active_users: 120, bounce_rate: 0.25, avg_engagement_seconds: 42 }] },
    { name: 'daily', columns: [{ name: 'date', type: 'date' }, n('active_users')], rows: [{ date: '2026-11-01', active_users: 60 }, { date: '2026-11-02', active_users: 60 }] },
    { name: 'channels', columns: [s('value'), n('sessions'), n('users')], rows: [{ value: 'Direct', sessions: 9, users: 7 }, { value: null, sessions: 1, users: 1 }] },
    { name: 'regions', columns: [s('value'), n('users')], rows: [], unavailable: 'The warehouse contract has no region column yet.' },
    { name: 'realtime', columns: [n('active_users')], rows: [{ active_users: 3 }] },
  ];
  const previous: PanelTable[] = [
    { name: 'totals', columns: panels[0]!.columns, rows: [{ active_users: 100, bounce_rate: 0.5, avg_engagement_seconds: 40 }] },
    { name: 'channels', columns: panels[2]!.columns, rows: [{ value: 'Direct', sessions: 4, users: 4 }] },
  ];

  it('turns totals into tiles with the comparison, dated tables into the trend, keyed tables into breakdowns', () => {
    const v = dashboardFromPanels(panels, previous);
    assert.deepEqual(
      v.kpis.map((k) => [k.id, k.label, k.value, k.previous, k.format]),
      [
        ['active_users', 'Active users', 120, 100, 'number'],
        ['bounce_rate', 'Bounce rate', 0.25, 0.5, 'percent'],
        ['avg_engagement_seconds', 'Avg. engagement time', 42, 40, 'duration'],
        ['realtime.active_users', 'Realtime: Active users', 3, undefined, 'number'],
      ],
    );
    assert.deepEqual(v.series?.points.map((p) => [p.date, p.values.active_users]), [
      ['2026-11-01', 60],
      ['2026-11-02', 60],
    ]);
    const channels = v.breakdowns[0]!;
    assert.equal(channels.title, 'Channels');
    assert.equal(channels.field, 'channel_group', 'a click on a channel filters on it');
    assert.deepEqual(channels.rows, [
      { key: 'Direct', values: { sessions: 9, users: 7 }, previous: { sessions: 4, users: 4 } },
      { key: '(not set)', values: { sessions: 1, users: 1 } },
    ]);
    assert.deepEqual(v.unavailable, [{ title: 'Regions', reason: 'The warehouse contract has no region column yet.' }]);
  });
});

describe('exploration results', () => {
  it('event: one series per breakdown value, in the order of the totals', () => {
    const r = eventResult(
      result({
        series: { columns: [], rows: [{ period: '2026-11-01', value: 'FR', metric: 2 }, { period: '2026-11-01', value: 'DE', metric: 5 }, { period: '2026-11-02', value: 'FR', metric: 1 }] },
        totals: { columns: [], rows: [{ value: 'DE', metric: 5 }, { value: 'FR', metric: 3 }] },
      }),
    );
    assert.deepEqual(r.series, [
      { key: 'DE', points: [{ date: '2026-11-01', value: 5 }] },
      { key: 'FR', points: [{ date: '2026-11-01', value: 2 }, { date: '2026-11-02', value: 1 }] },
    ]);
  });

  it('funnel: steps with conversions and times, and the breakdown pivoted per value', () => {
    const r = funnelResult(
      result({
        steps: {
          columns: [],
          rows: [
            { step: 1, event: 'view_item', label: 'view_item', users: 10, conversion_rate: 1, step_conversion_rate: 1, dropoff: 0, median_seconds_from_previous: null },
            { step: 2, event: 'purchase', label: 'Bought', users: 4, conversion_rate: 0.4, step_conversion_rate: 0.4, dropoff: 6, median_seconds_from_previous: 30.5 },
          ],
        },
        breakdown: { columns: [], rows: [{ value: 'FR', step: 1, users: 6 }, { value: 'FR', step: 2, users: 3 }, { value: 'DE', step: 1, users: 4 }, { value: 'DE', step: 2, users: 1 }] },
      }),
    );
    assert.deepEqual(r.steps, [
      { name: 'view_item', users: 10, conversion: 1, stepConversion: 1, dropOff: 0 },
      { name: 'Bought', users: 4, conversion: 0.4, stepConversion: 0.4, dropOff: 6, medianSeconds: 30.5 },
    ]);
    assert.deepEqual(r.breakdown, [
      { key: 'FR', users: [6, 3] },
      { key: 'DE', users: [4, 1] },
    ]);
  });

  it('path: nodes per step, links from the step before; previous paths read right to left', () => {
    const tables = {
      nodes: { columns: [], rows: [{ step: 0, node: 'a', sessions: 5 }, { step: 1, node: 'b', sessions: 3 }, { step: 1, node: 'a', sessions: 2 }] },
      links: { columns: [], rows: [{ step: 1, source: 'a', target: 'b', sessions: 3 }, { step: 1, source: 'a', target: 'a', sessions: 2 }] },
    };
    const next = pathResult(result(tables), 'next');
    assert.deepEqual(next.nodes, [
      { id: '0:a', name: 'a', depth: 0 },
      { id: '1:b', name: 'b', depth: 1 },
      { id: '1:a', name: 'a', depth: 1 },
    ]);
    assert.deepEqual(next.links, [
      { source: '0:a', target: '1:b', value: 3 },
      { source: '0:a', target: '1:a', value: 2 },
    ]);
    const prev = pathResult(result(tables), 'previous');
    assert.deepEqual(prev.nodes.map((x) => x.depth), [1, 0, 0]);
    assert.deepEqual(prev.links[0], { source: '1:b', target: '0:a', value: 3 });
  });

  it('retention: long rows pivoted per cohort, periods not reached left out', () => {
    const r = retentionResult(
      result({ cohorts: { columns: [], rows: [{ cohort: '2026-11-02', size: 10, period: 0, users: 10 }, { cohort: '2026-11-02', size: 10, period: 1, users: 4 }, { cohort: '2026-11-01', size: 5, period: 0, users: 5 }] } }),
      'day',
    );
    assert.deepEqual(r, {
      unit: 'day',
      cohorts: [
        { cohort: '2026-11-01', size: 5, returned: [5] },
        { cohort: '2026-11-02', size: 10, returned: [10, 4] },
      ],
    });
  });

  it('attribution: the chosen model with every model for comparison', () => {
    const r = attributionResult(result({ attribution: { columns: [], rows: [{ value: 'Email', conversions: 1.5, share: 0.5, first_touch: 1, last_touch: 2, linear: 1.5, position_based: 1.4 }] } }), 'linear');
    assert.deepEqual(r.rows, [{ key: 'Email', conversions: 1.5, byModel: { first_touch: 1, last_touch: 2, linear: 1.5, position_based: 1.4 } }]);
  });
});

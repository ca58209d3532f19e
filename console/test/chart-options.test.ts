// The chart mappings (API result → ECharts option) are pure: these tests pin what each chart shows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Breakdown, FunnelResult, PathResult, RetentionResult, TimeSeries } from '../src/api/analytics-types.js';
import {
  attributionOption,
  cohortHeatmapOption,
  cohortShares,
  donutOption,
  eventSeriesOption,
  funnelOption,
  rankedBarOption,
  retentionCurve,
  retentionCurveOption,
  sankeyOption,
  timeSeriesOption,
} from '../src/charts/options.js';

// ECharts options are loosely typed unions; tests read them as plain data.
type Loose = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- option trees are checked by shape
const series = (o: unknown): Loose[] => (o as Loose).series as Loose[];

describe('timeSeriesOption', () => {
  const ts: TimeSeries = {
    metrics: [
      { id: 'active_users', label: 'Active users', format: 'number' },
      { id: 'bounce_rate', label: 'Bounce rate', format: 'percent' },
    ],
    points: [
      { date: '2026-11-01', values: { active_users: 10, bounce_rate: 0.5 } },
      { date: '2026-11-02', values: { active_users: 12, bounce_rate: 0.4 } },
    ],
    previous: [
      { date: '2026-10-30', values: { active_users: 7, bounce_rate: 0.6 } },
      { date: '2026-10-31', values: { active_users: 9 } },
    ],
  };

  it('draws the chosen metrics by day, and the comparison period dashed on the same days', () => {
    const o = timeSeriesOption(ts, ['active_users']) as Loose;
    assert.deepEqual(o.xAxis.data, ['2026-11-01', '2026-11-02']);
    assert.equal(series(o).length, 2);
    assert.deepEqual(series(o)[0]!.data, [10, 12]);
    assert.equal(series(o)[0]!.name, 'Active users');
    assert.deepEqual(series(o)[1]!.data, [7, 9]);
    assert.equal(series(o)[1]!.lineStyle.type, 'dashed');
  });

  it('fills a missing value with 0 and formats the axis by the first metric', () => {
    const o = timeSeriesOption({ ...ts, previous: undefined }, ['bounce_rate']) as Loose;
    assert.deepEqual(series(o)[0]!.data, [0.5, 0.4]);
    assert.equal(o.yAxis.axisLabel.formatter(0.25), '25%');
    const prev = timeSeriesOption(ts, ['bounce_rate']) as Loose;
    assert.deepEqual(series(prev)[1]!.data, [0.6, 0]);
  });
});

const countries: Breakdown = {
  id: 'countries',
  title: 'Countries',
  dimension: 'Country',
  metrics: [
    { id: 'users', label: 'Users', format: 'number' },
    { id: 'sessions', label: 'Sessions', format: 'number' },
  ],
  rows: [
    { key: 'FR', values: { users: 5, sessions: 9 } },
    { key: 'DE', values: { users: 20, sessions: 22 }, previous: { users: 10, sessions: 11 } },
    { key: '', values: { users: 1, sessions: 1 } },
    { key: 'US', values: { users: 11, sessions: 30 } },
  ],
};

describe('rankedBarOption', () => {
  it('ranks the rows by the metric, largest first, and keeps the top N', () => {
    const o = rankedBarOption(countries, 'users', 3) as Loose;
    assert.deepEqual(o.yAxis.data, ['DE', 'US', 'FR']);
    assert.equal(o.yAxis.inverse, true);
    assert.deepEqual(series(o)[0]!.data, [20, 11, 5]);
  });

  it('ranks by another metric, names an empty key, and adds the comparison bars', () => {
    const o = rankedBarOption(countries, 'sessions') as Loose;
    assert.deepEqual(o.yAxis.data, ['US', 'DE', 'FR', '(not set)']);
    assert.equal(series(o).length, 2);
    assert.deepEqual(series(o)[1]!.data, [0, 11, 0, 0]);
  });
});

describe('donutOption', () => {
  it('keeps the top N slices and sums the rest into Other', () => {
    const o = donutOption(countries, 'users', 2) as Loose;
    assert.deepEqual(series(o)[0]!.data, [
      { name: 'DE', value: 20 },
      { name: 'US', value: 11 },
      { name: 'Other', value: 6 },
    ]);
  });
});

const retention: RetentionResult = {
  unit: 'week',
  cohorts: [
    { cohort: '2026-11-02', size: 100, returned: [100, 40, 20] },
    { cohort: '2026-11-09', size: 50, returned: [50, 30] },
    { cohort: '2026-11-16', size: 0, returned: [0] },
  ],
};

describe('retention', () => {
  it('turns cohort counts into shares, leaving periods a cohort has not reached empty', () => {
    assert.deepEqual(cohortShares(retention), [
      { cohort: '2026-11-02', size: 100, shares: [1, 0.4, 0.2] },
      { cohort: '2026-11-09', size: 50, shares: [1, 0.6, null] },
      { cohort: '2026-11-16', size: 0, shares: [null, null, null] },
    ]);
  });

  it('weights the curve by cohort size over the cohorts that reached each period', () => {
    // week 1: (40 + 30) / (100 + 50); week 2: only the first cohort.
    assert.deepEqual(retentionCurve(retention), [1, 70 / 150, 0.2]);
    const o = retentionCurveOption(retention) as Loose;
    assert.deepEqual(o.xAxis.data, ['Week 0', 'Week 1', 'Week 2']);
    assert.deepEqual(series(o)[0]!.data, [1, 0.4667, 0.2]);
  });

  it('puts one heatmap cell per reached period, in percent', () => {
    const o = cohortHeatmapOption(retention) as Loose;
    assert.deepEqual(series(o)[0]!.data, [
      [0, 0, 100],
      [1, 0, 40],
      [2, 0, 20],
      [0, 1, 100],
      [1, 1, 60],
    ]);
    assert.deepEqual(o.yAxis.data, ['2026-11-02 (100)', '2026-11-09 (50)', '2026-11-16 (0)']);
  });
});

describe('funnelOption', () => {
  const funnel: FunnelResult = {
    steps: [
      { name: 'view_item', users: 200, conversion: 1, stepConversion: 1, dropOff: 0 },
      { name: 'add_to_cart', users: 80, conversion: 0.4, stepConversion: 0.4, dropOff: 120, medianSeconds: 95 },
      { name: 'purchase', users: 20, conversion: 0.1, stepConversion: 0.25, dropOff: 60, medianSeconds: 3700 },
    ],
  };

  it('stacks converted users and drop-offs per step, labelled with the overall conversion', () => {
    const o = funnelOption(funnel) as Loose;
    assert.deepEqual(o.xAxis.data, ['1. view_item', '2. add_to_cart', '3. purchase']);
    assert.deepEqual(series(o)[0]!.data, [200, 80, 20]);
    assert.deepEqual(series(o)[1]!.data, [0, 120, 60]);
    assert.equal(series(o)[0]!.label.formatter({ dataIndex: 2 }), '10.0%');
  });

  it('tells the conversion time in the tooltip', () => {
    const text = (funnelOption(funnel) as Loose).tooltip.formatter([{ dataIndex: 2 }]) as string;
    assert.match(text, /20 users · 10\.0% of step 1/);
    assert.match(text, /25\.0% of previous step · 60 dropped off/);
    assert.match(text, /Median time from previous step: 1h 01m/);
  });
});

describe('sankeyOption', () => {
  it('names nodes uniquely per depth (the same event at two depths) and drops dangling links', () => {
    const paths: PathResult = {
      nodes: [
        { id: 'a', name: '_page_view', depth: 0 },
        { id: 'b', name: 'add_to_cart', depth: 1 },
        { id: 'c', name: '_page_view', depth: 1 },
        { id: 'd', name: 'unused', depth: 2 },
      ],
      links: [
        { source: 'a', target: 'b', value: 7 },
        { source: 'a', target: 'c', value: 3 },
        { source: 'a', target: 'zz', value: 1 },
        { source: 'b', target: 'c', value: 0 },
      ],
    };
    const s = series(sankeyOption(paths))[0]!;
    assert.equal(s.type, 'sankey');
    assert.equal(s.data.length, 3, 'nodes without a link are left out');
    assert.equal(new Set(s.data.map((n: Loose) => n.name)).size, 3);
    assert.deepEqual(
      s.links.map((l: Loose) => [s.label.formatter({ name: l.source }), s.label.formatter({ name: l.target }), l.value]),
      [
        ['_page_view', 'add_to_cart', 7],
        ['_page_view', '_page_view', 3],
      ],
    );
  });
});

describe('eventSeriesOption and attributionOption', () => {
  it('aligns every series on the union of dates, 0 where a series has no point', () => {
    const o = eventSeriesOption({
      series: [
        { key: 'FR', points: [{ date: '2026-11-02', value: 3 }] },
        { key: 'DE', points: [{ date: '2026-11-01', value: 1 }, { date: '2026-11-02', value: 2 }] },
      ],
    }) as Loose;
    assert.deepEqual(o.xAxis.data, ['2026-11-01', '2026-11-02']);
    assert.deepEqual(series(o).map((s) => [s.name, s.data]), [
      ['FR', [0, 3]],
      ['DE', [1, 2]],
    ]);
  });

  it('ranks touchpoints by attributed conversions and labels each with its share', () => {
    const o = attributionOption({ model: 'linear', rows: [{ key: 'Email', conversions: 1.5 }, { key: 'Direct', conversions: 4.5 }] }) as Loose;
    assert.deepEqual(o.yAxis.data, ['Direct', 'Email']);
    assert.deepEqual(series(o)[0]!.data, [4.5, 1.5]);
    assert.equal(series(o)[0]!.label.formatter({ value: 1.5 }), '25.0%');
  });
});

// Analytics results → ECharts options. Pure functions (no ECharts import at runtime), so they are
// tested without a browser and the chart library stays in its own lazily loaded chunk.
import type { EChartsOption } from 'echarts';
import type { AttributionResult, Breakdown, CohortTable, EventResult, FunnelResult, PathResult, RetentionResult, TimeSeries } from '../api/analytics-types.js';
import { formatDuration, formatNumber, formatPercent, formatValue, type ValueFormat } from '../lib/format.js';

/** Colour-blind-safe categorical palette (Okabe–Ito order, darkened for contrast on white). */
export const PALETTE = ['#2f5bea', '#e07b00', '#0f8a6a', '#c2417d', '#6b4fc9', '#9a7b00', '#1b8fbf', '#b03a2e'];
const AXIS = { axisLine: { lineStyle: { color: '#c5ccd5' } }, axisLabel: { color: '#5f6b7c' }, splitLine: { lineStyle: { color: '#eceff3' } } };
const GRID = { left: 8, right: 16, top: 32, bottom: 8, containLabel: true };
const TOOLTIP = { confine: true, backgroundColor: '#fff', borderColor: '#dfe3e8', textStyle: { color: '#1b2130' } };

const axisFormatter = (format: ValueFormat) => (v: number) => (format === 'percent' ? formatPercent(v, 0) : format === 'duration' ? formatDuration(v) : formatNumber(v));

/** One line per metric over the period, plus a dashed line per metric for the comparison period. */
export function timeSeriesOption(ts: TimeSeries, metricIds: string[] = ts.metrics.map((m) => m.id)): EChartsOption {
  const metrics = ts.metrics.filter((m) => metricIds.includes(m.id));
  const dates = ts.points.map((p) => p.date);
  const series: NonNullable<EChartsOption['series']> = [];
  metrics.forEach((m, i) => {
    series.push({ type: 'line', name: m.label, data: ts.points.map((p) => p.values[m.id] ?? 0), showSymbol: dates.length < 40, smooth: false, color: PALETTE[i % PALETTE.length], lineStyle: { width: 2 } });
    if (ts.previous)
      series.push({
        type: 'line',
        name: `${m.label} (previous period)`,
        data: ts.previous.map((p) => p.values[m.id] ?? 0).slice(0, dates.length),
        showSymbol: false,
        color: PALETTE[i % PALETTE.length],
        lineStyle: { width: 1.5, type: 'dashed', opacity: 0.6 },
      });
  });
  const format = metrics[0]?.format ?? 'number';
  return {
    aria: { enabled: true },
    grid: GRID,
    tooltip: { ...TOOLTIP, trigger: 'axis', valueFormatter: (v) => formatValue(Number(v), format) },
    legend: { top: 0, left: 0, icon: 'roundRect', itemWidth: 12, itemHeight: 4, textStyle: { color: '#4a5466' } },
    xAxis: { type: 'category', data: dates, boundaryGap: false, ...AXIS, splitLine: { show: false } },
    yAxis: { type: 'value', ...AXIS, axisLabel: { ...AXIS.axisLabel, formatter: axisFormatter(format) }, minInterval: format === 'number' ? 1 : undefined },
    series,
  };
}

/** The top rows of a breakdown by one metric, as horizontal bars, largest on top. */
export function rankedBarOption(b: Breakdown, metricId = b.metrics[0]?.id ?? '', topN = 10): EChartsOption {
  const metric = b.metrics.find((m) => m.id === metricId) ?? b.metrics[0];
  const rows = [...b.rows].sort((x, y) => (y.values[metricId] ?? 0) - (x.values[metricId] ?? 0)).slice(0, topN);
  const format = metric?.format ?? 'number';
  const hasPrevious = rows.some((r) => r.previous);
  return {
    aria: { enabled: true },
    grid: { ...GRID, top: hasPrevious ? 28 : 8 },
    tooltip: { ...TOOLTIP, trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => formatValue(Number(v), format) },
    legend: hasPrevious ? { top: 0, left: 0, textStyle: { color: '#4a5466' } } : undefined,
    xAxis: { type: 'value', ...AXIS, axisLabel: { ...AXIS.axisLabel, formatter: axisFormatter(format) } },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.key || '(not set)'), ...AXIS, axisLabel: { ...AXIS.axisLabel, width: 140, overflow: 'truncate' } },
    series: [
      { type: 'bar', name: metric?.label ?? metricId, data: rows.map((r) => r.values[metricId] ?? 0), color: PALETTE[0], barMaxWidth: 18, label: { show: true, position: 'right', color: '#4a5466', formatter: (p) => formatValue(Number(p.value), format) } },
      ...(hasPrevious ? [{ type: 'bar' as const, name: 'Previous period', data: rows.map((r) => r.previous?.[metricId] ?? 0), color: '#b9c6f5', barMaxWidth: 10 }] : []),
    ],
  };
}

/** Shares of a total (device categories, platforms), as a donut. */
export function donutOption(b: Breakdown, metricId = b.metrics[0]?.id ?? '', topN = 6): EChartsOption {
  const sorted = [...b.rows].sort((x, y) => (y.values[metricId] ?? 0) - (x.values[metricId] ?? 0));
  const head = sorted.slice(0, topN).map((r) => ({ name: r.key || '(not set)', value: r.values[metricId] ?? 0 }));
  const rest = sorted.slice(topN).reduce((s, r) => s + (r.values[metricId] ?? 0), 0);
  const data = rest > 0 ? [...head, { name: 'Other', value: rest }] : head;
  return {
    aria: { enabled: true },
    color: PALETTE,
    tooltip: { ...TOOLTIP, trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: { orient: 'vertical', right: 0, top: 'middle', textStyle: { color: '#4a5466' } },
    series: [{ type: 'pie', radius: ['45%', '72%'], center: ['35%', '50%'], avoidLabelOverlap: true, label: { show: false }, data }],
  };
}

/** Share of each cohort still active N periods after its first visit (period 0 is the cohort itself). */
export function cohortShares(c: CohortTable | RetentionResult): { cohort: string; size: number; shares: (number | null)[] }[] {
  const periods = Math.max(0, ...c.cohorts.map((x) => x.returned.length));
  return c.cohorts.map((x) => ({
    cohort: x.cohort,
    size: x.size,
    shares: Array.from({ length: periods }, (_, k) => (k < x.returned.length && x.size > 0 ? x.returned[k]! / x.size : null)),
  }));
}

export function cohortHeatmapOption(c: CohortTable | RetentionResult): EChartsOption {
  const rows = cohortShares(c);
  const periods = Math.max(0, ...rows.map((r) => r.shares.length));
  const unit = c.unit === 'day' ? 'Day' : c.unit === 'week' ? 'Week' : 'Month';
  const data: [number, number, number][] = [];
  rows.forEach((r, y) => r.shares.forEach((s, x) => s !== null && data.push([x, y, +(s * 100).toFixed(1)])));
  return {
    aria: { enabled: true },
    grid: { ...GRID, top: 8, bottom: 48 },
    tooltip: { ...TOOLTIP, formatter: (p) => { const [x, y, v] = (p as unknown as { value: [number, number, number] }).value; return `${rows[y]?.cohort} · ${unit} ${x}: ${v}% of ${formatNumber(rows[y]?.size ?? 0)}`; } },
    xAxis: { type: 'category', data: Array.from({ length: periods }, (_, k) => `${unit} ${k}`), ...AXIS, splitArea: { show: true } },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => `${r.cohort} (${formatNumber(r.size)})`), ...AXIS },
    visualMap: { min: 0, max: 100, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 120, text: ['100%', '0%'], inRange: { color: ['#f0f4ff', '#2f5bea'] }, textStyle: { color: '#5f6b7c' } },
    series: [{ type: 'heatmap', data, label: { show: periods <= 12, formatter: (p) => `${(p.value as number[])[2]}%`, fontSize: 11 }, emphasis: { itemStyle: { borderColor: '#1b2130', borderWidth: 1 } } }],
  };
}

/** The retention curve: per period, returned users over the users of the cohorts that reached it. */
export function retentionCurve(r: RetentionResult | CohortTable): number[] {
  const periods = Math.max(0, ...r.cohorts.map((c) => c.returned.length));
  return Array.from({ length: periods }, (_, k) => {
    let returned = 0;
    let base = 0;
    for (const c of r.cohorts) {
      if (k >= c.returned.length) continue;
      returned += c.returned[k]!;
      base += c.size;
    }
    return base > 0 ? returned / base : 0;
  });
}

export function retentionCurveOption(r: RetentionResult): EChartsOption {
  const curve = retentionCurve(r);
  const unit = r.unit === 'day' ? 'Day' : r.unit === 'week' ? 'Week' : 'Month';
  return {
    aria: { enabled: true },
    grid: GRID,
    tooltip: { ...TOOLTIP, trigger: 'axis', valueFormatter: (v) => formatPercent(Number(v)) },
    xAxis: { type: 'category', data: curve.map((_, k) => `${unit} ${k}`), boundaryGap: false, ...AXIS, splitLine: { show: false } },
    yAxis: { type: 'value', min: 0, max: 1, ...AXIS, axisLabel: { ...AXIS.axisLabel, formatter: (v: number) => formatPercent(v, 0) } },
    series: [{ type: 'line', name: 'Retained users', data: curve.map((v) => +v.toFixed(4)), color: PALETTE[0], areaStyle: { opacity: 0.12 }, label: { show: curve.length <= 12, position: 'top', formatter: (p) => formatPercent(Number(p.value), 0), color: '#4a5466' } }],
  };
}

/** Funnel: users who reached each step (solid) and those who dropped off before it (light). */
export function funnelOption(f: FunnelResult): EChartsOption {
  const names = f.steps.map((s, i) => `${i + 1}. ${s.name}`);
  return {
    aria: { enabled: true },
    grid: { ...GRID, top: 36 },
    legend: { top: 0, left: 0, textStyle: { color: '#4a5466' } },
    tooltip: {
      ...TOOLTIP,
      trigger: 'axis',
      axisPointer: { type: 'shadow' },
      formatter: (params) => {
        const i = (Array.isArray(params) ? params[0] : params)?.dataIndex ?? 0;
        const s = f.steps[i]!;
        const time = s.medianSeconds !== undefined ? `<br/>Median time from previous step: ${formatDuration(s.medianSeconds)}` : '';
        return `<b>${names[i]}</b><br/>${formatNumber(s.users)} users · ${formatPercent(s.conversion)} of step 1<br/>${formatPercent(s.stepConversion)} of previous step · ${formatNumber(s.dropOff)} dropped off${time}`;
      },
    },
    xAxis: { type: 'category', data: names, ...AXIS, axisLabel: { ...AXIS.axisLabel, interval: 0, width: 120, overflow: 'truncate' } },
    yAxis: { type: 'value', ...AXIS, minInterval: 1 },
    series: [
      {
        type: 'bar',
        name: 'Converted',
        stack: 'funnel',
        data: f.steps.map((s) => s.users),
        color: PALETTE[0],
        barMaxWidth: 64,
        label: { show: true, position: 'inside', color: '#fff', fontWeight: 'bold', formatter: (p) => formatPercent(f.steps[p.dataIndex]!.conversion, 1) },
      },
      { type: 'bar', name: 'Dropped off', stack: 'funnel', data: f.steps.map((s) => s.dropOff), color: '#d5dcf7', barMaxWidth: 64 },
    ],
  };
}

/**
 * Paths as a Sankey diagram. ECharts needs unique node names, so a node is named by its depth and
 * label, and shown with the label only.
 */
export function sankeyOption(p: PathResult): EChartsOption {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const key = (id: string) => {
    const n = byId.get(id);
    return n ? `${n.depth}\u2063${n.name}` : id;
  };
  const used = new Set(p.links.flatMap((l) => [l.source, l.target]));
  return {
    aria: { enabled: true },
    tooltip: { ...TOOLTIP, trigger: 'item', formatter: (x) => { const d = (x as unknown as { data: unknown }).data as { source?: string; target?: string; value?: number; name?: string }; return d.source ? `${label(d.source)} → ${label(d.target ?? '')}: ${formatNumber(d.value ?? 0)}` : label(d.name ?? ''); } },
    color: PALETTE,
    series: [
      {
        type: 'sankey',
        left: 8,
        right: 140,
        top: 8,
        bottom: 8,
        nodeGap: 10,
        draggable: false,
        emphasis: { focus: 'adjacency' },
        lineStyle: { color: 'gradient', opacity: 0.35, curveness: 0.5 },
        label: { color: '#1b2130', formatter: (x) => label(x.name) },
        data: p.nodes.filter((n) => used.has(n.id)).map((n) => ({ name: key(n.id), depth: n.depth })),
        links: p.links.filter((l) => l.value > 0 && byId.has(l.source) && byId.has(l.target)).map((l) => ({ source: key(l.source), target: key(l.target), value: l.value })),
      },
    ],
  };
}
const label = (name: string) => name.slice(name.indexOf('\u2063') + 1);

export function eventSeriesOption(e: EventResult): EChartsOption {
  const dates = [...new Set(e.series.flatMap((s) => s.points.map((p) => p.date)))].sort();
  return {
    aria: { enabled: true },
    grid: GRID,
    tooltip: { ...TOOLTIP, trigger: 'axis' },
    legend: { top: 0, left: 0, type: 'scroll', textStyle: { color: '#4a5466' } },
    color: PALETTE,
    xAxis: { type: 'category', data: dates, boundaryGap: false, ...AXIS, splitLine: { show: false } },
    yAxis: { type: 'value', ...AXIS, minInterval: 1 },
    series: e.series.map((s) => {
      const byDate = new Map(s.points.map((p) => [p.date, p.value]));
      return { type: 'line', name: s.key || '(not set)', data: dates.map((d) => byDate.get(d) ?? 0), showSymbol: dates.length < 40 };
    }),
  };
}

export function attributionOption(a: AttributionResult): EChartsOption {
  const rows = [...a.rows].sort((x, y) => y.conversions - x.conversions);
  const total = rows.reduce((s, r) => s + r.conversions, 0);
  return {
    aria: { enabled: true },
    grid: { ...GRID, top: 8 },
    tooltip: { ...TOOLTIP, trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v) => `${formatValue(Number(v), 'decimal')} conversions` },
    xAxis: { type: 'value', ...AXIS },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.key || '(not set)'), ...AXIS, axisLabel: { ...AXIS.axisLabel, width: 140, overflow: 'truncate' } },
    series: [
      {
        type: 'bar',
        name: 'Attributed conversions',
        data: rows.map((r) => +r.conversions.toFixed(2)),
        color: PALETTE[2],
        barMaxWidth: 18,
        label: { show: true, position: 'right', color: '#4a5466', formatter: (p) => (total > 0 ? formatPercent(Number(p.value) / total) : '') },
      },
    ],
  };
}

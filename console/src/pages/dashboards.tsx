/** @jsxRuntime automatic */
// The dashboards: one layout for all eight (headline figures, trend, breakdowns, cohorts), fed by
// the dashboard query of the current app, period, time zone, comparison and filters (all in the URL).
import { useState } from 'react';
import { analytics, download } from '../api/analytics.js';
import type { Breakdown, DashboardView, TimeSeries } from '../api/analytics-types.js';
import { BreakdownTable } from '../components/breakdown-table.js';
import { ContextBar, useQueryContext } from '../components/context-bar.js';
import { KpiTiles } from '../components/kpis.js';
import { Async, Empty, ErrorState } from '../components/states.js';
import { Card, PageHead } from '../components/ui.js';
import { Chart } from '../charts/chart.js';
import { cohortHeatmapOption, donutOption, rankedBarOption, retentionCurveOption, timeSeriesOption } from '../charts/options.js';
import { DASHBOARDS } from '../lib/dashboards-list.js';
import { fullRows } from '../lib/grid.js';
import { comparisonPeriod } from '../lib/query-state.js';
import { useResource } from '../lib/use-resource.js';
import { useWorkspace } from '../lib/workspace.js';

const SUBTITLES: Record<string, string> = {
  overview: 'Users, sessions, views and engagement at a glance.',
  acquisition: 'Where visitors come from: channels, sources and mediums, campaigns, landing pages.',
  engagement: 'What people do: pages and screens, events, engagement time, scroll depth.',
  retention: 'Who comes back: cohorts by first visit, active users, stickiness.',
  devices: 'Browsers, operating systems, device categories, screen sizes and app versions.',
  geo: 'Countries, continents, regions, cities and locales.',
  events: 'Every event name with its counts and users.',
  pages: 'Pages and screens by views, users and engagement.',
};

export function isEmptyDashboard(view: DashboardView): boolean {
  return view.kpis.every((k) => !k.value) && view.breakdowns.every((b) => b.rows.length === 0) && !(view.cohorts?.cohorts.length);
}

export function DashboardsPage({ appId, board }: { appId: string; board: string }) {
  const { apps } = useWorkspace();
  const app = apps.data?.find((a) => a.appId === appId);
  const [context, setContext] = useQueryContext(app?.timezone ?? 'UTC');
  const meta = DASHBOARDS.find((d) => d.id === board);
  const key = meta ? `dash:${appId}:${board}:${JSON.stringify(context)}` : null;
  const view = useResource(key, (signal) => analytics.dashboard(appId, board, context, signal));
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<Error>();

  if (!meta) return <ErrorState title="No such dashboard" error={new Error(`There is no dashboard called “${board}”.`)} />;

  const exportCsv = async () => {
    setExporting(true);
    setExportError(undefined);
    try {
      download(`${appId}-${board}-${context.from}-${context.to}.csv`, await analytics.dashboardCsv(appId, board, context));
    } catch (error) {
      setExportError(error instanceof Error ? error : new Error(String(error)));
    } finally {
      setExporting(false);
    }
  };
  const previous = comparisonPeriod(context.from, context.to, context.compare);
  const filterOn = (field: string | undefined) => (field ? (value: string) => setContext({ filters: [...context.filters, { field, op: 'eq', value }] }) : undefined);

  return (
    <>
      <PageHead
        title={meta.title}
        subtitle={
          <>
            {SUBTITLES[board]} {board === 'geo' && <GeoAttribution />} {app && <span className="muted">· {app.name}</span>}
          </>
        }
      />
      <ContextBar context={context} onChange={setContext} onExport={() => void exportCsv()} exporting={exporting} />
      {exportError && (
        <p className="alert" role="alert" style={{ marginBottom: 16 }}>
          CSV export failed: {exportError.message}
        </p>
      )}
      <p className="muted small" style={{ margin: '-8px 0 12px' }}>
        {context.from} – {context.to} ({context.timezone}){previous && ` compared with ${previous.from} – ${previous.to}`}
        {view.loading && view.data && ' · refreshing…'}
      </p>
      <Async
        resource={view}
        rows={6}
        isEmpty={isEmptyDashboard}
        empty={
          <Card>
            <Empty title="No data for this period">Widen the period, remove filters, or send events with the app's snippet. Data appears after each processing run.</Empty>
          </Card>
        }
      >
        {(v) => (
          <div className="stack" data-testid="dashboard">
            {v.kpis.some((k) => !k.id.startsWith('realtime.')) && <KpiTiles kpis={v.kpis.filter((k) => !k.id.startsWith('realtime.'))} />}
            {v.series && v.series.points.length > 0 && <TrendCard series={v.series} />}
            {v.kpis.some((k) => k.id.startsWith('realtime.')) && (
              <Card title="Realtime" subtitle="The last 30 minutes, whatever the period">
                <KpiTiles kpis={v.kpis.filter((k) => k.id.startsWith('realtime.')).map((k) => ({ ...k, label: k.label.replace(/^Realtime: /, '') }))} />
              </Card>
            )}
            {v.cohorts && v.cohorts.cohorts.length > 0 && (
              <div className="grid cols-2">
                <Card title="Cohorts by first visit" subtitle="Share of each cohort active again N periods later" className="span-all">
                  <Chart option={cohortHeatmapOption(v.cohorts)} label="Cohort retention heatmap" height={Math.max(240, 40 + v.cohorts.cohorts.length * 28)} />
                </Card>
                <Card title="Retention curve" subtitle="All cohorts together" className="span-all">
                  <Chart option={retentionCurveOption(v.cohorts)} label="Retention curve" />
                </Card>
              </div>
            )}
            {(v.extraSeries ?? []).length > 0 && (
              <div className="grid cols-2">
                {v.extraSeries!.map((x, i, all) => (
                  <Card key={x.title} title={x.title} className={fullRows(all.map(() => false))[i] ? 'span-all' : undefined}>
                    <Chart option={timeSeriesOption(x.series)} label={x.title} height={240} />
                  </Card>
                ))}
              </div>
            )}
            <div className="grid cols-2">
              {v.breakdowns.map((b, i, all) => (
                <BreakdownCard key={b.id} breakdown={b} wide={fullRows(all.map(isWide))[i] ?? false} onFilter={filterOn(b.field)} />
              ))}
            </div>
            {(v.unavailable ?? []).length > 0 && (
              <p className="muted small">
                Not available yet: {v.unavailable!.map((u) => `${u.title} (${u.reason})`).join('; ')}
              </p>
            )}
          </div>
        )}
      </Async>
    </>
  );
}

/**
 * The geo columns come from DB-IP's Lite database (CC BY 4.0), whose licence asks every page
 * showing its results to link back to DB-IP.com.
 */
export function GeoAttribution() {
  return <a href="https://db-ip.com">IP Geolocation by DB-IP</a>;
}

/** The main trend, one metric at a time (counts, rates and durations do not share an axis). */
function TrendCard({ series }: { series: TimeSeries }) {
  const [metric, setMetric] = useState(series.metrics[0]?.id ?? '');
  const chosen = series.metrics.find((m) => m.id === metric) ?? series.metrics[0];
  return (
    <Card
      title="Trend"
      subtitle={series.previous ? 'Dashed: the comparison period' : undefined}
      actions={
        <label className="row small" style={{ gap: 6 }}>
          <span className="muted">Metric</span>
          <select value={chosen?.id} onChange={(e) => setMetric(e.target.value)} aria-label="Trend metric">
            {series.metrics.map((m) => (
              <option key={m.id} value={m.id}>
                {m.label}
              </option>
            ))}
          </select>
        </label>
      }
    >
      <Chart option={timeSeriesOption(series, chosen ? [chosen.id] : [])} label={`Trend of ${chosen?.label ?? ''}`} />
    </Card>
  );
}

/** Tables and many-metric breakdowns need the whole width. */
const isWide = (b: Breakdown) => (b.chart ?? 'bar') === 'table' || b.metrics.length > 3;

function BreakdownCard({ breakdown, wide, onFilter }: { breakdown: Breakdown; wide: boolean; onFilter?: (key: string) => void }) {
  const kind = breakdown.chart ?? 'bar';
  return (
    <Card title={breakdown.title} flush className={wide ? 'span-all' : undefined}>
      {breakdown.rows.length === 0 ? (
        <Empty title="No data">Nothing for this breakdown in the period and filters chosen.</Empty>
      ) : (
        <>
          {kind !== 'table' && (
            <div style={{ padding: '12px 16px 0' }}>
              <Chart
                option={kind === 'donut' ? donutOption(breakdown) : rankedBarOption(breakdown)}
                label={`${breakdown.title}: ${breakdown.rows
                  .slice(0, 3)
                  .map((r) => r.key)
                  .join(', ')}…`}
                height={kind === 'donut' ? 220 : Math.min(320, 40 + Math.min(10, breakdown.rows.length) * 26)}
              />
            </div>
          )}
          <BreakdownTable breakdown={breakdown} onFilter={onFilter} />
        </>
      )}
    </Card>
  );
}

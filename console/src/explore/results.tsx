/** @jsxRuntime automatic */
// What each exploration shows: a chart (from charts/options.ts) and the numbers as a table.
import type { AttributionResult, EventResult, FunnelResult, PathResult, RetentionResult } from '../api/analytics-types.js';
import { Chart } from '../charts/chart.js';
import { attributionOption, cohortShares, eventSeriesOption, funnelOption, retentionCurve, retentionCurveOption, sankeyOption } from '../charts/options.js';
import { Empty } from '../components/states.js';
import { formatDuration, formatNumber, formatPercent, formatValue } from '../lib/format.js';

export function EventResultView({ result }: { result: EventResult }) {
  if (result.series.length === 0) return <Empty title="No events match" />;
  const totals = result.series.map((s) => ({ key: s.key, total: s.points.reduce((a, p) => a + p.value, 0) })).sort((a, b) => b.total - a.total);
  return (
    <>
      <Chart option={eventSeriesOption(result)} label="Events over time" className="tall" />
      <table>
        <thead>
          <tr>
            <th>Series</th>
            <th className="num">Total</th>
          </tr>
        </thead>
        <tbody>
          {totals.map((t) => (
            <tr key={t.key}>
              <td>{t.key || '(not set)'}</td>
              <td className="num">{formatNumber(t.total)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function FunnelResultView({ result }: { result: FunnelResult }) {
  if (result.steps.length === 0 || result.steps[0]!.users === 0) return <Empty title="Nobody entered this funnel in the period" />;
  const last = result.steps.at(-1)!;
  return (
    <>
      <p className="muted" data-testid="funnel-summary">
        {formatPercent(last.conversion)} of {formatNumber(result.steps[0]!.users)} users completed all {result.steps.length} steps.
      </p>
      <Chart option={funnelOption(result)} label={`Funnel: ${result.steps.map((s) => `${s.name} ${formatNumber(s.users)}`).join(', ')}`} className="tall" />
      <div className="table-wrap">
        <table data-testid="funnel-table">
          <thead>
            <tr>
              <th>Step</th>
              <th className="num">Users</th>
              <th className="num">Conversion</th>
              <th className="num">From previous</th>
              <th className="num">Dropped off</th>
              <th className="num">Median time</th>
            </tr>
          </thead>
          <tbody>
            {result.steps.map((s, i) => (
              <tr key={i}>
                <td>
                  {i + 1}. {s.name}
                </td>
                <td className="num">{formatNumber(s.users)}</td>
                <td className="num">{formatPercent(s.conversion)}</td>
                <td className="num">{i === 0 ? '–' : formatPercent(s.stepConversion)}</td>
                <td className="num">{i === 0 ? '–' : formatNumber(s.dropOff)}</td>
                <td className="num">{s.medianSeconds === undefined ? '–' : formatDuration(s.medianSeconds)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {result.breakdown && result.breakdown.length > 0 && (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Breakdown</th>
                {result.steps.map((s, i) => (
                  <th key={i} className="num">
                    {i + 1}. {s.name}
                  </th>
                ))}
                <th className="num">Conversion</th>
              </tr>
            </thead>
            <tbody>
              {result.breakdown.map((b) => (
                <tr key={b.key}>
                  <td>{b.key || '(not set)'}</td>
                  {b.users.map((u, i) => (
                    <td key={i} className="num">
                      {formatNumber(u)}
                    </td>
                  ))}
                  <td className="num">{b.users[0] ? formatPercent((b.users.at(-1) ?? 0) / b.users[0]) : '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

export function PathResultView({ result }: { result: PathResult }) {
  if (result.links.length === 0) return <Empty title="No paths from this starting point" />;
  const names = new Map(result.nodes.map((n) => [n.id, n.name]));
  const top = [...result.links].sort((a, b) => b.value - a.value).slice(0, 15);
  return (
    <>
      <Chart option={sankeyOption(result)} label="Paths as a Sankey diagram" height={Math.max(320, result.nodes.length * 22)} />
      <table>
        <thead>
          <tr>
            <th>From</th>
            <th>To</th>
            <th className="num">Sessions</th>
          </tr>
        </thead>
        <tbody>
          {top.map((l) => (
            <tr key={`${l.source}>${l.target}`}>
              <td>{names.get(l.source) ?? l.source}</td>
              <td>{names.get(l.target) ?? l.target}</td>
              <td className="num">{formatNumber(l.value)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function CohortTableView({ result }: { result: RetentionResult }) {
  const rows = cohortShares(result);
  const periods = Math.max(0, ...rows.map((r) => r.shares.length));
  const curve = retentionCurve(result);
  const unit = result.unit === 'day' ? 'Day' : result.unit === 'week' ? 'Week' : 'Month';
  const shade = (s: number) => `rgba(47, 91, 234, ${(0.08 + s * 0.8).toFixed(2)})`;
  return (
    <div className="table-wrap">
      <table className="heat">
        <thead>
          <tr>
            <th style={{ textAlign: 'left' }}>Cohort</th>
            <th className="num">Users</th>
            {Array.from({ length: periods }, (_, k) => (
              <th key={k}>
                {unit} {k}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <td style={{ textAlign: 'left' }}>
              <b>All cohorts</b>
            </td>
            <td className="num">{formatNumber(rows.reduce((s, r) => s + r.size, 0))}</td>
            {curve.map((v, k) => (
              <td key={k}>
                <b>{formatPercent(v)}</b>
              </td>
            ))}
          </tr>
          {rows.map((r) => (
            <tr key={r.cohort}>
              <td style={{ textAlign: 'left' }}>{r.cohort}</td>
              <td className="num">{formatNumber(r.size)}</td>
              {r.shares.map((s, k) => (
                <td key={k} style={s === null ? undefined : { background: shade(s), color: s > 0.55 ? '#fff' : undefined }}>
                  {s === null ? '' : formatPercent(s)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function RetentionResultView({ result }: { result: RetentionResult }) {
  if (result.cohorts.length === 0) return <Empty title="No users did the first event in the period" />;
  return (
    <>
      <Chart option={retentionCurveOption(result)} label="Retention curve" />
      <CohortTableView result={result} />
    </>
  );
}

const MODEL_LABELS = { first_touch: 'First touch', last_touch: 'Last touch', linear: 'Linear', position_based: 'Position-based' } as const;

export function AttributionResultView({ result }: { result: AttributionResult }) {
  if (result.rows.length === 0) return <Empty title="No conversions of the goal event in the period" />;
  const total = result.rows.reduce((s, r) => s + r.conversions, 0);
  const rows = [...result.rows].sort((a, b) => b.conversions - a.conversions);
  const others = (Object.keys(MODEL_LABELS) as (keyof typeof MODEL_LABELS)[]).filter((m) => m !== result.model && rows.some((r) => r.byModel?.[m] !== undefined));
  return (
    <>
      <Chart option={attributionOption(result)} label={`Conversions attributed by ${MODEL_LABELS[result.model]}`} height={Math.min(360, 40 + rows.length * 28)} />
      <table>
        <thead>
          <tr>
            <th>Touchpoint</th>
            <th className="num">{MODEL_LABELS[result.model]}</th>
            <th className="num">Share</th>
            {others.map((m) => (
              <th key={m} className="num">
                {MODEL_LABELS[m]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <td>{r.key || '(not set)'}</td>
              <td className="num">{formatValue(r.conversions, 'decimal')}</td>
              <td className="num">{total ? formatPercent(r.conversions / total) : '–'}</td>
              {others.map((m) => (
                <td key={m} className="num">
                  {formatValue(r.byModel?.[m] ?? 0, 'decimal')}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** @jsxRuntime automatic */
import type { Kpi } from '../api/analytics-types.js';
import { change, formatPercent, formatValue } from '../lib/format.js';

/** The headline numbers, each with its change against the comparison period when there is one. */
export function KpiTiles({ kpis }: { kpis: Kpi[] }) {
  return (
    <div className="kpis" role="list" aria-label="Key figures">
      {kpis.map((k) => {
        const delta = change(k.value, k.previous);
        // Bounce rate going down is good news.
        const goodWhenDown = k.id.includes('bounce');
        const tone = delta === undefined || Math.abs(delta) < 0.0005 ? 'flat' : (delta > 0) !== goodWhenDown ? 'up' : 'down';
        return (
          <div className="kpi" role="listitem" key={k.id} data-kpi={k.id}>
            <div className="label">{k.label}</div>
            <div className="value">{formatValue(k.value, k.format)}</div>
            {k.previous !== undefined && (
              <div className={`delta ${tone}`}>
                {delta === undefined ? `vs ${formatValue(k.previous, k.format)}` : `${delta > 0 ? '▲' : delta < 0 ? '▼' : ''} ${formatPercent(Math.abs(delta))}`}
                <span className="visually-hidden"> compared with the previous period ({formatValue(k.previous, k.format)})</span>
              </div>
            )}
          </div>
        );
      })}
    </div>
  );
}

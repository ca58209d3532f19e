/** @jsxRuntime automatic */
import { useState } from 'react';
import type { Breakdown } from '../api/analytics-types.js';
import { formatValue } from '../lib/format.js';

/** A breakdown as a sortable table; the first metric column carries an in-cell bar. */
export function BreakdownTable({ breakdown, limit = 10, onFilter }: { breakdown: Breakdown; limit?: number; onFilter?: (key: string) => void }) {
  const [sort, setSort] = useState<{ id: string; desc: boolean }>({ id: breakdown.metrics[0]?.id ?? '', desc: true });
  const [all, setAll] = useState(false);
  const rows = [...breakdown.rows].sort((a, b) => ((a.values[sort.id] ?? 0) - (b.values[sort.id] ?? 0)) * (sort.desc ? -1 : 1));
  const shown = all ? rows : rows.slice(0, limit);
  const first = breakdown.metrics[0]?.id ?? '';
  const max = Math.max(1, ...breakdown.rows.map((r) => r.values[first] ?? 0));
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">{breakdown.dimension}</th>
            {breakdown.metrics.map((m) => (
              <th key={m.id} scope="col" className="num" aria-sort={sort.id === m.id ? (sort.desc ? 'descending' : 'ascending') : 'none'}>
                <button type="button" className="sort" onClick={() => setSort({ id: m.id, desc: sort.id === m.id ? !sort.desc : true })}>
                  {m.label} {sort.id === m.id ? (sort.desc ? '↓' : '↑') : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.key}>
              <td style={{ maxWidth: 360, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }} title={r.key}>
                {onFilter ? (
                  <button type="button" className="ghost small" style={{ padding: 0, height: 'auto' }} onClick={() => onFilter(r.key)} title={`Filter on ${r.key}`}>
                    {r.key || '(not set)'}
                  </button>
                ) : (
                  r.key || '(not set)'
                )}
              </td>
              {breakdown.metrics.map((m, i) => (
                <td key={m.id} className={i === 0 ? 'num bar-cell' : 'num'}>
                  {i === 0 && <span className="bar" style={{ width: `${((r.values[m.id] ?? 0) / max) * 100}%` }} />}
                  <span>{formatValue(r.values[m.id] ?? 0, m.format)}</span>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > limit && (
        <div style={{ padding: 8, textAlign: 'center' }}>
          <button type="button" className="ghost small" onClick={() => setAll(!all)}>
            {all ? 'Show fewer' : `Show all ${rows.length}`}
          </button>
        </div>
      )}
    </div>
  );
}

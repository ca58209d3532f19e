// Plain-text tables of model results: one column per configuration, one row per component.
import type { ModelResult } from './model.js';

export const usd = (n: number): string => (n >= 100 ? `$${n.toFixed(0)}` : n >= 1 ? `$${n.toFixed(2)}` : n >= 0.005 ? `$${n.toFixed(2)}` : n > 0 ? '<$0.01' : '$0');

const label = (r: ModelResult) => `${r.params.sink}+${r.params.warehouse}`;

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  return [fmt(header), `| ${widths.map((w, i) => (i === 0 ? '-'.repeat(w) : `${'-'.repeat(Math.max(1, w - 1))}:`)).join(' | ')} |`, ...rows.map(fmt)].join('\n');
}

/** Components as rows, configurations as columns (Markdown-compatible). */
export function matrixTable(results: ModelResult[]): string {
  const ids: string[] = [];
  const names = new Map<string, string>();
  for (const r of results) for (const c of r.components) if (!names.has(c.id)) { ids.push(c.id); names.set(c.id, c.name); }
  const rows = ids.map((id) => [names.get(id) ?? id, ...results.map((r) => {
    const c = r.components.find((x) => x.id === id);
    return c ? usd(c.usd) : '—';
  })]);
  rows.push(['**Total per month**', ...results.map((r) => `**${usd(r.totalUsd)}**`)]);
  rows.push(['Per 10 M events', ...results.map((r) => usd(r.usdPer10MEvents))]);
  return table(['Component', ...results.map(label)], rows);
}

/** Every line item of one configuration. */
export function detailTable(r: ModelResult): string {
  const rows: string[][] = [];
  for (const c of r.components) {
    for (const l of c.lines) rows.push([`${c.name}: ${l.item}`, l.quantity.toLocaleString('en-US', { maximumFractionDigits: 2 }), l.unit, usd(l.usd)]);
  }
  return table(['Line', 'Quantity', 'Unit', 'USD/month'], rows);
}

export function headline(r: ModelResult): string {
  const top = r.dominant.slice(0, 3).map((d) => `${d.id} ${(d.share * 100).toFixed(0)}%`).join(', ');
  const target = r.target ? ` — target < $${r.target.usdPer10M}/10M events: ${r.target.met ? 'met' : 'NOT met'}` : '';
  return `${label(r)}: ${usd(r.totalUsd)}/month, ${usd(r.usdPer10MEvents)} per 10 M events (largest: ${top})${target}`;
}

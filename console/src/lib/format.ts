// Number, duration, percent and date formatting for tables, tiles and chart axes.
const int = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const dec = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

export type ValueFormat = 'number' | 'percent' | 'duration' | 'decimal' | 'text';

export function formatNumber(n: number): string {
  return Math.abs(n) >= 100_000 ? compact.format(n) : int.format(n);
}

/** `ratio` is 0..1. */
export function formatPercent(ratio: number, digits = 1): string {
  return `${(ratio * 100).toFixed(digits)}%`;
}

/** Seconds → `1h 02m`, `3m 05s`, `42s`, `0.4s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  if (seconds < 1) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  if (h) return `${h}h ${String(m).padStart(2, '0')}m`;
  if (m) return `${m}m ${String(r).padStart(2, '0')}s`;
  return `${r}s`;
}

export function formatValue(value: number | string | null | undefined, format: ValueFormat = 'number'): string {
  if (value === null || value === undefined || value === '') return '–';
  if (typeof value === 'string') return value;
  switch (format) {
    case 'percent':
      return formatPercent(value);
    case 'duration':
      return formatDuration(value);
    case 'decimal':
      return dec.format(value);
    case 'text':
      return String(value);
    default:
      return formatNumber(value);
  }
}

/** Relative change of `current` against `previous`, or undefined when it has no meaning. */
export function change(current: number, previous: number | undefined): number | undefined {
  if (previous === undefined || !Number.isFinite(previous) || previous === 0) return undefined;
  return (current - previous) / Math.abs(previous);
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' });
}

/** `42s ago`, `5m ago`, `3h ago`, `2d ago`. */
export function formatAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

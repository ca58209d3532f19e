// Output formats of `npm run sql`.

export const OUTPUT_FORMATS = ['table', 'csv', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function isOutputFormat(value: string): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(value);
}

type Row = Record<string, unknown>;

export function formatRows(rows: readonly Row[], format: OutputFormat): string {
  if (format === 'json') return `${JSON.stringify(rows.map(plain), null, 2)}\n`;
  if (format === 'csv') return formatCsv(rows);
  return formatTable(rows);
}

/**
 * DuckDB's JS values made printable: BIGINT counts as plain numbers when exact (strings beyond
 * 2^53), dates as ISO text, nested values as JSON.
 */
export function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

function text(value: unknown): string {
  const v = plain(value);
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** RFC 4180: quote fields holding a comma, quote or line break; double the quotes inside. */
function csvField(value: unknown): string {
  const s = text(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function formatCsv(rows: readonly Row[]): string {
  if (rows.length === 0) return '';
  const columns = Object.keys(rows[0]!);
  const lines = [columns.map(csvField).join(','), ...rows.map((r) => columns.map((c) => csvField(r[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

const MAX_CELL = 60;

function cell(value: unknown): string {
  const s = value === null || value === undefined ? 'NULL' : text(value).replace(/[\r\n\t]/g, ' ');
  return s.length > MAX_CELL ? `${s.slice(0, MAX_CELL - 1)}…` : s;
}

/** A boxed, aligned table; numbers right-aligned, long cells cut so wide JSON stays readable. */
function formatTable(rows: readonly Row[]): string {
  if (rows.length === 0) return '(0 rows)\n';
  const columns = Object.keys(rows[0]!);
  const cells = rows.map((r) => columns.map((c) => cell(r[c])));
  const numeric = columns.map((c) => rows.every((r) => r[c] === null || typeof plain(r[c]) === 'number'));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const pad = (s: string, i: number) => (numeric[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!));
  const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const line = (values: string[]) => `| ${values.map(pad).join(' | ')} |`;
  const out = [rule, line(columns), rule, ...cells.map(line), rule, `(${rows.length} row${rows.length === 1 ? '' : 's'})`];
  return `${out.join('\n')}\n`;
}

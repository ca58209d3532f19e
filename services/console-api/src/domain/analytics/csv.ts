import type { Cell, ResultTable } from './panel.js';
import type { QueryResult } from './result.js';

/**
 * A result as CSV (RFC 4180): one table, or every table stacked with a leading `table` column
 * over the union of their columns. With a comparison period a `period` column says which rows
 * are which. Cells that a spreadsheet would run as a formula are prefixed with a quote.
 */
export function resultToCsv(result: QueryResult, table?: string): string {
  const names = table ? [table] : Object.keys(result.tables);
  const stacked = names.length > 1;
  const periods: [string, Record<string, ResultTable>][] = [['current', result.tables]];
  if (result.comparison) periods.push(['comparison', result.comparison]);
  const columns: string[] = [];
  for (const name of names) for (const c of result.tables[name]?.columns ?? []) if (!columns.includes(c.name)) columns.push(c.name);
  const header = [...(stacked ? ['table'] : []), ...(result.comparison ? ['period'] : []), ...columns];
  const lines = [header.map(field).join(',')];
  for (const name of names) {
    for (const [period, tables] of periods) {
      for (const row of tables[name]?.rows ?? []) {
        const cells = [...(stacked ? [name] : []), ...(result.comparison ? [period] : []), ...columns.map((c) => row[c] ?? null)];
        lines.push(cells.map(field).join(','));
      }
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

function field(value: Cell): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

import type { QueryContext } from './scope.js';
import type { Sql } from './sql.js';

export type ColumnType = 'string' | 'number' | 'date' | 'timestamp' | 'boolean';
export interface ColumnSpec {
  name: string;
  type: ColumnType;
}
export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

/** One table of a result: typed columns, rows as objects; `unavailable` says why a panel has no data. */
export interface ResultTable {
  columns: ColumnSpec[];
  rows: Row[];
  unavailable?: string;
}

/** One SQL statement of a panel and the columns it returns. */
export interface PanelPart {
  query: Sql;
  columns: ColumnSpec[];
}

/**
 * One table of a dashboard or exploration: one or more statements whose rows `combine` shapes
 * (ratios, filled days, running sums) in TypeScript, the same for every engine.
 */
export interface Panel {
  name: string;
  columns: ColumnSpec[];
  parts: Record<string, PanelPart>;
  combine?: (parts: Record<string, Row[]>, ctx: QueryContext) => Row[];
  /** Runs for the comparison period too (false: realtime panels, which look at now). */
  periodic?: boolean;
  /** Set instead of parts when the warehouse contract lacks what the panel needs. */
  unavailable?: string;
}

export const n = (name: string): ColumnSpec => ({ name, type: 'number' });
export const str = (name: string): ColumnSpec => ({ name, type: 'string' });
export const date = (name: string): ColumnSpec => ({ name, type: 'date' });

export function unavailablePanel(name: string, columns: ColumnSpec[], reason: string): Panel {
  return { name, columns, parts: {}, unavailable: reason };
}

/** a / b, or null when b is 0 or missing; rounded to 6 decimals so results compare across engines. */
export function ratio(a: Cell | undefined, b: Cell | undefined): number | null {
  const x = Number(a ?? 0);
  const y = Number(b ?? 0);
  if (!Number.isFinite(x) || !Number.isFinite(y) || y === 0) return null;
  return round(x / y);
}

export function round(x: number, digits = 6): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export const num = (v: Cell | undefined): number => (typeof v === 'number' ? v : Number(v ?? 0) || 0);

/** Coerces an engine's value to the column's type: engines answer with text, bigint-as-string, Date… */
export function coerce(value: unknown, type: ColumnType): Cell {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'number': {
      const x = typeof value === 'number' ? value : Number(value);
      return Number.isFinite(x) ? x : null;
    }
    case 'boolean':
      return value === true || value === 'true' || value === 't' || value === 1;
    case 'date':
      return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
    case 'timestamp': {
      const text = value instanceof Date ? value.toISOString() : String(value);
      return text.replace(' ', 'T').replace(/Z$/, '').slice(0, 19);
    }
    case 'string':
      return String(value);
  }
}

import type { ResultTable } from './panel.js';

export type { ResultTable } from './panel.js';

export interface ResultRange {
  start: string;
  end: string;
  timezone: string;
}

/** The answer to a dashboard or exploration request. */
export interface QueryResult {
  appId: string;
  kind: 'dashboard' | 'exploration';
  /** Dashboard name, or the exploration type. */
  name: string;
  dateRange: ResultRange;
  comparisonRange?: ResultRange;
  tables: Record<string, ResultTable>;
  /** The same tables for the comparison period (realtime tables are not repeated). */
  comparison?: Record<string, ResultTable>;
  /** The data the answer was computed from; a new version means new data. */
  dataVersion: string;
  generatedAt: string;
  cached: boolean;
}

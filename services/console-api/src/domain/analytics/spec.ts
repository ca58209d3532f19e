import * as z from 'zod';
import { Exploration } from './explorations/index.js';
import { Filters } from './filters.js';
import { ComparisonSpec, DateRangeSpec, TimeZone } from './time-range.js';

/**
 * What every query takes: a date range in a time zone (the app's unless given), an optional
 * comparison period, and filters on any dimension or attribute. These schemas validate the HTTP
 * bodies and feed the OpenAPI document.
 */
export const QueryOptions = z
  .object({
    dateRange: DateRangeSpec,
    timezone: TimeZone.optional().describe("IANA time zone of the date range; the app's when omitted"),
    comparison: ComparisonSpec.optional(),
    filters: Filters,
  })
  .strict();

export const DashboardRequest = QueryOptions.extend({
  /** Rows per table (top N). */
  limit: z.number().int().min(1).max(100).default(10),
}).strict();
export type DashboardRequest = z.infer<typeof DashboardRequest>;

export const ExploreRequest = QueryOptions.extend({ exploration: Exploration }).strict();
export type ExploreRequest = z.infer<typeof ExploreRequest>;

/** The query string of the query routes: CSV instead of JSON, and which table of the result. */
export const ExportQuery = z
  .object({
    format: z.enum(['json', 'csv']).default('json'),
    panel: z
      .string()
      .regex(/^[a-z_]{1,64}$/)
      .optional()
      .describe('Only this table of the result (CSV: all tables, stacked, when omitted)'),
  })
  .strict();
export type ExportQuery = z.infer<typeof ExportQuery>;

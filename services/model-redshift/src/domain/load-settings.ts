import * as z from 'zod';

/**
 * Tuning of the load, the same in both modes (environment variables on Lambda, defaults locally).
 * The batch cap comes from the Data API: BatchExecuteStatement takes at most 40 statements and the
 * copy of one file is three (COPY, tag, clear) after one that empties the staging table.
 */
export const LoadSettings = z.object({
  LOAD_BATCH_FILES: z.coerce.number().int().min(1).max(13).default(12),
  /** K: failed attempts after which a file waits for an operator. */
  LOAD_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(5),
  LOAD_BACKOFF_BASE_SECONDS: z.coerce.number().int().min(0).default(300),
  LOAD_BACKOFF_MAX_SECONDS: z.coerce.number().int().min(0).default(6 * 3600),
  /** Must exceed one batch's worst case (two statements at STATEMENT_TIMEOUT_SECONDS each, plus the steps). */
  LEASE_TTL_SECONDS: z.coerce.number().int().min(60).default(1800),
  /** Batches per execution before a child execution takes over (keeps the history far below 25,000 events). */
  LOAD_MAX_BATCHES_PER_EXECUTION: z.coerce.number().int().min(1).max(20).default(10),
  STATEMENT_TIMEOUT_SECONDS: z.coerce.number().int().min(10).max(3600).default(600),
});
export type LoadSettings = z.output<typeof LoadSettings>;

export const defaultLoadSettings: LoadSettings = LoadSettings.parse({});

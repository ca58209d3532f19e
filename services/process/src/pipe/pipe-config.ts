import { AppId, PipelineConfig } from '@clickstream/contracts';
import * as z from 'zod';
import { defaultSettings, type ProcessingSettings } from '../domain/core/processing-core.js';
import { appProcessingFrom } from '../domain/pipeline/registry.js';

const ProcessConfig = PipelineConfig.shape.process;

/**
 * The settings of one run of `process-core`, as JSON (`--config <file>` or the
 * CLICKSTREAM_PROCESS_CONFIG variable): the run's fixed time, the input order, each app's
 * `process` section of its pipeline configuration and each app's data retention (the job
 * manifest carries them).
 */
export const PipeConfig = z.object({
  /** Epoch ms or ISO time; fixed per job so that a rerun gives the same rows. */
  runTime: z.union([z.number().int(), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]),
  inputOrder: z.enum(['arrival', 'grouped']).default('grouped'),
  lateWindowMs: z.number().int().positive().optional(),
  futureToleranceMs: z.number().int().positive().optional(),
  sessionGraceMs: z.number().int().nonnegative().optional(),
  /** Per-app processing configuration. */
  apps: z.record(AppId, ProcessConfig).default({}),
  /** For apps not listed; the contract's defaults when absent. */
  defaultApp: ProcessConfig.optional(),
  /** Per app, the days of data its retention keeps (0 or not listed: everything); the cutoff is computed from `runTime`. */
  retentionDays: z.record(AppId, z.number().int().nonnegative()).default({}),
});
export type PipeConfig = z.input<typeof PipeConfig>;

export function settingsFromPipeConfig(json: unknown): ProcessingSettings {
  const c = PipeConfig.parse(json);
  return {
    ...defaultSettings,
    ...(c.lateWindowMs === undefined ? {} : { lateWindowMs: c.lateWindowMs }),
    ...(c.futureToleranceMs === undefined ? {} : { futureToleranceMs: c.futureToleranceMs }),
    ...(c.sessionGraceMs === undefined ? {} : { sessionGraceMs: c.sessionGraceMs }),
    runTime: c.runTime,
    inputOrder: c.inputOrder,
    apps: Object.fromEntries(Object.entries(c.apps).map(([app, p]) => [app, appProcessingFrom(p)])),
    ...(c.defaultApp ? { defaultApp: appProcessingFrom(c.defaultApp) } : {}),
    retentionDays: c.retentionDays,
  };
}

import { PipelineConfig } from '@clickstream/contracts';
import * as examplePiiRedactor from '../../plugins/example-pii-redactor.js';
import * as anonymiseIp from '../steps/anonymise-ip.js';
import * as bots from '../steps/bots.js';
import * as geo from '../steps/geo.js';
import * as trafficSource from '../steps/traffic-source.js';
import * as truncate from '../steps/truncate.js';
import * as userAgent from '../steps/user-agent.js';
import type { ProcessingStep, StepContext } from './step.js';

/** The enrichers `process.enrichers` can switch on, in the order they run. */
const ENRICHERS: readonly ProcessingStep[] = [userAgent, bots, geo, trafficSource];

/** Custom steps `process.plugins` can name. A new plugin is a module here plus a line in this list. */
const PLUGINS: readonly ProcessingStep[] = [examplePiiRedactor];

/** Every step by kind, as the shared catalogue (@clickstream/contracts processingSteps) must list them. */
export const stepKinds: Readonly<Record<'enricher' | 'plugin' | 'built-in', readonly string[]>> = {
  enricher: ENRICHERS.map((s) => s.name),
  plugin: PLUGINS.map((s) => s.name),
  'built-in': [truncate.name, anonymiseIp.name],
};

export const stepRegistry: ReadonlyMap<string, ProcessingStep> = new Map(
  [truncate, ...ENRICHERS, anonymiseIp, ...PLUGINS].map((s) => [s.name, s]),
);

/** The processing settings of one app, from its project's pipeline configuration. */
export interface AppProcessing {
  sessionTimeoutMs: number;
  /** Events older than this at upload are bad rows (LATE_EVENT); the run's setting when absent. */
  lateWindowMs?: number;
  anonymiseIp: boolean;
  enrichers: readonly string[];
  plugins: readonly { name: string; options: Readonly<Record<string, unknown>> }[];
}

export function appProcessingFrom(config: PipelineConfig['process']): AppProcessing {
  return {
    sessionTimeoutMs: config.sessionTimeoutMinutes * 60_000,
    lateWindowMs: config.lateEventWindowHours * 3_600_000,
    anonymiseIp: config.anonymiseIp,
    enrichers: config.enrichers,
    plugins: config.plugins,
  };
}

/** What an app gets without a pipeline configuration: the contract's defaults. */
export const defaultAppProcessing: AppProcessing = withoutLateWindow(appProcessingFrom(PipelineConfig.shape.process.parse({})));

/** An app without a configuration takes the late window the run is given (its default is the same 72 h). */
function withoutLateWindow(app: AppProcessing): AppProcessing {
  const { lateWindowMs: _ignored, ...rest } = app;
  return rest;
}

export interface BoundStep {
  step: ProcessingStep;
  options: StepContext['options'];
}

const NO_OPTIONS: StepContext['options'] = Object.freeze({});

/**
 * The steps one app's events go through: truncation, the enabled enrichers, the app's plugins in
 * configured order, then IP anonymisation (after geo and plugins, which may need the full
 * address). A `plugins` entry naming a built-in enricher only gives it options. An unknown name
 * fails the run: silently skipping, say, a PII redactor would be worse than stopping.
 */
export function stepsFor(app: AppProcessing): BoundStep[] {
  const optionsOf = new Map(app.plugins.map((p) => [p.name, p.options]));
  for (const name of [...app.enrichers, ...optionsOf.keys()]) {
    if (!stepRegistry.has(name)) throw new Error(`unknown processing step "${name}" in the pipeline configuration`);
  }
  const bind = (step: ProcessingStep): BoundStep => ({ step, options: optionsOf.get(step.name) ?? NO_OPTIONS });
  const builtIn = new Set<string>([truncate.name, anonymiseIp.name, ...ENRICHERS.map((e) => e.name)]);
  return [
    bind(truncate),
    ...ENRICHERS.filter((e) => app.enrichers.includes(e.name)).map(bind),
    ...app.plugins.filter((p) => !builtIn.has(p.name)).map((p) => bind(stepRegistry.get(p.name)!)),
    ...(app.anonymiseIp ? [bind(anonymiseIp)] : []),
  ];
}

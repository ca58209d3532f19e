import { enricherStepNames as enricherNames, PipelineConfig, PipelineConfigChanged, processingStepByName as stepByName } from '@clickstream/contracts';
import { notFound } from '@clickstream/lambda-kit';
import * as z from 'zod';
import type { ConsoleApiPorts } from '../ports/index.js';
import { diffJson, type Change } from './config-diff.js';
import { requireProject } from './control-plane.js';
import { conflict } from './errors.js';
import type { PipelineVersion } from './model.js';
import { announceNow, outboxMessage, pipelineAggregate } from './outbox.js';

/** What a project runs with before anyone saved a configuration: the contract's defaults. */
export const defaultPipelineConfig: PipelineConfig = PipelineConfig.parse({ ingest: {}, process: {}, model: {} });

function duplicates(values: readonly string[]): Set<number> {
  const seen = new Map<string, number>();
  const out = new Set<number>();
  values.forEach((v, i) => {
    if (seen.has(v)) out.add(i);
    else seen.set(v, i);
  });
  return out;
}

/**
 * A whole pipeline configuration, checked field by field (the contract's rules) and as a whole:
 * known, unique enrichers and plugins with options their step can parse, unique targets, and a
 * late-event window that outlasts the processing interval. Sections left out get their defaults.
 */
export const PipelineConfigInput = z
  .object({
    ingest: PipelineConfig.shape.ingest.prefault({}),
    process: PipelineConfig.shape.process.prefault({}),
    model: PipelineConfig.shape.model.prefault({}),
  })
  .superRefine((c, ctx) => {
    const dupEnrichers = duplicates(c.process.enrichers);
    c.process.enrichers.forEach((name, i) => {
      const path = ['process', 'enrichers', i];
      if (!enricherNames.includes(name)) ctx.addIssue({ code: 'custom', path, message: `unknown enricher "${name}"; known: ${enricherNames.join(', ')}` });
      else if (dupEnrichers.has(i)) ctx.addIssue({ code: 'custom', path, message: `enricher "${name}" is listed twice` });
    });
    const dupPlugins = duplicates(c.process.plugins.map((p) => p.name));
    c.process.plugins.forEach((plugin, i) => {
      const step = stepByName.get(plugin.name);
      if (!step) {
        const known = [...stepByName.keys()].join(', ');
        ctx.addIssue({ code: 'custom', path: ['process', 'plugins', i, 'name'], message: `unknown processing step "${plugin.name}"; known: ${known}` });
        return;
      }
      if (dupPlugins.has(i)) ctx.addIssue({ code: 'custom', path: ['process', 'plugins', i, 'name'], message: `"${plugin.name}" is configured twice` });
      const options = step.options.safeParse(plugin.options);
      if (!options.success) {
        for (const issue of options.error.issues) {
          ctx.addIssue({ code: 'custom', path: ['process', 'plugins', i, 'options', ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))], message: issue.message });
        }
      }
    });
    const dupTargets = duplicates(c.model.targets);
    c.model.targets.forEach((t, i) => {
      if (dupTargets.has(i)) ctx.addIssue({ code: 'custom', path: ['model', 'targets', i], message: `target "${t}" is listed twice` });
    });
    if (c.process.lateEventWindowHours * 3_600 < c.process.intervalSeconds) {
      ctx.addIssue({
        code: 'custom',
        path: ['process', 'lateEventWindowHours'],
        message: 'the late-event window must be at least one processing interval, or events arriving between runs are dropped as late',
      });
    }
  });

export const SavePipeline = z.object({
  config: PipelineConfigInput,
  basedOnVersion: z.number().int().nonnegative().describe('The version the edit started from (0 = the defaults); 409 when another save came first.'),
  comment: z.string().trim().max(500).optional(),
});

export interface CurrentPipeline {
  projectId: string;
  /** 0 while the project runs on the defaults. */
  version: number;
  config: PipelineConfig;
  changedBy: string | null;
  changedAt: string | null;
  comment: string | null;
}

const view = (projectId: string, v: PipelineVersion | undefined): CurrentPipeline => ({
  projectId,
  version: v?.version ?? 0,
  config: v?.config ?? defaultPipelineConfig,
  changedBy: v?.changedBy ?? null,
  changedAt: v?.changedAt ?? null,
  comment: v?.comment ?? null,
});

export async function currentPipeline(ports: ConsoleApiPorts, projectId: string): Promise<CurrentPipeline> {
  await requireProject(ports, projectId);
  return view(projectId, await ports.pipelines.latest(projectId));
}

export async function pipelineVersion(ports: ConsoleApiPorts, projectId: string, version: number): Promise<CurrentPipeline> {
  await requireProject(ports, projectId);
  if (version === 0) return view(projectId, undefined);
  const v = await ports.pipelines.get(projectId, version);
  if (!v) throw notFound(`Project ${projectId} has no pipeline version ${version}.`);
  return view(projectId, v);
}

/**
 * Saves a new version when the configuration differs from the latest, with its announcement
 * PipelineConfigChanged.v1 (with the project's apps, so consumers need no lookup) in the outbox.
 */
export async function savePipeline(
  ports: ConsoleApiPorts,
  projectId: string,
  input: z.output<typeof SavePipeline>,
  changedBy: string,
): Promise<{ saved: boolean; pipeline: CurrentPipeline }> {
  await requireProject(ports, projectId);
  const latest = await ports.pipelines.latest(projectId);
  const current = latest?.version ?? 0;
  if (input.basedOnVersion !== current) {
    throw conflict('VERSION_CONFLICT', `The pipeline of ${projectId} is at version ${current}, not ${input.basedOnVersion}: reload, reapply, retry.`, {
      latestVersion: current,
    });
  }
  if (latest && diffJson(latest.config, input.config).length === 0) return { saved: false, pipeline: view(projectId, latest) };
  const version: PipelineVersion = {
    projectId,
    version: current + 1,
    config: input.config,
    changedBy,
    changedAt: new Date(ports.clock.now()).toISOString(),
    ...(input.comment ? { comment: input.comment } : {}),
  };
  const appIds = (await ports.apps.list()).filter((a) => a.projectId === projectId).map((a) => a.appId);
  const event = outboxMessage(
    PipelineConfigChanged,
    { projectId, appIds, version: version.version, config: version.config, changedBy: version.changedBy, changedAt: version.changedAt },
    { aggregate: pipelineAggregate(projectId), seq: version.version, createdAt: version.changedAt },
  );
  if (!(await ports.pipelines.append(version, event))) {
    throw conflict('VERSION_CONFLICT', `Another save of ${projectId}'s pipeline came first: reload, reapply, retry.`, { latestVersion: current + 1 });
  }
  await announceNow(ports, pipelineAggregate(projectId));
  return { saved: true, pipeline: view(projectId, version) };
}

export async function diffPipelineVersions(
  ports: ConsoleApiPorts,
  projectId: string,
  from: number | undefined,
  to: number | undefined,
): Promise<{ projectId: string; from: number; to: number; changes: Change[] }> {
  const target = to ?? (await currentPipeline(ports, projectId)).version;
  const base = from ?? Math.max(0, target - 1);
  const [a, b] = await Promise.all([pipelineVersion(ports, projectId, base), pipelineVersion(ports, projectId, target)]);
  return { projectId, from: base, to: target, changes: diffJson(a.config, b.config) };
}

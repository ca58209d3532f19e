import * as z from 'zod';
import { defineRoute, type ConsoleRoute } from './console-route.js';
import { projectIdParam, requireProject } from './control-plane.js';
import { PipelineConfig, processingSteps } from '@clickstream/contracts';
import { badRequest } from '@clickstream/lambda-kit';
import {
  currentPipeline,
  diffPipelineVersions,
  PipelineConfigInput,
  pipelineVersion,
  savePipeline,
  SavePipeline,
} from './pipeline-config.js';

const CurrentPipeline = z.object({
  projectId: z.string(),
  version: z.number().int(),
  config: PipelineConfig,
  changedBy: z.string().nullable(),
  changedAt: z.string().nullable(),
  comment: z.string().nullable(),
});
const Issue = z.object({ path: z.string(), message: z.string() });
const VersionNumber = z.coerce.number().int().nonnegative();

function versionParam(value: string | undefined): number {
  const parsed = VersionNumber.safeParse(value);
  if (!parsed.success) throw badRequest('INVALID_VERSION', 'version: a whole number ≥ 0');
  return parsed.data;
}

export const pipelineRoutes: ConsoleRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/pipeline/steps',
    summary: 'The processing steps a configuration can name (enrichers and plugins)',
    permission: 'pipeline:read',
    response: z.object({ steps: z.array(z.object({ name: z.string(), kind: z.string(), description: z.string() })) }),
    run: async () => ({ status: 200, body: { steps: processingSteps.map(({ name, kind, description }) => ({ name, kind, description })) } }),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/pipeline',
    summary: "The project's current pipeline configuration (version 0 = the defaults)",
    permission: 'pipeline:read',
    response: CurrentPipeline,
    run: async ({ params }, ports) => ({ status: 200, body: await currentPipeline(ports, projectIdParam(params.projectId)) }),
  }),
  defineRoute({
    method: 'PUT',
    path: '/api/projects/:projectId/pipeline',
    summary: 'Save a new pipeline version (validated as a whole; publishes PipelineConfigChanged.v1; 409 if basedOnVersion is stale)',
    permission: 'pipeline:write',
    body: SavePipeline,
    response: CurrentPipeline.extend({ saved: z.boolean() }),
    run: async ({ params, body, principal }, ports) => {
      const changedBy = principal?.name ?? principal?.subject ?? 'unknown';
      const { saved, pipeline } = await savePipeline(ports, projectIdParam(params.projectId), body, changedBy);
      return { status: saved ? 201 : 200, body: { ...pipeline, saved } };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/pipeline/validate',
    summary: 'Check a configuration without saving it: field-level issues, or the configuration with its defaults filled in',
    permission: 'pipeline:write',
    body: z.object({ config: z.unknown() }),
    response: z.object({ valid: z.boolean(), issues: z.array(Issue), config: PipelineConfig.optional() }),
    run: async ({ params, body }, ports) => {
      await requireProject(ports, projectIdParam(params.projectId));
      const parsed = PipelineConfigInput.safeParse(body.config);
      if (parsed.success) return { status: 200, body: { valid: true, issues: [], config: parsed.data } };
      const issues = parsed.error.issues.map((i) => ({ path: ['config', ...i.path].map(String).join('.'), message: i.message }));
      return { status: 200, body: { valid: false, issues } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/pipeline/versions',
    summary: 'Version history: who changed the pipeline and when, newest first',
    permission: 'pipeline:read',
    response: z.object({
      projectId: z.string(),
      versions: z.array(z.object({ version: z.number(), changedBy: z.string(), changedAt: z.string(), comment: z.string().optional() })),
    }),
    run: async ({ params }, ports) => {
      const projectId = projectIdParam(params.projectId);
      await requireProject(ports, projectId);
      const versions = (await ports.pipelines.list(projectId)).map(({ version, changedBy, changedAt, comment }) => ({
        version,
        changedBy,
        changedAt,
        ...(comment ? { comment } : {}),
      }));
      return { status: 200, body: { projectId, versions } };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/pipeline/versions/:version',
    summary: 'One pipeline version (0 = the defaults)',
    permission: 'pipeline:read',
    response: CurrentPipeline,
    run: async ({ params }, ports) => ({
      status: 200,
      body: await pipelineVersion(ports, projectIdParam(params.projectId), versionParam(params.version)),
    }),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId/pipeline/diff',
    summary: 'Field-by-field differences between two versions (default: the latest against the one before)',
    permission: 'pipeline:read',
    query: z.object({ from: VersionNumber.optional(), to: VersionNumber.optional() }),
    response: z.object({
      projectId: z.string(),
      from: z.number(),
      to: z.number(),
      changes: z.array(z.object({ path: z.string(), op: z.enum(['added', 'removed', 'changed']), before: z.unknown(), after: z.unknown() })),
    }),
    run: async ({ params, query }, ports) => ({
      status: 200,
      body: await diffPipelineVersions(ports, projectIdParam(params.projectId), query.from, query.to),
    }),
  }),
];

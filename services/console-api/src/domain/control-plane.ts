import { AppDeleted, AppId, AppRegistered, AppUpdated, ProjectId } from '@clickstream/contracts';
import { badRequest, notFound } from '@clickstream/lambda-kit';
import * as z from 'zod';
import type { ConsoleApiPorts } from '../ports/index.js';
import { conflict } from './errors.js';
import { appIdBase, idCandidates, projectIdBase } from './identifiers.js';
import { appSettingsOf, type ConsoleApp, type Project } from './model.js';
import { announceNow, appAggregate, outboxMessage } from './outbox.js';

export const Platform = z.enum(['Web', 'Android', 'iOS', 'Flutter', 'ReactNative', 'WeChatMiniProgram', 'Server', 'Other']);

const Timezone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'timezone: an IANA time zone such as Europe/Paris or UTC' },
);

/** `*` alone, or exact origins (`https://shop.example.com`, port allowed, no path): what ingest's CORS compares. */
export const AllowedOrigins = z
  .array(z.string().trim().min(1).max(256))
  .max(100)
  .superRefine((origins, ctx) => {
    origins.forEach((o, i) => {
      if (o === '*') {
        if (origins.length > 1) ctx.addIssue({ code: 'custom', path: [i], message: '"*" allows every origin: list it alone' });
        return;
      }
      let url: URL | undefined;
      try {
        url = new URL(o);
      } catch {
        url = undefined;
      }
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== o.toLowerCase().replace(/\/$/, '')) {
        ctx.addIssue({ code: 'custom', path: [i], message: `"${o}" is not an origin like https://shop.example.com (scheme, host, optional port; no path)` });
      }
    });
    if (new Set(origins.map((o) => o.toLowerCase())).size !== origins.length) ctx.addIssue({ code: 'custom', message: 'origins are listed twice' });
  })
  .transform((origins) => origins.map((o) => (o === '*' ? o : new URL(o).origin)));

const RetentionDays = z.number().int().min(0).max(3_650);
const Name = z.string().trim().min(1).max(128);
const Revision = z.number().int().positive().optional().describe('The revision the change is based on; 409 when it moved on.');

export const CreateProject = z.object({
  projectId: ProjectId.optional().describe('Derived from the name when absent.'),
  name: Name,
  description: z.string().max(2_000).default(''),
});
export const UpdateProject = z
  .object({ name: Name.optional(), description: z.string().max(2_000).optional(), revision: Revision })
  .strict();

export const CreateApp = z
  .object({
    appId: AppId.optional().describe('Derived from the project and app name when absent (shop + Web → shop_web).'),
    name: Name,
    platform: Platform,
    enabled: z.boolean().default(true),
    allowedOrigins: AllowedOrigins.default([]),
    timezone: Timezone.default('UTC'),
    retentionDays: RetentionDays.default(0).describe('Days of processed data to keep; 0 keeps everything.'),
  })
  .strict();
export const UpdateApp = z
  .object({
    name: Name.optional(),
    platform: Platform.optional(),
    enabled: z.boolean().optional(),
    allowedOrigins: AllowedOrigins.optional(),
    timezone: Timezone.optional(),
    retentionDays: RetentionDays.optional(),
    revision: Revision,
  })
  .strict();

const iso = (now: number) => new Date(now).toISOString();

export function projectIdParam(value: string | undefined): string {
  const parsed = ProjectId.safeParse(value);
  if (!parsed.success) throw badRequest('INVALID_PROJECT_ID', parsed.error.issues[0]?.message ?? 'invalid project id');
  return parsed.data;
}

export function appIdParam(value: string | undefined): string {
  const parsed = AppId.safeParse(value);
  if (!parsed.success) throw badRequest('INVALID_APP_ID', parsed.error.issues[0]?.message ?? 'invalid app id');
  return parsed.data;
}

export async function requireProject(ports: Pick<ConsoleApiPorts, 'projects'>, projectId: string): Promise<Project> {
  const project = await ports.projects.get(projectId);
  if (!project) throw notFound(`No project ${projectId}.`);
  return project;
}

export async function requireApp(ports: Pick<ConsoleApiPorts, 'apps'>, appId: string): Promise<ConsoleApp> {
  const app = await ports.apps.get(appId);
  if (!app) throw notFound(`No app ${appId}.`);
  return app;
}

function checkRevision(kind: string, id: string, stored: number, expected: number | undefined): void {
  if (expected !== undefined && expected !== stored) {
    throw conflict('REVISION_CONFLICT', `${kind} ${id} is at revision ${stored}, not ${expected}: reload and retry.`, { revision: stored });
  }
}

export async function createProject(ports: ConsoleApiPorts, input: z.output<typeof CreateProject>): Promise<Project> {
  const now = iso(ports.clock.now());
  const candidates = input.projectId ? [input.projectId] : idCandidates(projectIdBase(input.name), '-', 63);
  for (const projectId of candidates) {
    const project: Project = { projectId, name: input.name, description: input.description, createdAt: now, updatedAt: now, revision: 1 };
    if (await ports.projects.create(project)) return project;
  }
  if (input.projectId) throw conflict('PROJECT_EXISTS', `Project ${input.projectId} exists.`);
  throw conflict('PROJECT_ID_EXHAUSTED', `No free project id for "${input.name}"; give one.`);
}

export async function updateProject(ports: ConsoleApiPorts, projectId: string, input: z.output<typeof UpdateProject>): Promise<Project> {
  const current = await requireProject(ports, projectId);
  checkRevision('Project', projectId, current.revision, input.revision);
  const next: Project = {
    ...current,
    name: input.name ?? current.name,
    description: input.description ?? current.description,
  };
  if (next.name === current.name && next.description === current.description) return current;
  const saved = { ...next, revision: current.revision + 1, updatedAt: iso(ports.clock.now()) };
  if (!(await ports.projects.update(saved, current.revision))) throw conflict('REVISION_CONFLICT', `Project ${projectId} changed meanwhile: reload and retry.`);
  return saved;
}

export async function deleteProject(ports: ConsoleApiPorts, projectId: string): Promise<void> {
  const current = await requireProject(ports, projectId);
  const apps = (await ports.apps.list()).filter((a) => a.projectId === projectId);
  if (apps.length > 0) {
    throw conflict('PROJECT_NOT_EMPTY', `Project ${projectId} still has apps (${apps.map((a) => a.appId).join(', ')}): delete them first.`);
  }
  if (!(await ports.projects.delete(projectId, current.revision))) throw conflict('REVISION_CONFLICT', `Project ${projectId} changed meanwhile: retry.`);
}

/** Creates the app (generating its id when none is given) and announces it with AppRegistered.v1 (through the outbox). */
export async function createApp(ports: ConsoleApiPorts, projectId: string, input: z.output<typeof CreateApp>): Promise<ConsoleApp> {
  await requireProject(ports, projectId);
  const now = iso(ports.clock.now());
  const candidates = input.appId ? [input.appId] : idCandidates(appIdBase(projectId, input.name), '_', 64);
  for (const appId of candidates) {
    const app: ConsoleApp = {
      appId,
      projectId,
      name: input.name,
      platform: input.platform,
      enabled: input.enabled,
      allowedOrigins: input.allowedOrigins,
      timezone: input.timezone,
      retentionDays: input.retentionDays,
      revision: 1,
      createdAt: now,
      updatedAt: now,
    };
    const event = outboxMessage(AppRegistered, { ...appSettingsOf(app), registeredAt: now }, { aggregate: appAggregate(appId), seq: app.revision, createdAt: now });
    if (await ports.apps.create(app, event)) {
      await announceNow(ports, appAggregate(appId));
      return app;
    }
  }
  if (input.appId) throw conflict('APP_ID_TAKEN', `App id ${input.appId} is taken (by an app or a deleted one: ids are never reused).`);
  throw conflict('APP_ID_EXHAUSTED', `No free app id for "${input.name}"; give one.`);
}

/** Applies a partial change; publishes AppUpdated.v1 with the next revision, or nothing when nothing changed. */
export async function updateApp(ports: ConsoleApiPorts, appId: string, input: z.output<typeof UpdateApp>): Promise<ConsoleApp> {
  const current = await requireApp(ports, appId);
  checkRevision('App', appId, current.revision, input.revision);
  const { revision: _ignored, ...changes } = input;
  const next: ConsoleApp = { ...current };
  for (const [key, value] of Object.entries(changes)) if (value !== undefined) Object.assign(next, { [key]: value });
  if (JSON.stringify(next) === JSON.stringify(current)) return current;
  const now = iso(ports.clock.now());
  const saved: ConsoleApp = { ...next, revision: current.revision + 1, updatedAt: now };
  const event = outboxMessage(AppUpdated, { ...appSettingsOf(saved), updatedAt: now }, { aggregate: appAggregate(appId), seq: saved.revision, createdAt: now });
  if (!(await ports.apps.update(saved, current.revision, event))) throw conflict('REVISION_CONFLICT', `App ${appId} changed meanwhile: reload and retry.`);
  await announceNow(ports, appAggregate(appId));
  return saved;
}

export async function deleteApp(ports: ConsoleApiPorts, appId: string, expectedRevision?: number): Promise<{ appId: string; revision: number }> {
  const current = await requireApp(ports, appId);
  checkRevision('App', appId, current.revision, expectedRevision);
  const now = iso(ports.clock.now());
  const revision = current.revision + 1;
  const event = outboxMessage(AppDeleted, { appId, projectId: current.projectId, revision, deletedAt: now }, { aggregate: appAggregate(appId), seq: revision, createdAt: now });
  if (!(await ports.apps.delete(appId, revision, current.revision, now, event))) throw conflict('REVISION_CONFLICT', `App ${appId} changed meanwhile: retry.`);
  await announceNow(ports, appAggregate(appId));
  return { appId, revision };
}

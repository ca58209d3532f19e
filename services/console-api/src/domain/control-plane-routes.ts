import { ProjectId } from '@clickstream/contracts';
import * as z from 'zod';
import { defineRoute, type ConsoleRoute } from './console-route.js';
import {
  appIdParam,
  createApp,
  CreateApp,
  createProject,
  CreateProject,
  deleteApp,
  deleteProject,
  projectIdParam,
  requireApp,
  requireProject,
  updateApp,
  UpdateApp,
  updateProject,
  UpdateProject,
} from './control-plane.js';
import { ConsoleApp, Project } from './model.js';

const ProjectWithApps = Project.extend({ apps: z.array(ConsoleApp) });
const DeleteQuery = z.object({ revision: z.coerce.number().int().positive().optional() });

export const controlPlaneRoutes: ConsoleRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/projects',
    summary: 'List projects',
    permission: 'apps:read',
    response: z.object({ projects: z.array(Project) }),
    run: async (_, { projects }) => ({ status: 200, body: { projects: await projects.list() } }),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/projects',
    summary: 'Create a project (its id is derived from the name unless given)',
    permission: 'apps:write',
    body: CreateProject,
    response: Project,
    successStatus: 201,
    run: async ({ body }, ports) => ({ status: 201, body: await createProject(ports, body) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/projects/:projectId',
    summary: 'One project with its apps',
    permission: 'apps:read',
    response: ProjectWithApps,
    run: async ({ params }, ports) => {
      const project = await requireProject(ports, projectIdParam(params.projectId));
      const apps = (await ports.apps.list()).filter((a) => a.projectId === project.projectId);
      return { status: 200, body: { ...project, apps } };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/api/projects/:projectId',
    summary: "Rename a project or change its description",
    permission: 'apps:write',
    body: UpdateProject,
    response: Project,
    run: async ({ params, body }, ports) => ({ status: 200, body: await updateProject(ports, projectIdParam(params.projectId), body) }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/projects/:projectId',
    summary: 'Delete an empty project (409 while it has apps)',
    permission: 'apps:write',
    successStatus: 204,
    run: async ({ params }, ports) => {
      await deleteProject(ports, projectIdParam(params.projectId));
      return { status: 204, body: undefined };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/apps',
    summary: 'List apps, optionally of one project',
    permission: 'apps:read',
    query: z.object({ projectId: ProjectId.optional() }),
    response: z.object({ apps: z.array(ConsoleApp) }),
    run: async ({ query }, { apps }) => {
      const all = await apps.list();
      return { status: 200, body: { apps: query.projectId ? all.filter((a) => a.projectId === query.projectId) : all } };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/projects/:projectId/apps',
    summary: 'Create an app in a project (publishes AppRegistered.v1)',
    permission: 'apps:write',
    body: CreateApp,
    response: ConsoleApp,
    successStatus: 201,
    run: async ({ params, body }, ports) => ({ status: 201, body: await createApp(ports, projectIdParam(params.projectId), body) }),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/apps/:appId',
    summary: 'One app',
    permission: 'apps:read',
    response: ConsoleApp,
    run: async ({ params }, ports) => ({ status: 200, body: await requireApp(ports, appIdParam(params.appId)) }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/api/apps/:appId',
    summary: 'Change an app: name, platform, enabled flag, CORS origins, timezone, retention (publishes AppUpdated.v1)',
    permission: 'apps:write',
    body: UpdateApp,
    response: ConsoleApp,
    run: async ({ params, body }, ports) => ({ status: 200, body: await updateApp(ports, appIdParam(params.appId), body) }),
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/apps/:appId',
    summary: 'Delete an app: ingest refuses its traffic from then on (publishes AppDeleted.v1); its id is never reused',
    permission: 'apps:write',
    query: DeleteQuery,
    successStatus: 204,
    run: async ({ params, query }, ports) => {
      await deleteApp(ports, appIdParam(params.appId), query.revision);
      return { status: 204, body: undefined };
    },
  }),
];

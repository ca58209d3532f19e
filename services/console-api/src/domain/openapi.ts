import { AppId, ProjectId } from '@clickstream/contracts';
import * as z from 'zod';
import { CSRF_HEADER, SESSION_COOKIE } from './auth.js';
import type { ConsoleRoute } from './console-route.js';
import { Username } from './model.js';
import { roles, rolePermissions } from './roles.js';

type JsonSchema = Record<string, unknown>;

/** JSON Schema 2020-12 (what OpenAPI 3.1 uses) of a zod schema, from the side the document describes. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

const pathParamSchemas: Record<string, z.ZodType> = {
  appId: AppId,
  projectId: ProjectId,
  username: Username,
  version: z.number().int().nonnegative(),
};

const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } });

function operationId(method: string, path: string): string {
  const words = path
    .replace(/^\/api\//, '')
    .split(/[/.-]/)
    .filter(Boolean)
    .map((w) => (w.startsWith(':') ? `by-${w.slice(1)}` : w))
    .flatMap((w) => w.split('-'));
  return [method.toLowerCase(), ...words.map((w) => w[0]!.toUpperCase() + w.slice(1))].join('');
}

/** The OpenAPI 3.1 document of the console API, generated from the route table and its zod schemas. */
export function openApiDocument(routes: readonly ConsoleRoute[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const oasPath = route.path.replace(/:(\w+)/g, '{$1}');
    const pathParams = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
    const parameters: Record<string, unknown>[] = pathParams.map((name) => ({
      name,
      in: 'path',
      required: true,
      schema: jsonSchema(pathParamSchemas[name] ?? z.string().min(1), 'input'),
    }));
    if (route.query) {
      const q = jsonSchema(route.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
      for (const [name, schema] of Object.entries(q.properties ?? {})) {
        parameters.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema });
      }
    }
    const isPublic = route.permission === 'public';
    const unsafe = route.method !== 'GET';
    const allowedRoles = isPublic || route.permission === 'authenticated' ? [] : roles.filter((r) => (rolePermissions[r] as readonly string[]).includes(route.permission));
    const success = route.successStatus ?? 200;
    const responses: Record<string, unknown> = {
      [String(success)]:
        success === 204
          ? { description: 'Done.' }
          : { description: 'OK', content: { 'application/json': { schema: route.response ? jsonSchema(route.response, 'output') : {} } } },
      ...(route.query || route.body || pathParams.length > 0 ? { 400: errorResponse('Invalid input: `error.details.issues` lists `{ path, message }`.') } : {}),
      ...(isPublic ? {} : { 401: errorResponse('Not signed in, or the session or token expired.') }),
      ...(isPublic ? {} : { 403: errorResponse(unsafe ? 'Role lacks the permission, or the CSRF token is missing.' : 'Role lacks the permission.') }),
      ...(pathParams.length > 0 ? { 404: errorResponse('No such resource.') } : {}),
      ...(unsafe ? { 409: errorResponse('Conflict: taken id, stale revision or version.') } : {}),
      ...(route.body ? { 415: errorResponse('The body must be application/json.') } : {}),
      500: errorResponse('Internal error; quote the request id.'),
      ...Object.fromEntries(
        Object.entries(route.responses ?? {}).map(([status, r]) => [status, { ...errorResponse(r.description), ...(r.headers ? { headers: r.headers } : {}) }]),
      ),
    };
    (paths[oasPath] ??= {})[route.method.toLowerCase()] = {
      operationId: operationId(route.method, route.path),
      summary: route.summary,
      tags: [route.tag ?? route.path.split('/')[2] ?? 'api'],
      'x-permission': route.permission,
      ...(allowedRoles.length > 0 ? { 'x-roles': allowedRoles } : {}),
      security: isPublic ? [] : [{ sessionCookie: [], csrfToken: [] }, { bearerAuth: [] }],
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Clickstream console API',
      version,
      description:
        'Control plane (projects, apps, pipeline configuration), metadata, pipeline health and analytics. ' +
        `Browsers sign in with POST /api/auth/sign-in (cookie \`${SESSION_COOKIE}\`) and echo the CSRF token in \`${CSRF_HEADER}\` on ` +
        'state-changing requests; with OIDC, send `Authorization: Bearer <token>`. Roles: ' +
        roles.map((r) => `${r} (${rolePermissions[r].join(', ')})`).join('; ') +
        '.',
    },
    servers: [{ url: '/' }],
    paths,
    components: {
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message', 'requestId'],
              properties: { code: { type: 'string' }, message: { type: 'string' }, requestId: { type: 'string' }, details: {} },
            },
          },
        },
      },
      securitySchemes: {
        sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        csrfToken: { type: 'apiKey', in: 'header', name: CSRF_HEADER, description: 'Required with the session cookie on POST, PUT, PATCH and DELETE.' },
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An OIDC token from the configured issuer.' },
      },
    },
  };
}

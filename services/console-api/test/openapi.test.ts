import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { routes } from '../src/domain/routes.js';
import { call, harness, type Harness } from './support/harness.js';

type Operation = {
  operationId: string;
  summary: string;
  security: unknown[];
  parameters?: { name: string; in: string; required: boolean; schema: Record<string, unknown> }[];
  requestBody?: { content: { 'application/json': { schema: Record<string, unknown> } } };
  responses: Record<string, { content?: { 'application/json': { schema: Record<string, unknown> } } }>;
  'x-permission': string;
  'x-roles'?: string[];
};

describe('GET /api/openapi.json', () => {
  let h: Harness;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the document is arbitrary JSON
  let doc: any;
  before(async () => {
    h = harness();
    const res = await call('GET', '/api/openapi.json');
    assert.equal(res.status, 200, 'public: no sign-in needed');
    doc = res.body;
  });
  after(() => h.close());

  const operation = (method: string, path: string): Operation => doc.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method.toLowerCase()];

  it('is OpenAPI 3.1 with the security schemes', () => {
    assert.equal(doc.openapi, '3.1.0');
    assert.deepEqual(Object.keys(doc.components.securitySchemes).sort(), ['bearerAuth', 'csrfToken', 'sessionCookie']);
  });

  it('covers every route, once, with a unique operation id and its summary and permission', () => {
    const ops = Object.values(doc.paths).flatMap((p) => Object.values(p as Record<string, Operation>));
    assert.equal(ops.length, routes.length);
    assert.equal(new Set(ops.map((o) => o.operationId)).size, ops.length);
    for (const route of routes) {
      const op = operation(route.method, route.path);
      assert.ok(op, `${route.method} ${route.path} is documented`);
      assert.equal(op.summary, route.summary);
      assert.equal(op['x-permission'], route.permission);
      assert.deepEqual(op.security.length === 0, route.permission === 'public', `${route.path} security`);
      for (const name of [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1])) {
        assert.ok(op.parameters?.some((p) => p.in === 'path' && p.name === name && p.required), `${route.path} documents :${name}`);
      }
      assert.equal(Boolean(op.requestBody), Boolean(route.body), `${route.path} request body`);
      if (route.permission !== 'public') assert.ok(op.responses['401'] && op.responses['403'], `${route.path} documents 401/403`);
    }
  });

  it('schemas come from the zod schemas: body, query and response', () => {
    const createApp = operation('POST', '/api/projects/:projectId/apps');
    const body = createApp.requestBody!.content['application/json'].schema as { properties: Record<string, { enum?: string[] }>; required: string[] };
    assert.deepEqual(body.required.sort(), ['name', 'platform']);
    assert.ok(body.properties.platform!.enum?.includes('Android'));
    assert.deepEqual(createApp['x-roles'], ['Admin', 'Operator']);
    assert.ok(createApp.responses['201']?.content);

    const apps = operation('GET', '/api/apps');
    assert.deepEqual(apps.parameters?.map((p) => [p.name, p.in, p.required]), [['projectId', 'query', false]]);
    assert.equal(apps.parameters?.[0]?.schema.pattern, '^[a-z0-9][a-z0-9-]{0,62}$');
    const appId = operation('GET', '/api/apps/:appId').parameters?.[0];
    assert.equal(appId?.schema.pattern, '^[A-Za-z0-9_]{1,64}$');

    const save = operation('PUT', '/api/projects/:projectId/pipeline').requestBody!.content['application/json'].schema as {
      properties: { config: { properties: Record<string, unknown> } };
    };
    assert.deepEqual(Object.keys(save.properties.config.properties).sort(), ['ingest', 'model', 'process']);
  });
});

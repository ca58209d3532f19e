// Every route × every role: allowed, 401 or 403. The expected decisions are written out below;
// the table is checked against the route list, so a new route without a decision fails here.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CSRF_HEADER } from '../src/domain/auth.js';
import { roles, type Role } from '../src/domain/roles.js';
import { routes } from '../src/domain/routes.js';
import type { TokenVerifier } from '../src/ports/token-verifier.js';
import { call, harness, type ApiResponse, type Harness } from './support/harness.js';

const ALL: readonly Role[] = roles;
const OPS: readonly Role[] = ['Admin', 'Operator'];
const ANALYSTS: readonly Role[] = ['Admin', 'Analyst'];
const READERS: readonly Role[] = ['Admin', 'Analyst', 'AnalystReader'];
const ADMIN: readonly Role[] = ['Admin'];

/** Who may call each route: 'public', or the roles allowed (the others get 403, anonymous callers 401). */
const decisions: Record<string, 'public' | readonly Role[]> = {
  'GET /api/health': 'public',
  'GET /api/openapi.json': 'public',
  'GET /api/auth/config': 'public',
  'POST /api/auth/sign-in': 'public',
  'POST /api/auth/sign-out': ALL,
  'GET /api/auth/me': ALL,
  'POST /api/auth/password': ALL,

  'GET /api/users': ADMIN,
  'POST /api/users': ADMIN,
  'PATCH /api/users/:username': ADMIN,
  'DELETE /api/users/:username': ADMIN,

  'GET /api/projects': ALL,
  'POST /api/projects': OPS,
  'GET /api/projects/:projectId': ALL,
  'PATCH /api/projects/:projectId': OPS,
  'DELETE /api/projects/:projectId': OPS,
  'GET /api/apps': ALL,
  'POST /api/projects/:projectId/apps': OPS,
  'GET /api/apps/:appId': ALL,
  'PATCH /api/apps/:appId': OPS,
  'DELETE /api/apps/:appId': OPS,

  'GET /api/pipeline/steps': OPS,
  'GET /api/projects/:projectId/pipeline': OPS,
  'PUT /api/projects/:projectId/pipeline': OPS,
  'POST /api/projects/:projectId/pipeline/validate': OPS,
  'GET /api/projects/:projectId/pipeline/versions': OPS,
  'GET /api/projects/:projectId/pipeline/versions/:version': OPS,
  'GET /api/projects/:projectId/pipeline/diff': OPS,

  'GET /api/pipeline/health': ALL,
  'GET /api/apps/:appId/health': ALL,

  'GET /api/apps/:appId/event-count': READERS,
  'GET /api/apps/:appId/metadata': READERS,
  'PUT /api/apps/:appId/metadata/:kind/:name': ANALYSTS,
  'DELETE /api/apps/:appId/metadata/:kind/:name': ANALYSTS,
  'POST /api/apps/:appId/query/dashboard/:name': READERS,
  'POST /api/apps/:appId/query/explore': READERS,
  'GET /api/projects/:projectId/explorations': READERS,
  'GET /api/projects/:projectId/explorations/:id': READERS,
  'POST /api/projects/:projectId/explorations/:id/run': READERS,
  'POST /api/projects/:projectId/explorations': ANALYSTS,
  'PUT /api/projects/:projectId/explorations/:id': ANALYSTS,
  'DELETE /api/projects/:projectId/explorations/:id': ANALYSTS,
  'GET /api/apps/:appId/bad-rows': ALL,
  'GET /api/apps/:appId/bad-rows/:reasonCode': ALL,
};

const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

/** A concrete path for a route pattern: existing ids where the route takes them. */
function samplePath(pattern: string): string {
  const values: Record<string, string> = { appId: 'demo_web', projectId: 'demo', username: 'nobody', version: '1', kind: 'events', name: 'page_view' };
  return pattern.replace(/:(\w+)/g, (_m, name: string) => values[name] ?? 'sample');
}

function expectDecision(res: ApiResponse, expected: 'allowed' | 401 | 403, what: string) {
  const detail = `${what} → ${res.status} ${JSON.stringify(res.body)}`;
  if (expected === 'allowed') assert.ok(res.status !== 401 && res.status !== 403, detail);
  else {
    assert.equal(res.status, expected, detail);
    assert.equal(res.body.error.code, expected === 401 ? 'UNAUTHORIZED' : 'FORBIDDEN', detail);
  }
}

describe('route access table', () => {
  it('every route has a decision, and every decision a route', () => {
    const routeKeys = routes.map(key);
    assert.deepEqual(
      routeKeys.filter((k) => !(k in decisions)),
      [],
      'routes without an access decision: add them to `decisions`',
    );
    assert.deepEqual(
      Object.keys(decisions).filter((k) => !routeKeys.includes(k)),
      [],
      'decisions for routes that no longer exist',
    );
    assert.equal(new Set(routeKeys).size, routeKeys.length, 'a method and path are declared twice');
  });

  it("each route's declared permission grants exactly the decided roles", () => {
    for (const route of routes) {
      const decision = decisions[key(route)];
      if (!decision) continue;
      if (route.permission === 'public') assert.equal(decision, 'public', key(route));
      else assert.notEqual(decision, 'public', `${key(route)} needs sign-in (${route.permission})`);
    }
  });
});

async function seed(h: Harness) {
  await h.ports.projects.create({ projectId: 'demo', name: 'Demo', description: '', createdAt: '2026-11-29T10:00:00.000Z', updatedAt: '2026-11-29T10:00:00.000Z', revision: 1 });
  await h.seedApp({
    appId: 'demo_web',
    projectId: 'demo',
    name: 'Demo',
    platform: 'Web',
    enabled: true,
    allowedOrigins: ['*'],
    timezone: 'UTC',
    retentionDays: 0,
    revision: 1,
    createdAt: '2026-11-29T10:00:00.000Z',
    updatedAt: '2026-11-29T10:00:00.000Z',
  });
}

describe('every route × every role, signed in with a local session (cookie + CSRF token)', () => {
  let h: Harness;
  before(async () => {
    h = harness();
    for (const role of roles) await h.addUser(role.toLowerCase(), role);
  });
  after(() => h.close());

  for (const route of routes) {
    it(key(route), async () => {
      const decision = decisions[key(route)];
      assert.ok(decision, `no decision for ${key(route)}`);
      const path = samplePath(route.path);
      // Every call gets a fresh world: a route may sign out, delete the app or change a password.
      h.db.exec('DELETE FROM apps; DELETE FROM projects; DELETE FROM outbox;');
      await seed(h);

      expectDecision(await call(route.method, path), decision === 'public' ? 'allowed' : 401, `anonymous ${key(route)}`);
      for (const role of roles) {
        const session = await h.signIn(role.toLowerCase());
        const expected = decision === 'public' || decision.includes(role) ? 'allowed' : 403;
        expectDecision(await session.call(route.method, path), expected, `${role} ${key(route)}`);
      }
    });
  }
});

describe('every state-changing route refuses a cookie session without its CSRF token', () => {
  let h: Harness;
  before(async () => {
    h = harness();
    await h.addUser('admin', 'Admin');
  });
  after(() => h.close());

  for (const route of routes.filter((r) => r.method !== 'GET' && r.permission !== 'public')) {
    it(key(route), async () => {
      const session = await h.signIn('admin');
      for (const csrf of [undefined, 'wrong-token', `${session.csrfToken}x`]) {
        const res = await call(route.method, samplePath(route.path), {
          cookies: [session.cookie],
          ...(csrf ? { headers: { [CSRF_HEADER]: csrf } } : {}),
        });
        assert.equal(res.status, 403, `${key(route)} with CSRF ${csrf ?? 'missing'}`);
        assert.equal(res.body.error.code, 'CSRF_TOKEN_INVALID');
      }
    });
  }
});

describe('every route × every role, with an OIDC bearer token (no CSRF: browsers never send it on their own)', () => {
  let h: Harness;
  // Token text → the groups a provider would put in the roles claim.
  const verifier: TokenVerifier = {
    verify: async (token) => {
      const role = /^token-(\w+)$/.exec(token)?.[1];
      if (!role) throw new Error('bad signature');
      return { subject: `sub-${role}`, name: `${role}@example.com`, groups: role === 'none' ? [] : [role] };
    },
  };
  before(() => {
    h = harness({ auth: { mode: 'oidc', verifier, issuer: 'https://issuer.example.com' } });
  });
  after(() => h.close());

  for (const route of routes) {
    it(key(route), async () => {
      const decision = decisions[key(route)];
      assert.ok(decision);
      h.db.exec('DELETE FROM apps; DELETE FROM projects; DELETE FROM outbox;');
      await seed(h);
      const path = samplePath(route.path);
      expectDecision(await call(route.method, path), decision === 'public' ? 'allowed' : 401, `anonymous ${key(route)}`);
      const garbage = await call(route.method, path, { headers: { authorization: 'Bearer forged' } });
      if (decision !== 'public') expectDecision(garbage, 401, `forged token ${key(route)}`);
      for (const role of roles) {
        const expected = decision === 'public' || decision.includes(role) ? 'allowed' : 403;
        const res = await call(route.method, path, { headers: { authorization: `Bearer token-${role}` } });
        expectDecision(res, expected, `${role} ${key(route)}`);
      }
      if (decision !== 'public' && route.permission !== 'authenticated') {
        expectDecision(await call(route.method, path, { headers: { authorization: 'Bearer token-none' } }), 403, `no role ${key(route)}`);
      }
    });
  }
});

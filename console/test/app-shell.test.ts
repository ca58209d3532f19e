// The shell against a scripted API: sign-in, the CSRF token on writes, role-aware navigation and
// actions, and the URL as the state (a deep link survives the sign-in).
import { button, field, flush, render, typeInto, click, window, type Rendered } from './dom.js';
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createElement } from 'react';
import { App } from '../src/app.js';
import type { Me } from '../src/api/types.js';

interface Call {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

const demoApp = { appId: 'demo_web', projectId: 'demo', name: 'Demo website', platform: 'Web', enabled: true, allowedOrigins: ['*'], timezone: 'UTC', retentionDays: 0, revision: 1, createdAt: '2026-11-01T00:00:00Z', updatedAt: '2026-11-01T00:00:00Z' };
const demoProject = { projectId: 'demo', name: 'Demo', description: '', createdAt: '2026-11-01T00:00:00Z', updatedAt: '2026-11-01T00:00:00Z', revision: 1 };

/** A fake console API: answers by method and path, records every call. */
function fakeApi(me: Me | undefined) {
  const calls: Call[] = [];
  let session = me;
  const json = (status: number, body: unknown) => new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  globalThis.fetch = (async (input: string | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://console.test');
    const call: Call = { method: init.method ?? 'GET', path: url.pathname, headers: Object.fromEntries(Object.entries((init.headers ?? {}) as Record<string, string>)), body: init.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(call);
    const route = `${call.method} ${call.path}`;
    if (route === 'GET /api/auth/config') return json(200, { mode: 'local', csrfHeader: 'x-csrf-token' });
    if (route === 'POST /api/auth/sign-in') {
      const body = call.body as { password: string };
      if (body.password !== 'right password!') return json(401, { error: { code: 'INVALID_CREDENTIALS', message: 'Wrong user name or password' } });
      session = { subject: 'ana', name: 'ana', roles: ['AnalystReader'], permissions: ['apps:read', 'health:read', 'analytics:read'], via: 'session', csrfToken: 'tok-123' };
      return json(200, session);
    }
    if (!session) return json(401, { error: { code: 'UNAUTHORIZED', message: 'Sign in first' } });
    if (route === 'GET /api/auth/me') return json(200, session);
    if (route === 'POST /api/auth/sign-out') return json(204, undefined);
    if (route === 'GET /api/apps') return json(200, { apps: [demoApp] });
    if (route === 'GET /api/projects') return json(200, { projects: [demoProject] });
    if (route === 'GET /api/apps/demo_web/event-count') return json(200, { appId: 'demo_web', events: 42 });
    return json(404, { error: { code: 'NOT_FOUND', message: `No route for ${route}` } });
  }) as typeof fetch;
  return calls;
}

const navLinks = (container: Element) => [...container.querySelectorAll('nav.nav a')].map((a) => a.textContent?.trim());

describe('console shell', () => {
  let view: Rendered | undefined;
  beforeEach(() => {
    window.history.replaceState(null, '', '/projects');
    window.localStorage.clear();
  });
  afterEach(() => view?.unmount());

  it('signs in, keeps the deep link, and sends the CSRF token on state-changing calls', async () => {
    const calls = fakeApi(undefined);
    view = render(createElement(App));
    await flush();
    const { container } = view;
    assert.ok(container.textContent?.includes('Sign in'));
    typeInto(field(container, 'Password'), 'wrong');
    click(button(container, 'Sign in'));
    await flush();
    assert.ok(container.querySelector('[role="alert"]')?.textContent?.includes('Wrong username or password.'));

    typeInto(field(container, 'Password'), 'right password!');
    click(button(container, 'Sign in'));
    await flush();
    assert.equal(window.location.pathname, '/projects');
    assert.ok(container.querySelector('h1')?.textContent?.includes('Projects & apps'));
    assert.ok(container.textContent?.includes('42'), 'the event count of the app');

    click(button(container, 'Sign out'));
    await flush();
    const signOut = calls.find((c) => c.path === '/api/auth/sign-out')!;
    assert.equal(signOut.headers['x-csrf-token'], 'tok-123');
    assert.ok(container.textContent?.includes('Sign in'));
  });

  it('shows a reader the analytics, hides the pipeline and disables what it may not do', async () => {
    fakeApi({ subject: 'ana', roles: ['AnalystReader'], permissions: ['apps:read', 'health:read', 'analytics:read'], via: 'session' });
    view = render(createElement(App));
    await flush();
    const links = navLinks(view.container);
    assert.ok(links.includes('Overview') && links.includes('Explorations') && links.includes('Bad rows'));
    assert.ok(!links.includes('Pipeline'));
    const newProject = button(view.container, 'New project');
    assert.equal(newProject.disabled, true);
    assert.match(newProject.title, /Needs the Admin or Operator role/);
    assert.equal(view.container.querySelector('button.primary.small'), null, 'no New app button');
  });

  it('shows an operator the pipeline and projects, without the analytics', async () => {
    fakeApi({ subject: 'op', roles: ['Operator'], permissions: ['apps:read', 'apps:write', 'pipeline:read', 'pipeline:write', 'health:read'], via: 'session' });
    view = render(createElement(App));
    await flush();
    const links = navLinks(view.container);
    assert.deepEqual(links, ['Projects & apps', 'Pipeline']);
    assert.equal(button(view.container, 'New project').disabled, false);
    assert.equal(view.container.querySelector('th.num')?.textContent?.includes('Events') ?? false, false, 'no event counts without analytics:read');
  });

  it('answers an unknown address with a not-found state inside the shell', async () => {
    window.history.replaceState(null, '', '/nowhere');
    fakeApi({ subject: 'a', roles: ['Admin'], via: 'session' });
    view = render(createElement(App));
    await flush();
    assert.ok(view.container.textContent?.includes('Page not found'));
    assert.ok(navLinks(view.container).includes('Pipeline'), 'an Admin without a permission list gets the role table');
  });
});

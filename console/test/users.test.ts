// The user management screen against a scripted /api/users that keeps its own state and applies the
// API's rules (field issues, taken names, the last enabled Admin): list, add with a role and an
// initial password, change a role, disable and enable, reset a password, delete; Admins only.
import { button, click, field, flush, render, typeInto, until, window, type Rendered } from './dom.js';
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { createElement } from 'react';
import { App } from '../src/app.js';
import type { LocalUser, Me, Role } from '../src/api/types.js';
import { generatePassword, issueAt } from '../src/lib/forms.js';

interface Call {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Record<string, unknown>;
}

const at = '2026-11-01T00:00:00.000Z';
const user = (username: string, role: Role, disabled = false): LocalUser => ({ username, role, disabled, permissions: [], createdAt: at, updatedAt: at });

function fakeApi(me: Me, options: { mode?: 'local' | 'oidc' } = {}) {
  const calls: Call[] = [];
  const users = new Map<string, LocalUser>([
    ['admin', user('admin', 'Admin')],
    ['ops', user('ops', 'Operator')],
  ]);
  const json = (status: number, body: unknown) => new Response(body === undefined ? null : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const problem = (status: number, code: string, message: string, issues?: { path: string; message: string }[]) =>
    json(status, { error: { code, message, ...(issues ? { details: { issues } } : {}) } });
  const lastAdmin = (username: string, next: LocalUser | undefined) =>
    !(next && next.role === 'Admin' && !next.disabled) && ![...users.values()].some((u) => u.username !== username && u.role === 'Admin' && !u.disabled);

  globalThis.fetch = (async (input: string | URL, init: RequestInit = {}) => {
    const url = new URL(String(input), 'http://console.test');
    const call: Call = { method: init.method ?? 'GET', path: decodeURIComponent(url.pathname), headers: (init.headers ?? {}) as Record<string, string>, body: init.body ? JSON.parse(String(init.body)) : undefined };
    calls.push(call);
    const route = `${call.method} ${call.path}`;
    if (route === 'GET /api/auth/me') return json(200, me);
    if (route === 'POST /api/auth/password') {
      const b = call.body as { currentPassword: string; newPassword: string };
      if (b.newPassword.length < 12) return problem(400, 'INVALID_BODY', 'newPassword: password: at least 12 characters', [{ path: 'newPassword', message: 'password: at least 12 characters' }]);
      if (b.currentPassword !== 'the old password') return problem(400, 'WRONG_PASSWORD', 'The current password is wrong.');
      return json(200, { ...me, csrfToken: 'csrf-new' });
    }
    if (route === 'GET /api/apps') return json(200, { apps: [] });
    if (route === 'GET /api/projects') return json(200, { projects: [] });
    if (call.path.startsWith('/api/users') && options.mode === 'oidc') return problem(404, 'LOCAL_ACCOUNTS_DISABLED', 'Users are managed in the identity provider (OIDC), not here.');
    if (route === 'GET /api/users') return json(200, { users: [...users.values()] });
    if (route === 'POST /api/users') {
      const b = call.body as { username: string; password: string; role: Role };
      const issues = [
        ...(/^[a-z0-9][a-z0-9._@-]{0,63}$/.test(b.username) ? [] : [{ path: 'username', message: 'username: 1-64 lowercase letters, digits, dots, dashes, underscores or @' }]),
        ...(b.password.length >= 12 ? [] : [{ path: 'password', message: 'password: at least 12 characters' }]),
      ];
      if (issues.length) return problem(400, 'INVALID_BODY', issues.map((i) => i.message).join('; '), issues);
      if (users.has(b.username)) return problem(409, 'USER_EXISTS', `User ${b.username} exists.`);
      const created = user(b.username, b.role);
      users.set(b.username, created);
      return json(201, created);
    }
    const one = /^\/api\/users\/(.+)$/.exec(call.path);
    if (one) {
      const current = users.get(one[1]!);
      if (!current) return problem(404, 'NOT_FOUND', `No user ${one[1]}.`);
      if (call.method === 'PATCH') {
        const b = call.body as { role?: Role; disabled?: boolean; password?: string };
        if (b.password !== undefined && b.password.length < 12) return problem(400, 'INVALID_BODY', 'password: at least 12 characters', [{ path: 'password', message: 'password: at least 12 characters' }]);
        const next = { ...current, role: b.role ?? current.role, disabled: b.disabled ?? current.disabled, updatedAt: '2026-11-30T12:00:00.000Z' };
        if (lastAdmin(current.username, next)) return problem(409, 'LAST_ADMIN', 'This is the last enabled Admin: make someone else Admin first.');
        users.set(next.username, next);
        return json(200, next);
      }
      if (call.method === 'DELETE') {
        if (lastAdmin(current.username, undefined)) return problem(409, 'LAST_ADMIN', 'This is the last enabled Admin: make someone else Admin first.');
        users.delete(current.username);
        return json(204, undefined);
      }
    }
    return problem(404, 'NOT_FOUND', `No route for ${route}`);
  }) as typeof fetch;
  return { calls, users };
}

const admin: Me = { subject: 'admin', roles: ['Admin'], via: 'session', csrfToken: 'csrf-9' };
const rows = (container: Element) => [...container.querySelectorAll('[data-testid="users-table"] tbody tr')].map((tr) => tr.getAttribute('data-user'));
const notice = (container: Element) => container.querySelector('[data-testid="users-notice"]')?.textContent ?? '';
const dialog = (container: Element) => {
  const d = container.querySelector('dialog[open]');
  assert.ok(d, 'an open dialog');
  return d;
};

describe('user management', () => {
  let view: Rendered | undefined;
  afterEach(() => view?.unmount());

  const open = async (me: Me = admin, options?: Parameters<typeof fakeApi>[1]) => {
    window.history.replaceState(null, '', '/users');
    const api = fakeApi(me, options);
    view = render(createElement(App));
    const container = view.container;
    await until(() => container.querySelector('h1')?.textContent === 'Users' && (container.querySelector('[data-testid="users-table"]') !== null || container.querySelector('.state') !== null));
    return { ...api, container };
  };

  it('lists the users with their roles and status, and links the screen for Admins', async () => {
    const { container } = await open();
    assert.deepEqual(rows(container), ['admin', 'ops']);
    assert.equal(field(container, 'Role of ops').value, 'Operator');
    assert.ok(container.querySelector('tr[data-user="admin"]')?.textContent?.includes('(you)'));
    assert.ok(container.querySelector('tr[data-user="admin"]')?.textContent?.includes('last Admin'));
    const link = [...container.querySelectorAll('nav.nav a')].find((a) => a.textContent?.trim() === 'Users');
    assert.equal(link?.getAttribute('aria-current'), 'page');
  });

  it('adds a user: the API\'s field errors on their fields, a taken name on the username, then the new row', async () => {
    const { container, calls } = await open();
    click(button(container, 'New user'));
    let d = dialog(container);
    typeInto(field(d, 'Username'), 'Ana Lyst');
    typeInto(field(d, 'Role'), 'Analyst');
    typeInto(field(d, 'Initial password'), 'short');
    click(button(d, 'Add user'));
    await flush();
    d = dialog(container);
    const name = field(d, 'Username');
    assert.equal(name.getAttribute('aria-invalid'), 'true');
    assert.equal(d.querySelector(`#${CSS.escape(name.id)}-error`)?.textContent, '1-64 lowercase letters, digits, dots, dashes, underscores or @');
    assert.equal(field(d, 'Initial password').getAttribute('aria-invalid'), 'true');
    assert.ok(d.textContent?.includes('at least 12 characters'));

    typeInto(field(d, 'Username'), 'ops');
    click(button(d, 'Generate'));
    const generated = field(d, 'Initial password').value;
    assert.equal(generated.length, 20);
    click(button(d, 'Add user'));
    await flush();
    assert.equal(dialog(container).querySelector('[aria-invalid="true"]')?.getAttribute('name'), 'username');
    assert.ok(dialog(container).textContent?.includes('User ops exists.'));

    typeInto(field(dialog(container), 'Username'), 'ana');
    click(button(dialog(container), 'Add user'));
    await flush();
    assert.equal(container.querySelector('dialog[open]'), null);
    assert.deepEqual(rows(container), ['admin', 'ana', 'ops']);
    assert.match(notice(container), /User ana added as Analyst/);
    const post = calls.filter((c) => c.method === 'POST' && c.path === '/api/users').at(-1)!;
    assert.deepEqual(post.body, { username: 'ana', role: 'Analyst', password: generated });
    assert.equal(post.headers['x-csrf-token'], 'csrf-9');
  });

  it('changes a role, disables and enables, and shows the last-Admin refusal without changing the row', async () => {
    const { container, calls, users } = await open();
    typeInto(field(container, 'Role of ops'), 'Analyst');
    await flush();
    assert.equal(users.get('ops')?.role, 'Analyst');
    assert.equal(field(container, 'Role of ops').value, 'Analyst');
    assert.match(notice(container), /ops is now Analyst/);

    click(button(container, 'Disable ops'));
    await flush();
    assert.equal(users.get('ops')?.disabled, true);
    assert.ok(container.querySelector('tr[data-user="ops"]')?.textContent?.includes('Disabled'));
    click(button(container, 'Enable ops'));
    await flush();
    assert.equal(users.get('ops')?.disabled, false);

    typeInto(field(container, 'Role of admin'), 'AnalystReader');
    await flush();
    assert.equal(notice(container), 'This is the last enabled Admin: make someone else Admin first.');
    assert.equal(container.querySelector('[data-testid="users-notice"]')?.getAttribute('role'), 'alert');
    assert.equal(field(container, 'Role of admin').value, 'Admin', 'the select shows what the API kept');
    click(button(container, 'Disable admin'));
    await flush();
    assert.match(notice(container), /last enabled Admin/);
    assert.equal(users.get('admin')?.disabled, false);
    assert.deepEqual(
      calls.filter((c) => c.method === 'PATCH').map((c) => [c.path, c.body]),
      [
        ['/api/users/ops', { role: 'Analyst' }],
        ['/api/users/ops', { disabled: true }],
        ['/api/users/ops', { disabled: false }],
        ['/api/users/admin', { role: 'AnalystReader' }],
        ['/api/users/admin', { disabled: true }],
      ],
    );
  });

  it('resets a password (errors on the field) and deletes a user after confirming', async () => {
    const { container, calls } = await open();
    click(button(container, 'Reset the password of ops'));
    typeInto(field(dialog(container), 'New password'), 'tiny');
    click(button(dialog(container), 'Set password'));
    await flush();
    assert.equal(field(dialog(container), 'New password').getAttribute('aria-invalid'), 'true');
    typeInto(field(dialog(container), 'New password'), 'a long enough password');
    click(button(dialog(container), 'Set password'));
    await flush();
    assert.equal(container.querySelector('dialog[open]'), null);
    assert.match(notice(container), /New password set for ops/);
    assert.deepEqual(calls.filter((c) => c.method === 'PATCH').at(-1)?.body, { password: 'a long enough password' });

    click(button(container, 'Delete admin'));
    click(button(dialog(container), 'Delete user'));
    await flush();
    assert.ok(dialog(container).textContent?.includes('last enabled Admin'), 'the refusal shows in the dialog');
    click(button(dialog(container), 'Cancel'));
    click(button(container, 'Delete ops'));
    click(button(dialog(container), 'Delete user'));
    await flush();
    assert.deepEqual(rows(container), ['admin']);
    assert.equal(calls.filter((c) => c.method === 'DELETE').length, 2);
  });

  it('tells an Admin under OIDC that users live in the identity provider', async () => {
    const { container } = await open({ ...admin, via: 'bearer' }, { mode: 'oidc' });
    assert.ok(container.textContent?.includes('Users are managed in your identity provider'));
    assert.throws(() => button(container, 'New user'));
  });

  it('keeps the screen and its link from other roles', async () => {
    const { container, calls } = await open({ subject: 'op', roles: ['Operator'], via: 'session' });
    assert.ok(container.textContent?.includes('Managing users needs the Admin role.'));
    assert.ok(![...container.querySelectorAll('nav.nav a')].some((a) => a.textContent?.trim() === 'Users'));
    assert.equal(calls.filter((c) => c.path === '/api/users').length, 0, 'no request it would be refused');
  });
});

describe('changing your own password', () => {
  let view: Rendered | undefined;
  afterEach(() => view?.unmount());

  it('checks the repeat, puts the API\'s refusals on their fields, and keeps the session with its new CSRF token', async () => {
    window.history.replaceState(null, '', '/users');
    const { calls } = fakeApi(admin);
    view = render(createElement(App));
    await until(() => view!.container.querySelector('[data-testid="users-table"]') !== null);
    click(button(view.container, 'Change password'));
    const d = () => {
      const found = document.body.querySelector('dialog[open]');
      assert.ok(found, 'the dialog is open');
      return found;
    };
    typeInto(field(d(), 'Current password'), 'a wrong one');
    typeInto(field(d(), 'New password'), 'short');
    typeInto(field(d(), 'Repeat the new password'), 'shorter');
    click(button(d(), 'Change password'));
    await flush();
    assert.ok(d().textContent?.includes('The two new passwords differ.'));
    assert.equal(calls.filter((c) => c.path === '/api/auth/password').length, 0, 'not sent while the two differ');

    typeInto(field(d(), 'Repeat the new password'), 'short');
    click(button(d(), 'Change password'));
    await flush();
    assert.equal(field(d(), 'New password').getAttribute('aria-invalid'), 'true');
    typeInto(field(d(), 'New password'), 'a brand new password');
    typeInto(field(d(), 'Repeat the new password'), 'a brand new password');
    click(button(d(), 'Change password'));
    await flush();
    assert.equal(field(d(), 'Current password').getAttribute('aria-invalid'), 'true');
    assert.ok(d().textContent?.includes('The current password is wrong.'));

    typeInto(field(d(), 'Current password'), 'the old password');
    click(button(d(), 'Change password'));
    await flush();
    assert.equal(document.body.querySelector('dialog[open]'), null);
    assert.ok(view.container.textContent?.includes('Password changed.'));
    click(button(view.container, 'Disable ops'));
    await flush();
    assert.equal(calls.filter((c) => c.method === 'PATCH').at(-1)?.headers['x-csrf-token'], 'csrf-new', 'the new session\'s token');
  });

  it('is not offered to an OIDC sign-in (the password lives in the identity provider)', async () => {
    window.history.replaceState(null, '', '/users');
    fakeApi({ ...admin, via: 'bearer' }, { mode: 'oidc' });
    view = render(createElement(App));
    await until(() => view!.container.textContent?.includes('identity provider') ?? false);
    assert.throws(() => button(view!.container, 'Change password'));
  });
});

describe('form helpers', () => {
  it('generates passwords from the whole alphabet, without look-alikes', () => {
    const seen = new Set(Array.from({ length: 200 }, () => generatePassword()).join(''));
    assert.equal(seen.size, 57);
    for (const c of '0O1lI') assert.ok(!seen.has(c), c);
  });

  it('finds a field issue by path and drops the API\'s own path prefix', () => {
    const issues = [{ path: ['password'], message: 'password: at least 12 characters' }, { path: ['config', 'process', 'x'], message: 'too big' }];
    assert.equal(issueAt(issues, 'password'), 'at least 12 characters');
    assert.equal(issueAt(issues, 'config', 'process', 'x'), 'too big');
    assert.equal(issueAt(issues, 'username'), undefined);
  });
});

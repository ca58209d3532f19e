import assert from 'node:assert/strict';

/** The local admin's password the e2e tests start the runtime with (EmbeddedConfig ADMIN_PASSWORD). */
export const TEST_ADMIN_PASSWORD = 'e2e admin password';

/** A browser-like client of the console API: session cookie plus CSRF token on every call. */
export interface ConsoleSession {
  cookie: string;
  csrfToken: string;
  fetch(path: string, init?: RequestInit): Promise<Response>;
}

export async function signIn(baseUrl: string, username = 'admin', password = TEST_ADMIN_PASSWORD): Promise<ConsoleSession> {
  const res = await fetch(`${baseUrl}/api/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  assert.equal(res.status, 200, `sign-in as ${username}: ${await res.clone().text()}`);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('clickstream_session='))?.split(';')[0];
  assert.ok(cookie, 'the sign-in sets the session cookie');
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return {
    cookie,
    csrfToken,
    fetch: (path, init = {}) =>
      fetch(`${baseUrl}${path}`, {
        ...init,
        headers: { cookie, 'x-csrf-token': csrfToken, ...(init.body ? { 'content-type': 'application/json' } : {}), ...(init.headers as Record<string, string>) },
      }),
  };
}

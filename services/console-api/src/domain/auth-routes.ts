import { AppError, badRequest, notFound, unauthorized } from '@clickstream/lambda-kit';
import * as z from 'zod';
import { checkCredentials, localAccounts, localAuth, publicUser } from './accounts.js';
import { clearedSessionCookie, CSRF_HEADER, SESSION_COOKIE, sessionCookie, startSession } from './auth.js';
import { defineRoute, type ConsoleRoute } from './console-route.js';
import { Username } from './model.js';
import { hashPassword, Password } from './passwords.js';
import { knownRoles, permissionsOf, Role } from './roles.js';
import type { Principal } from './router.js';
import { signInRules, throttledSignIn } from './sign-in-throttle.js';

const SignIn = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) }).strict();
const ChangePassword = z.object({ currentPassword: z.string().min(1).max(256), newPassword: Password }).strict();

const Me = z.object({
  subject: z.string(),
  name: z.string().optional(),
  roles: z.array(Role),
  permissions: z.array(z.string()),
  via: z.enum(['session', 'bearer']),
  csrfToken: z.string().optional().describe(`Echo in the ${CSRF_HEADER} header on POST/PUT/PATCH/DELETE (cookie sessions only).`),
  expiresAt: z.string().optional(),
});

function me(p: Principal): z.infer<typeof Me> {
  return {
    subject: p.subject,
    ...(p.name ? { name: p.name } : {}),
    roles: knownRoles(p.roles),
    permissions: permissionsOf(p),
    via: p.via,
    ...(p.session ? { csrfToken: p.session.csrfToken, expiresAt: p.session.expiresAt } : {}),
  };
}

const principalOf = (p: Principal | undefined): Principal => {
  if (!p) throw unauthorized();
  return p;
};

export const authRoutes: ConsoleRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/auth/config',
    summary: 'How to sign in: local accounts, or the OIDC issuer and client the console redirects to',
    permission: 'public',
    response: z.object({
      mode: z.enum(['local', 'oidc', 'unconfigured']),
      issuer: z.string().optional(),
      clientId: z.string().optional(),
      csrfHeader: z.string(),
      sessionCookie: z.string().optional(),
    }),
    run: async (_, { auth }) => ({
      status: 200,
      body: {
        mode: auth.mode,
        ...(auth.mode === 'oidc' ? { issuer: auth.issuer, ...(auth.clientId ? { clientId: auth.clientId } : {}) } : {}),
        csrfHeader: CSRF_HEADER,
        ...(auth.mode === 'local' ? { sessionCookie: SESSION_COOKIE } : {}),
      },
    }),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/auth/sign-in',
    summary: 'Sign in with a local account: sets the HttpOnly session cookie, returns the CSRF token (429 after repeated failures)',
    permission: 'public',
    body: SignIn,
    response: Me,
    responses: {
      429: {
        description:
          `Too many failed sign-ins for this user name (${signInRules.username.limit} within ${signInRules.username.windowMs / 60_000} min) ` +
          `or from this address (${signInRules.ip.limit}): refused without checking the password until Retry-After has passed; ` +
          'each further failure after a block doubles it.',
        headers: { 'Retry-After': { description: 'Seconds to wait before the next attempt.', schema: { type: 'integer', minimum: 1 } } },
      },
    },
    run: async ({ body, secure, clientIp }, ports) => {
      const { accounts, signInAttempts } = localAuth(ports);
      const username = body.username.trim().toLowerCase();
      const user = await throttledSignIn(signInAttempts, { username, clientIp }, () => ports.clock.now(), () =>
        checkCredentials(accounts, username, body.password),
      );
      if (!user) throw new AppError(401, 'INVALID_CREDENTIALS', 'Wrong user name or password, or the account is disabled.');
      const { cookieValue, session } = await startSession(accounts, user.username, ports.clock.now());
      const principal: Principal = {
        subject: user.username,
        name: user.username,
        roles: [user.role],
        via: 'session',
        session: { id: session.idHash, csrfToken: session.csrfToken, expiresAt: session.expiresAt },
      };
      return { status: 200, body: me(principal), cookies: [sessionCookie(cookieValue, secure)] };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/api/auth/sign-out',
    summary: 'End this session (cookie sessions; a no-op for bearer tokens)',
    permission: 'authenticated',
    successStatus: 204,
    run: async ({ principal, secure }, ports) => {
      const p = principalOf(principal);
      if (p.session && ports.auth.mode === 'local') await ports.auth.accounts.deleteSession(p.session.id);
      return { status: 204, body: undefined, cookies: p.session ? [clearedSessionCookie(secure)] : [] };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/auth/me',
    summary: 'The signed-in caller: roles, permissions and (cookie sessions) the CSRF token',
    permission: 'authenticated',
    response: Me,
    run: async ({ principal }) => ({ status: 200, body: me(principalOf(principal)) }),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/auth/password',
    summary: 'Change your own local password: ends every session of yours and starts a new one',
    permission: 'authenticated',
    body: ChangePassword,
    response: Me,
    run: async ({ principal, body, secure }, ports) => {
      const accounts = localAccounts(ports);
      const p = principalOf(principal);
      const username = Username.safeParse(p.subject);
      if (!username.success) throw notFound('No local account for this caller.');
      const user = await checkCredentials(accounts, username.data, body.currentPassword);
      if (!user) throw badRequest('WRONG_PASSWORD', 'The current password is wrong.');
      const now = ports.clock.now();
      await accounts.updateUser({ ...user, passwordHash: await hashPassword(body.newPassword), updatedAt: new Date(now).toISOString() });
      await accounts.deleteSessionsOf(user.username);
      const { cookieValue, session } = await startSession(accounts, user.username, now);
      const next: Principal = { ...p, session: { id: session.idHash, csrfToken: session.csrfToken, expiresAt: session.expiresAt } };
      return { status: 200, body: { ...me(next), user: publicUser(user) }, cookies: [sessionCookie(cookieValue, secure)] };
    },
  }),
];

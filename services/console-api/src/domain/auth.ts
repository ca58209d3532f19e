import { AppError, forbidden, unauthorized } from '@clickstream/lambda-kit';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AccountStore } from '../ports/accounts.js';
import type { AuthSetup } from '../ports/index.js';
import type { LocalSession, LocalUser } from './model.js';
import { allows, knownRoles } from './roles.js';
import type { Permission, Principal } from './router.js';

export const SESSION_COOKIE = 'clickstream_session';
/** State-changing requests signed in by cookie must echo the session's token in this header. */
export const CSRF_HEADER = 'x-csrf-token';
/** A session unused this long ends. */
export const SESSION_IDLE_MS = 12 * 3_600_000;
/** A session ends this long after sign-in, used or not. */
export const SESSION_MAX_MS = 7 * 24 * 3_600_000;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** What a request carries to prove its caller. */
export interface Credentials {
  method: string;
  bearer?: string;
  sessionId?: string;
  csrfToken?: string;
}

/** Reads the credentials from headers (lower-case names) and API Gateway's `cookies` list. */
export function credentialsOf(method: string, headers: Record<string, string | undefined>, cookies: readonly string[] = []): Credentials {
  const creds: Credentials = { method: method.toUpperCase() };
  const authorization = headers.authorization?.trim();
  const bearer = authorization && /^bearer\s+(\S+)$/i.exec(authorization)?.[1];
  if (bearer) creds.bearer = bearer;
  for (const cookie of cookies) {
    const eq = cookie.indexOf('=');
    if (eq > 0 && cookie.slice(0, eq).trim() === SESSION_COOKIE) creds.sessionId = cookie.slice(eq + 1).trim();
  }
  const csrf = headers[CSRF_HEADER];
  if (csrf) creds.csrfToken = csrf;
  return creds;
}

export const hashSessionId = (id: string) => createHash('sha256').update(id).digest('hex');

const sameToken = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/** The signed-in caller, or undefined when the request carries no credentials. Bad credentials are a 401. */
export async function resolvePrincipal(creds: Credentials, auth: AuthSetup, now: number): Promise<Principal | undefined> {
  if (auth.mode === 'unconfigured') {
    if (creds.bearer || creds.sessionId) throw new AppError(503, 'AUTH_NOT_CONFIGURED', auth.reason);
    return undefined;
  }
  if (auth.mode === 'oidc') {
    if (!creds.bearer) return undefined;
    let token;
    try {
      token = await auth.verifier.verify(creds.bearer);
    } catch {
      throw unauthorized('The access token is invalid or expired; sign in again.');
    }
    return { subject: token.subject, ...(token.name ? { name: token.name } : {}), roles: knownRoles(token.groups, auth.roleMap), via: 'bearer' };
  }
  if (creds.bearer) throw unauthorized('Bearer tokens are not accepted here: sign in with a local account.');
  if (!creds.sessionId) return undefined;
  const signedIn = await sessionUser(auth.accounts, creds.sessionId, now);
  if (!signedIn) throw unauthorized('The session has ended; sign in again.');
  const { user, session } = signedIn;
  return {
    subject: user.username,
    name: user.username,
    roles: [user.role],
    via: 'session',
    session: { id: session.idHash, csrfToken: session.csrfToken, expiresAt: session.expiresAt },
  };
}

async function sessionUser(accounts: AccountStore, sessionId: string, now: number): Promise<{ user: LocalUser; session: LocalSession } | undefined> {
  if (sessionId.length > 128) return undefined;
  const session = await accounts.getSession(hashSessionId(sessionId));
  if (!session || Date.parse(session.expiresAt) <= now) return undefined;
  const user = await accounts.getUser(session.username);
  if (!user || user.disabled) return undefined;
  // Slide the idle expiry, at most to the absolute limit; only write when a good part has elapsed.
  const next = Math.min(now + SESSION_IDLE_MS, Date.parse(session.createdAt) + SESSION_MAX_MS);
  if (next - Date.parse(session.expiresAt) > SESSION_IDLE_MS / 10) {
    session.expiresAt = new Date(next).toISOString();
    await accounts.extendSession(session.idHash, session.expiresAt);
  }
  return { user, session };
}

/**
 * The access decision for one route: public routes need nothing; others need a caller (401), a
 * CSRF token matching the session on state-changing cookie requests (403), and a role granting the
 * route's permission (403).
 */
export async function authorize(permission: Permission, creds: Credentials, auth: AuthSetup, now: number): Promise<Principal | undefined> {
  if (permission === 'public') return undefined;
  const principal = await resolvePrincipal(creds, auth, now);
  if (!principal) {
    if (auth.mode === 'unconfigured') throw new AppError(503, 'AUTH_NOT_CONFIGURED', auth.reason);
    throw unauthorized(auth.mode === 'oidc' ? 'Send an OIDC access token: Authorization: Bearer <token>.' : 'Sign in first (POST /api/auth/sign-in).');
  }
  if (principal.session && !SAFE_METHODS.has(creds.method)) {
    if (!creds.csrfToken || !sameToken(creds.csrfToken, principal.session.csrfToken)) {
      throw forbidden('CSRF_TOKEN_INVALID', `Send the session's CSRF token in the ${CSRF_HEADER} header (from sign-in or GET /api/auth/me).`);
    }
  }
  if (!allows(principal, permission)) {
    const roles = knownRoles(principal.roles);
    throw forbidden('FORBIDDEN', `Your role${roles.length === 1 ? '' : 's'} (${roles.join(', ') || 'none'}) may not do this: it needs ${permission}.`);
  }
  return principal;
}

/** Starts a session: the cookie value is returned once, only its hash is stored. */
export async function startSession(accounts: AccountStore, username: string, now: number): Promise<{ cookieValue: string; session: LocalSession }> {
  const cookieValue = randomBytes(32).toString('base64url');
  const session: LocalSession = {
    idHash: hashSessionId(cookieValue),
    username,
    csrfToken: randomBytes(24).toString('base64url'),
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + SESSION_IDLE_MS).toISOString(),
  };
  await accounts.deleteExpiredSessions(session.createdAt);
  await accounts.createSession(session);
  return { cookieValue, session };
}

/**
 * The session cookie: HttpOnly (scripts cannot read it), SameSite=Lax (other sites' forms and
 * scripts do not send it on POSTs), scoped to the API, Secure over HTTPS.
 */
export function sessionCookie(value: string, secure: boolean, maxAgeSeconds = SESSION_MAX_MS / 1000): string {
  return [`${SESSION_COOKIE}=${value}`, 'Path=/api', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAgeSeconds}`, ...(secure ? ['Secure'] : [])].join('; ');
}

export const clearedSessionCookie = (secure: boolean) => sessionCookie('', secure, 0);

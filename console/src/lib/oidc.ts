// Sign-in with an OIDC provider (AWS mode, or embedded with OIDC configured): the authorization
// code flow with PKCE for a public client. The access token lives in sessionStorage (this tab only)
// and goes to the API as `Authorization: Bearer`; there is no cookie, so no CSRF token either.

const TOKEN = 'clickstream:oidc-token';
const PENDING = 'clickstream:oidc-pending';
export const CALLBACK_PATH = '/auth/callback';

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
}

async function discover(issuer: string): Promise<Discovery> {
  const res = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!res.ok) throw new Error(`The identity provider's discovery document answered HTTP ${res.status}.`);
  return (await res.json()) as Discovery;
}

const base64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const random = (n = 32) => base64url(crypto.getRandomValues(new Uint8Array(n)));

/** The stored access token, unless it has expired. */
export function bearerToken(): string | undefined {
  try {
    const raw = sessionStorage.getItem(TOKEN);
    if (!raw) return undefined;
    const { token, expiresAt } = JSON.parse(raw) as { token: string; expiresAt: number };
    if (Date.now() >= expiresAt) {
      sessionStorage.removeItem(TOKEN);
      return undefined;
    }
    return token;
  } catch {
    return undefined;
  }
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN);
}

/** Sends the browser to the provider; it comes back to CALLBACK_PATH. */
export async function startOidcSignIn(issuer: string, clientId: string): Promise<void> {
  const d = await discover(issuer);
  const verifier = random(48);
  const state = random(16);
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo: location.pathname + location.search }));
  const url = new URL(d.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: location.origin + CALLBACK_PATH,
    scope: 'openid profile email',
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  }).toString();
  location.assign(url.toString());
}

/** On CALLBACK_PATH: trades the code for tokens; answers where to go next. */
export async function completeOidcSignIn(issuer: string, clientId: string): Promise<string> {
  const params = new URLSearchParams(location.search);
  const error = params.get('error');
  if (error) throw new Error(params.get('error_description') ?? error);
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? 'null') as { verifier: string; state: string; returnTo: string } | null;
  sessionStorage.removeItem(PENDING);
  if (!pending || pending.state !== params.get('state')) throw new Error('This sign-in was not started here (state mismatch). Start again.');
  const d = await discover(issuer);
  const res = await fetch(d.token_endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: params.get('code') ?? '', redirect_uri: location.origin + CALLBACK_PATH, client_id: clientId, code_verifier: pending.verifier }),
  });
  if (!res.ok) throw new Error(`The identity provider refused the sign-in (HTTP ${res.status}).`);
  const tokens = (await res.json()) as { access_token: string; expires_in?: number };
  sessionStorage.setItem(TOKEN, JSON.stringify({ token: tokens.access_token, expiresAt: Date.now() + (tokens.expires_in ?? 3600) * 1000 - 30_000 }));
  return pending.returnTo && pending.returnTo !== CALLBACK_PATH ? pending.returnTo : '/';
}

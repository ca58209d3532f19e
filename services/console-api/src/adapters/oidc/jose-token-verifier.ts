import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { TokenVerifier, VerifiedToken } from '../../ports/token-verifier.js';

export interface OidcSettings {
  issuer: string;
  /** Expected `aud` (ID tokens, most providers' access tokens); Cognito access tokens carry `client_id` instead. */
  audience?: string;
  /** Expected `client_id` (Cognito access tokens). */
  clientId?: string;
  /** Claim holding the caller's groups or roles, e.g. `cognito:groups`, `roles`, `groups`. Dotted paths reach nested claims. */
  rolesClaim: string;
  /** JWKS location; found through the issuer's discovery document when absent. */
  jwksUri?: string;
}

/** Where the issuer publishes its keys, read from `<issuer>/.well-known/openid-configuration`. */
async function discoverJwksUri(issuer: string, fetchImpl: typeof fetch): Promise<string> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const res = await fetchImpl(url, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`OIDC discovery ${url} answered ${res.status}`);
  const doc = (await res.json()) as { jwks_uri?: unknown; issuer?: unknown };
  if (typeof doc.jwks_uri !== 'string') throw new Error(`OIDC discovery ${url} has no jwks_uri`);
  return doc.jwks_uri;
}

function claimAt(payload: JWTPayload, path: string): unknown {
  if (path in payload) return payload[path];
  return path.split('.').reduce<unknown>((v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), payload);
}

/** `["Admin"]`, `"Admin Analyst"` or `"Admin,Analyst"` → names. */
function groupsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  if (typeof value === 'string') return value.split(/[\s,]+/).filter(Boolean);
  return [];
}

/**
 * Checks OIDC JWTs with jose: signature against the issuer's JWKS (fetched once, refreshed on an
 * unknown key id, as jose does), issuer, audience or client id, expiry and not-before.
 */
export class JoseTokenVerifier implements TokenVerifier {
  private keys: Promise<JWTVerifyGetKey> | undefined;

  constructor(
    private readonly settings: OidcSettings,
    /** Tests pass a local key set; production fetches the issuer's. */
    keys?: JWTVerifyGetKey,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {
    if (keys) this.keys = Promise.resolve(keys);
  }

  private keySet(): Promise<JWTVerifyGetKey> {
    this.keys ??= (async () => {
      const uri = this.settings.jwksUri ?? (await discoverJwksUri(this.settings.issuer, this.fetchImpl));
      return createRemoteJWKSet(new URL(uri), { timeoutDuration: 5_000, cooldownDuration: 30_000 });
    })().catch((error: unknown) => {
      // A failed discovery is retried by the next request instead of being cached for the container's life.
      this.keys = undefined;
      throw error;
    });
    return this.keys;
  }

  async verify(token: string): Promise<VerifiedToken> {
    const { payload } = await jwtVerify(token, await this.keySet(), {
      issuer: this.settings.issuer,
      ...(this.settings.audience ? { audience: this.settings.audience } : {}),
      clockTolerance: 30,
      algorithms: ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA'],
    });
    if (this.settings.clientId && payload.client_id !== this.settings.clientId && !aud(payload).includes(this.settings.clientId)) {
      throw new Error('token issued to another client');
    }
    if (!payload.sub) throw new Error('token without sub');
    const name = [payload.email, payload.preferred_username, payload.username, payload['cognito:username'], payload.name].find(
      (v): v is string => typeof v === 'string' && v.length > 0,
    );
    return { subject: payload.sub, ...(name ? { name } : {}), groups: groupsOf(claimAt(payload, this.settings.rolesClaim)) };
  }
}

const aud = (p: JWTPayload): string[] => (Array.isArray(p.aud) ? p.aud : p.aud ? [p.aud] : []);

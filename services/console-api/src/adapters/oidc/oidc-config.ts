import * as z from 'zod';
import { Role } from '../../domain/roles.js';
import type { AuthSetup } from '../../ports/index.js';
import { JoseTokenVerifier } from './jose-token-verifier.js';

// Unset and empty are the same: serverless.yml passes '' for parameters nobody set.
const optional = z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional());

/** OIDC settings from the environment (AWS and embedded mode alike). */
export const OidcConfig = z.object({
  /** e.g. `https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbCdEf`. */
  OIDC_ISSUER: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
  OIDC_AUDIENCE: optional,
  OIDC_CLIENT_ID: optional,
  OIDC_ROLES_CLAIM: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).default('cognito:groups')),
  OIDC_JWKS_URI: z.preprocess((v) => (v === '' ? undefined : v), z.url().optional()),
  /** `provider-group=Role,…`, e.g. `clickstream-admins=Admin,bi=Analyst`. */
  OIDC_ROLE_MAP: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .optional()
      .transform((s, ctx) => {
        const out: Record<string, Role> = {};
        for (const part of (s ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
          const eq = part.lastIndexOf('=');
          const role = Role.safeParse(part.slice(eq + 1).trim());
          if (eq <= 0 || !role.success) {
            ctx.addIssue({ code: 'custom', message: `"${part}" is not group=Role with Role one of ${Role.options.join(', ')}` });
            return z.NEVER;
          }
          out[part.slice(0, eq).trim()] = role.data;
        }
        return out;
      }),
  ),
});
export type OidcConfig = z.infer<typeof OidcConfig>;

/** OIDC auth when an issuer is configured; undefined otherwise. */
export function oidcAuth(config: OidcConfig): Extract<AuthSetup, { mode: 'oidc' }> | undefined {
  if (!config.OIDC_ISSUER) return undefined;
  return {
    mode: 'oidc',
    issuer: config.OIDC_ISSUER,
    ...(config.OIDC_CLIENT_ID ? { clientId: config.OIDC_CLIENT_ID } : {}),
    roleMap: config.OIDC_ROLE_MAP,
    verifier: new JoseTokenVerifier({
      issuer: config.OIDC_ISSUER,
      rolesClaim: config.OIDC_ROLES_CLAIM,
      ...(config.OIDC_AUDIENCE ? { audience: config.OIDC_AUDIENCE } : {}),
      ...(config.OIDC_CLIENT_ID ? { clientId: config.OIDC_CLIENT_ID } : {}),
      ...(config.OIDC_JWKS_URI ? { jwksUri: config.OIDC_JWKS_URI } : {}),
    }),
  };
}

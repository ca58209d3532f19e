/** Who an OIDC access or ID token says the caller is, once its signature, issuer, audience and expiry check out. */
export interface VerifiedToken {
  subject: string;
  name?: string;
  /** Raw values of the configured roles claim (group names). */
  groups: string[];
}

export interface TokenVerifier {
  /** Throws when the token is not valid (the caller turns that into a 401). */
  verify(token: string): Promise<VerifiedToken>;
}

import type { AppSettings } from '@clickstream/contracts';

/**
 * Credentialed CORS (the web SDK sends `credentials: 'include'`): the origin is echoed, never `*`,
 * and only for origins the app allows. An app whose allowlist holds `*` accepts any origin.
 */
export function corsHeaders(origin: string | undefined, app: AppSettings): Record<string, string> | undefined {
  if (!origin || !originAllowed(origin, app)) return undefined;
  return {
    'access-control-allow-origin': origin,
    'access-control-allow-credentials': 'true',
    vary: 'Origin',
  };
}

export function originAllowed(origin: string, app: AppSettings): boolean {
  const wanted = origin.toLowerCase();
  return app.allowedOrigins.some((o) => o === '*' || o.toLowerCase() === wanted);
}

export function preflightHeaders(base: Record<string, string>): Record<string, string> {
  return {
    ...base,
    'access-control-allow-methods': 'POST, OPTIONS',
    'access-control-allow-headers': 'Content-Type',
    'access-control-max-age': '600',
  };
}

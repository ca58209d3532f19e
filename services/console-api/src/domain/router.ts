import { methodNotAllowed, notFound } from '@clickstream/lambda-kit';
import type * as z from 'zod';

export type Params = Record<string, string>;

/**
 * What a route needs from the caller. Roles map to sets of these (domain/roles.ts); `public` needs
 * no sign-in, `authenticated` any signed-in user.
 */
export type Permission =
  | 'public'
  | 'authenticated'
  | 'apps:read'
  | 'apps:write'
  | 'pipeline:read'
  | 'pipeline:write'
  | 'health:read'
  | 'analytics:read'
  | 'analytics:write'
  | 'metadata:write'
  | 'users:manage';

/** The signed-in caller, as the auth layer resolved it. */
export interface Principal {
  /** Local user name, or the token's `sub`. */
  subject: string;
  /** What the console shows and what change histories record (`changedBy`). */
  name?: string;
  roles: string[];
  /** How the caller proved who they are. */
  via: 'session' | 'bearer';
  /** A local session: its id (to sign out) and the token state-changing requests must echo. */
  session?: { id: string; csrfToken: string; expiresAt: string };
}

/** One request as a route sees it: path parameters plus query and body already parsed by the route's schemas. */
export interface RouteRequest<Q = unknown, B = unknown> {
  params: Params;
  query: Q;
  body: B;
  principal?: Principal;
  /** The request came over HTTPS (cookies then get `Secure`). */
  secure: boolean;
  /** The client's address as the HTTP API saw it (API Gateway's sourceIp; the socket's peer locally). */
  clientIp?: string;
}

export interface RouteResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** `Set-Cookie` values. */
  cookies?: string[];
}

export interface Route<Ctx, Q = unknown, B = unknown> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** e.g. `/api/apps/:appId/event-count` */
  path: string;
  /** One line for the OpenAPI document. */
  summary: string;
  permission: Permission;
  /** zod schema of the query string (validated at the edge; also feeds the OpenAPI document). */
  query?: z.ZodType<Q>;
  /** zod schema of the JSON body. */
  body?: z.ZodType<B>;
  /** zod schema of the success body, for the OpenAPI document only (never enforced). */
  response?: z.ZodType;
  /** Status of a success (OpenAPI only); 200 when absent. */
  successStatus?: number;
  /** OpenAPI tag; derived from the path when absent. */
  tag?: string;
  /** Answers besides the ones every route of its kind gets (OpenAPI only), by status. */
  responses?: Readonly<Record<number, { description: string; headers?: Readonly<Record<string, { description: string; schema: Record<string, unknown> }>> }>>;
  run: (request: RouteRequest<Q, B>, ctx: Ctx) => Promise<RouteResult>;
}

/**
 * Matches method and path against the route table: no route → 404, a route for another method
 * → 405 listing the allowed ones. Path parameters are decoded and must be non-empty.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- routes differ in their query and body types; each validates its own at the edge
export function matchRoute<R extends Route<any, any, any>>(routes: readonly R[], method: string, path: string): { route: R; params: Params } {
  const segments = path.replace(/\/+$/, '').split('/');
  const allowed: string[] = [];
  for (const route of routes) {
    const params = matchPath(route.path.split('/'), segments);
    if (!params) continue;
    if (route.method === method) return { route, params };
    allowed.push(route.method);
  }
  if (allowed.length > 0) throw methodNotAllowed(allowed);
  throw notFound(`No route for ${path}.`);
}

function matchPath(pattern: string[], segments: string[]): Params | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Params = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i]!;
    const s = segments[i]!;
    if (p.startsWith(':')) {
      let value: string;
      try {
        value = decodeURIComponent(s);
      } catch {
        return undefined;
      }
      if (!value) return undefined;
      params[p.slice(1)] = value;
    } else if (p !== s) return undefined;
  }
  return params;
}

import { methodNotAllowed, notFound } from '@clickstream/lambda-kit';
import type * as z from 'zod';

export type Params = Record<string, string>;

/**
 * What a route needs from the caller. Roles (issue 8) map to sets of permissions; `public` needs no
 * sign-in, `authenticated` any signed-in user.
 */
export type Permission =
  | 'public'
  | 'authenticated'
  | 'apps:read'
  | 'apps:write'
  | 'pipeline:read'
  | 'pipeline:write'
  | 'analytics:read'
  | 'analytics:write'
  | 'metadata:write'
  | 'users:manage';

/** The signed-in caller, as the auth layer resolved it. */
export interface Principal {
  subject: string;
  name?: string;
  roles: string[];
}

/** One request as a route sees it: path parameters plus query and body already parsed by the route's schemas. */
export interface RouteRequest<Q = unknown, B = unknown> {
  params: Params;
  query: Q;
  body: B;
  principal?: Principal;
}

export interface RouteResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
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

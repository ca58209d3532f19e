import { methodNotAllowed, notFound } from '@clickstream/lambda-kit';

export type Params = Record<string, string>;
export interface Route<Ctx> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** e.g. `/api/apps/:appId/event-count` */
  path: string;
  run: (params: Params, ctx: Ctx) => Promise<{ status: number; body: unknown }>;
}

/**
 * Matches method and path against the route table: no route → 404, a route for another method
 * → 405 listing the allowed ones. Path parameters are decoded and must be non-empty.
 */
export function matchRoute<Ctx>(routes: readonly Route<Ctx>[], method: string, path: string): { route: Route<Ctx>; params: Params } {
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

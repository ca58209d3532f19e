import type { ServiceManifest } from '@clickstream/runtime';

export interface HttpRoute {
  method: string;
  /** API Gateway route path: `/collect`, `/api/{proxy+}`. */
  path: string;
  service: string;
  functionName: string;
}

/** The HTTP routes every service declares in serverless.yml: the embedded server serves exactly those. */
export function routesOf(manifests: readonly ServiceManifest[]): HttpRoute[] {
  return manifests.flatMap((m) =>
    m.functions.flatMap((f) =>
      f.httpRoutes.filter((r) => r.path !== '*').map((r) => ({ method: r.method.toUpperCase(), path: r.path, service: m.service, functionName: f.name })),
    ),
  );
}

/** API Gateway matching: exact paths, `{name}` segments and a trailing greedy `{name+}`. */
export function pathMatches(routePath: string, path: string): boolean {
  const r = routePath.split('/');
  const p = path.split('/');
  for (let i = 0; i < r.length; i++) {
    const seg = r[i]!;
    if (/^\{\w+\+\}$/.test(seg)) return i === r.length - 1 && p.length > i && p.slice(i).join('/') !== '';
    if (i >= p.length) return false;
    if (/^\{\w+\}$/.test(seg)) {
      if (!p[i]) return false;
    } else if (seg !== p[i]) return false;
  }
  return r.length === p.length;
}

export type RouteMatch = { kind: 'found'; route: HttpRoute } | { kind: 'wrong-method'; allowed: string[] } | { kind: 'none' };

export function findRoute(routes: readonly HttpRoute[], method: string, path: string): RouteMatch {
  const candidates = routes.filter((r) => pathMatches(r.path, path));
  if (candidates.length === 0) return { kind: 'none' };
  // API Gateway's catch-all method is `*` (ANY in the console).
  const exact = candidates.find((r) => r.method === method) ?? candidates.find((r) => r.method === '*');
  if (exact) return { kind: 'found', route: exact };
  if (method === 'HEAD') {
    const get = candidates.find((r) => r.method === 'GET');
    if (get) return { kind: 'found', route: get };
  }
  return { kind: 'wrong-method', allowed: [...new Set(candidates.map((r) => r.method))] };
}

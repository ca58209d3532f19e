/** @jsxRuntime automatic */
// A small history router: the URL is the state (path + query), so every view can be shared and
// reloaded. The embedded static handler answers index.html for paths without an extension.
import { useCallback, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

const NAVIGATE = 'clickstream:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(NAVIGATE));
  if (!options.replace) window.scrollTo?.(0, 0);
}

export interface Location {
  pathname: string;
  search: URLSearchParams;
  /** path + query, as in the address bar */
  href: string;
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot, () => '/');
  const url = new URL(href, 'http://console.local');
  return { pathname: url.pathname, search: url.searchParams, href };
}

/** `/apps/:appId/x` against `/apps/shop/x` → `{ appId: 'shop' }`; a trailing `*` matches the rest. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = pathname.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    if (w === '*') return params;
    const h = have[i];
    if (h === undefined) return undefined;
    if (w.startsWith(':')) {
      try {
        params[w.slice(1)] = decodeURIComponent(h);
      } catch {
        return undefined;
      }
    } else if (w !== h) return undefined;
  }
  return want.length === have.length ? params : undefined;
}

/** Builds `path?query` leaving out empty values; keys keep their order. */
export function withQuery(path: string, query: Record<string, string | number | undefined | null>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Reads and writes the query string of the current path (replace: true keeps history clean for small edits). */
export function useSearchParams(): [URLSearchParams, (update: Record<string, string | undefined>, options?: { replace?: boolean }) => void] {
  const { pathname, search } = useLocation();
  const set = useCallback(
    (update: Record<string, string | undefined>, options: { replace?: boolean } = {}) => {
      const next = new URLSearchParams(window.location.search);
      for (const [k, v] of Object.entries(update)) {
        if (v === undefined || v === '') next.delete(k);
        else next.set(k, v);
      }
      const qs = next.toString();
      navigate(qs ? `${pathname}?${qs}` : pathname, options);
    },
    [pathname],
  );
  return [search, set];
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & {
  to: string;
  /** Marks the link as the current page when the path starts with `to` (or equals it, with `exact`). */
  activeMatch?: 'exact' | 'prefix';
  children?: ReactNode;
};

export function Link({ to, activeMatch, onClick, children, ...rest }: LinkProps) {
  const { pathname } = useLocation();
  const path = to.split('?')[0]!;
  const active = activeMatch === 'exact' ? pathname === path : activeMatch === 'prefix' ? pathname === path || pathname.startsWith(`${path}/`) : false;
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={handle} aria-current={active ? 'page' : undefined} {...rest}>
      {children}
    </a>
  );
}

// The one place the console talks HTTP: JSON in and out, the session cookie, the CSRF header on
// every state-changing request (or the OIDC bearer token), and the API's error body turned into an ApiError.
import { bearerToken } from '../lib/oidc.js';

/** A field-level validation problem, as the API reports it in `details.issues`. */
export interface FieldIssue {
  path: (string | number)[];
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly issues: FieldIssue[] = [],
    readonly requestId?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Listeners told when the API answers 401 (the session expired or was never there). */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(listener: () => void): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

let csrfToken: string | undefined;
/** The token the API handed out with the session; sent back on every state-changing request. */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

export type Query = Record<string, string | number | boolean | undefined | null | readonly string[]>;

export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) for (const item of v) params.append(k, item);
    else params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `?${qs}` : '';
}

/** Normalises the issue list of a 400 (zod's `path` may arrive as an array or a dotted string). */
export function parseIssues(details: unknown): FieldIssue[] {
  const raw = (details as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(raw)) return [];
  return raw.flatMap((issue: unknown) => {
    if (!issue || typeof issue !== 'object') return [];
    const { path, message } = issue as { path?: unknown; message?: unknown };
    const parts = Array.isArray(path) ? path.filter((p): p is string | number => typeof p === 'string' || typeof p === 'number') : typeof path === 'string' ? path.split('.').filter(Boolean) : [];
    return [{ path: parts, message: typeof message === 'string' ? message : 'Invalid value' }];
  });
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** `text` answers the raw body (CSV export). */
  as?: 'json' | 'text';
}

export async function request<T>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: options.as === 'text' ? 'text/csv, application/json' : 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const bearer = bearerToken();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  else if (method !== 'GET') {
    if (csrfToken) headers['x-csrf-token'] = csrfToken;
    // A custom header is something a cross-site form cannot send: the API can insist on it.
    headers['x-requested-with'] = 'clickstream-console';
  }
  let res: Response;
  try {
    res = await fetch(path + queryString(options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (error) {
    if ((error as { name?: string }).name === 'AbortError') throw error;
    throw new ApiError(0, 'NETWORK', 'Cannot reach the Clickstream API. Check that the server is running.');
  }
  const text = await res.text();
  if (!res.ok) {
    let body: { error?: { code?: string; message?: string; details?: unknown; requestId?: string } } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      // not JSON: keep the status line
    }
    const e = body.error ?? {};
    if (res.status === 401) for (const listener of unauthorizedListeners) listener();
    throw new ApiError(res.status, e.code ?? `HTTP_${res.status}`, e.message ?? `${method} ${path}: HTTP ${res.status}`, parseIssues(e.details), e.requestId);
  }
  if (options.as === 'text') return text as T;
  return (text ? JSON.parse(text) : undefined) as T;
}

export const http = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('POST', path, { ...options, body }),
  put: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PUT', path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) => request<T>('PATCH', path, { ...options, body }),
  del: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
};

import { createHash } from 'node:crypto';

/**
 * Results by (request, data version). `invalidate()` starts a new local data version (the
 * embedded runtime calls it on every processing/loading event); on Lambda, where that event
 * reaches another function instance, the engine also keys by an external version (the newest
 * pipeline event) so instances never serve results older than the data.
 */
export class QueryCache<T = unknown> {
  private readonly entries = new Map<string, T>();
  private generation = 0;

  constructor(private readonly maxEntries = 256) {}

  /** The local data version: bumped by every invalidation. */
  get version(): number {
    return this.generation;
  }

  invalidate(): void {
    this.generation++;
    this.entries.clear();
  }

  get(key: string): T | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    // Least recently used goes first: re-insert to move it to the end.
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  set(key: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

/** A stable key for a JSON value: object keys sorted, so equal requests hash alike whatever their key order. */
export function cacheKey(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('base64url');
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

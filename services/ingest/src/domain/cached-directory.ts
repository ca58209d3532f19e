import type { Clock } from '@clickstream/lambda-kit';
import type { StoredApp } from './app-copy.js';
import type { AppDirectory } from '../ports/app-directory.js';

/**
 * Read-through cache in front of the app directory: a Lambda serves thousands of requests per app,
 * so it asks DynamoDB at most once per TTL. Changes show up within one TTL.
 */
export class CachedAppDirectory implements AppDirectory {
  private readonly entries = new Map<string, { value: StoredApp | undefined; expires: number }>();

  constructor(
    private readonly inner: AppDirectory,
    private readonly clock: Clock,
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  async get(appId: string): Promise<StoredApp | undefined> {
    const now = this.clock.now();
    const hit = this.entries.get(appId);
    if (hit && hit.expires > now) return hit.value;
    const value = await this.inner.get(appId);
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(appId, { value, expires: now + this.ttlMs });
    return value;
  }

  async put(next: StoredApp, expectedRevision: number): Promise<boolean> {
    const id = next.deleted ? next.appId : next.app.appId;
    this.entries.delete(id);
    return this.inner.put(next, expectedRevision);
  }
}

import { AppSettings } from '@clickstream/contracts';
import { type ObjectStore, SerialQueue } from '@clickstream/runtime';
import * as z from 'zod';
import type { StoredApp } from '../../domain/app-copy.js';
import type { AppDirectory } from '../../ports/app-directory.js';

const Stored = z.union([
  z.object({ appId: z.string(), revision: z.number(), deleted: z.literal(true) }),
  z.object({ app: AppSettings, deleted: z.literal(false).optional() }),
]);

/**
 * Ingest's copy of the apps as one JSON file per app in the local object store.
 *
 * Every upload looks its app up, so the copies read back are kept in memory: this directory is the
 * only writer of its prefix (one process per data dir, every change goes through `put`), so its
 * own puts are all that can make one stale. Only stored copies are kept (their number is bounded
 * by the apps that exist), never "no such app".
 */
export class ObjectStoreAppDirectory implements AppDirectory {
  private readonly serial = new SerialQueue();
  private readonly copies = new Map<string, StoredApp>();
  /** Bumped as a put starts and ends: a read that overlapped one is returned, not kept. */
  private writes = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly prefix = 'ingest/apps/',
  ) {}

  async get(appId: string): Promise<StoredApp | undefined> {
    const kept = this.copies.get(appId);
    if (kept) return kept;
    const writes = this.writes;
    const raw = await this.store.get(this.key(appId));
    const stored = raw ? Stored.parse(JSON.parse(raw.toString('utf8'))) : undefined;
    if (stored && writes === this.writes) this.copies.set(appId, stored);
    return stored;
  }

  put(next: StoredApp, expectedRevision: number): Promise<boolean> {
    // One writer at a time makes the compare-and-set below atomic within the process.
    return this.serial.run(async () => {
      const id = next.deleted ? next.appId : next.app.appId;
      const current = await this.get(id);
      const revision = current === undefined ? -1 : current.deleted ? current.revision : current.app.revision;
      if (revision !== expectedRevision) return false;
      this.forget(id);
      try {
        await this.store.put(this.key(id), JSON.stringify(next));
      } finally {
        this.forget(id);
      }
      return true;
    });
  }

  private forget(appId: string): void {
    this.writes++;
    this.copies.delete(appId);
  }

  private key(appId: string): string {
    return `${this.prefix}${appId}.json`;
  }
}

import { AppSettings } from '@clickstream/contracts';
import type { ObjectStore } from '@clickstream/runtime';
import * as z from 'zod';
import type { StoredApp } from '../../domain/app-copy.js';
import type { AppDirectory } from '../../ports/app-directory.js';

const Stored = z.union([
  z.object({ appId: z.string(), revision: z.number(), deleted: z.literal(true) }),
  z.object({ app: AppSettings, deleted: z.literal(false).optional() }),
]);

/** Ingest's copy of the apps as one JSON file per app in the local object store. */
export class ObjectStoreAppDirectory implements AppDirectory {
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: ObjectStore,
    private readonly prefix = 'ingest/apps/',
  ) {}

  async get(appId: string): Promise<StoredApp | undefined> {
    const raw = await this.store.get(this.key(appId));
    return raw ? Stored.parse(JSON.parse(raw.toString('utf8'))) : undefined;
  }

  put(next: StoredApp, expectedRevision: number): Promise<boolean> {
    // One writer at a time makes the compare-and-set below atomic within the process.
    const run = this.queue.then(async () => {
      const id = next.deleted ? next.appId : next.app.appId;
      const current = await this.get(id);
      const revision = current === undefined ? -1 : current.deleted ? current.revision : current.app.revision;
      if (revision !== expectedRevision) return false;
      await this.store.put(this.key(id), JSON.stringify(next));
      return true;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private key(appId: string): string {
    return `${this.prefix}${appId}.json`;
  }
}

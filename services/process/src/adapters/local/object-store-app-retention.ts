import { SerialQueue, type ObjectStore } from '@clickstream/runtime';
import * as z from 'zod';
import type { AppRetentionStore, StoredAppRetention } from '../../ports/app-retention.js';

const Stored = z.object({ appId: z.string(), retentionDays: z.number().int().min(0), revision: z.number().int(), deleted: z.boolean() });

/** The process service's copy of each app's retention: one JSON object per app. */
export class ObjectStoreAppRetention implements AppRetentionStore {
  private readonly serial = new SerialQueue();

  constructor(
    private readonly store: ObjectStore,
    private readonly prefix = 'process/app-retention/',
  ) {}

  async get(appId: string): Promise<StoredAppRetention | undefined> {
    const raw = await this.store.get(`${this.prefix}${appId}.json`);
    return raw ? Stored.parse(JSON.parse(raw.toString('utf8'))) : undefined;
  }

  put(app: StoredAppRetention, expectedRevision: number): Promise<boolean> {
    // One writer at a time makes the compare-and-set atomic within the process (one process per data dir).
    return this.serial.run(async () => {
      const current = await this.get(app.appId);
      if ((current?.revision ?? -1) !== expectedRevision) return false;
      await this.store.put(`${this.prefix}${app.appId}.json`, JSON.stringify(app));
      return true;
    });
  }

  async list(): Promise<StoredAppRetention[]> {
    const out: StoredAppRetention[] = [];
    for (const key of await this.store.list(this.prefix)) {
      const raw = await this.store.get(key);
      if (raw) out.push(Stored.parse(JSON.parse(raw.toString('utf8'))));
    }
    return out;
  }
}

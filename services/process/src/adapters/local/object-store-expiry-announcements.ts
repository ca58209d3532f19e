import { PartitionsExpired, type DetailInputOf } from '@clickstream/contracts';
import type { ObjectStore } from '@clickstream/runtime';
import type { ExpiryAnnouncements } from '../../ports/app-retention.js';

/** PartitionsExpired announcements not yet published: `process/retention-outbox/<id>.json`. */
export class ObjectStoreExpiryAnnouncements implements ExpiryAnnouncements {
  constructor(
    private readonly store: ObjectStore,
    private readonly prefix = 'process/retention-outbox/',
  ) {}

  async add(id: string, detail: DetailInputOf<typeof PartitionsExpired>): Promise<void> {
    await this.store.put(`${this.prefix}${id}.json`, JSON.stringify(detail));
  }

  async list(): Promise<{ id: string; detail: DetailInputOf<typeof PartitionsExpired> }[]> {
    const out: { id: string; detail: DetailInputOf<typeof PartitionsExpired> }[] = [];
    for (const key of await this.store.list(this.prefix)) {
      const raw = await this.store.get(key);
      if (raw) out.push({ id: key.slice(this.prefix.length, -'.json'.length), detail: PartitionsExpired.schema.parse(JSON.parse(raw.toString('utf8'))) });
    }
    return out;
  }

  async remove(id: string): Promise<void> {
    await this.store.delete(`${this.prefix}${id}.json`);
  }
}

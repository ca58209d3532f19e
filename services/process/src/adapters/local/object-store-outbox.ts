import { ProcessingCompleted, type DetailInputOf } from '@clickstream/contracts';
import type { EventPublisher } from '@clickstream/lambda-kit';
import type { ObjectStore } from '@clickstream/runtime';

const PREFIX = 'process/outbox/';

/**
 * Announcements made outside the running platform (`npm run reprocess` is its own process and has
 * no bus): stored under `process/outbox/`, published by the embedded process service at start and
 * on every scheduled run, then deleted. Consumers are idempotent, so publishing one twice (a crash
 * between publish and delete) changes nothing.
 */
export class ObjectStoreOutbox {
  constructor(private readonly store: ObjectStore) {}

  async add(id: string, detail: DetailInputOf<typeof ProcessingCompleted>): Promise<void> {
    await this.store.put(`${PREFIX}${id}.json`, JSON.stringify(detail));
  }

  /** Publishes every stored announcement, oldest key first; returns how many. */
  async drain(publisher: EventPublisher): Promise<number> {
    const keys = await this.store.list(PREFIX);
    for (const key of keys) {
      const raw = await this.store.get(key);
      if (raw) await publisher.publish(ProcessingCompleted, ProcessingCompleted.schema.parse(JSON.parse(raw.toString('utf8'))));
      await this.store.delete(key);
    }
    return keys.length;
  }
}

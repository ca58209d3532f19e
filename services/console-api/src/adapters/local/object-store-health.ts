import { type ObjectStore, SerialQueue } from '@clickstream/runtime';
import type { PipelineHealthStore } from '../../ports/pipeline-health.js';

type Latest = Record<string, { at: string; summary: Record<string, unknown> }>;

/** The latest pipeline event per kind, as one JSON object in the local object store. */
export class ObjectStoreHealth implements PipelineHealthStore {
  private readonly writes = new SerialQueue();

  constructor(
    private readonly store: ObjectStore,
    private readonly key = 'console/pipeline-health.json',
  ) {}

  async latest(): Promise<Latest> {
    const raw = await this.store.get(this.key);
    return raw ? (JSON.parse(raw.toString('utf8')) as Latest) : {};
  }

  record(kind: string, at: string, summary: Record<string, unknown>): Promise<void> {
    return this.writes.run(async () => {
      const latest = await this.latest();
      // An older event delivered late (or replayed) must not hide a newer one.
      if ((latest[kind]?.at ?? '') > at) return;
      latest[kind] = { at, summary };
      await this.store.put(this.key, JSON.stringify(latest));
    });
  }
}

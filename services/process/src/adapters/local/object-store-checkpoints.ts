import type { ObjectStore } from '@clickstream/runtime';
import * as z from 'zod';
import type { Checkpoint, CheckpointStore } from '../../ports/checkpoint-store.js';

const Stored = z.object({
  committed: z.number().int().nonnegative(),
  sessionState: z.string().optional(),
  pending: z
    .object({ jobId: z.string(), from: z.number().int(), to: z.number().int(), startedAt: z.number(), shards: z.number().int().min(1).max(64).optional() })
    .optional(),
});

/** The checkpoint as one JSON object; the object store's put is atomic and fsync'ed. */
export class ObjectStoreCheckpoints implements CheckpointStore {
  constructor(
    private readonly store: ObjectStore,
    private readonly key = 'process/checkpoint.json',
  ) {}

  async load(): Promise<Checkpoint> {
    const raw = await this.store.get(this.key);
    return raw ? Stored.parse(JSON.parse(raw.toString('utf8'))) : { committed: 0 };
  }

  async save(checkpoint: Checkpoint): Promise<void> {
    await this.store.put(this.key, JSON.stringify(checkpoint));
  }
}

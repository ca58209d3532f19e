import type { ObjectStore } from '@clickstream/runtime';
import type { SessionStateStore } from '../../ports/session-state-store.js';

/** Hand-overs as one JSON-lines object per job under `process/session-state/`. */
export class ObjectStoreSessionState implements SessionStateStore {
  constructor(
    private readonly store: ObjectStore,
    private readonly prefix = 'process/session-state/',
  ) {}

  async *read(key: string): AsyncIterable<string> {
    const body = await this.store.get(key);
    if (!body) throw new Error(`session state ${key} is missing; the checkpoint names it`);
    for (const line of body.toString('utf8').split('\n')) if (line !== '') yield line;
  }

  async write(jobId: string, lines: readonly string[]): Promise<string> {
    const key = `${this.prefix}${jobId}.jsonl`;
    await this.store.put(key, lines.length === 0 ? '' : `${lines.join('\n')}\n`);
    return key;
  }

  async delete(key: string): Promise<void> {
    await this.store.delete(key);
  }
}

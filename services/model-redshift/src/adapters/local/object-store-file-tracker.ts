import { type ObjectStore, SerialQueue } from '@clickstream/runtime';
import type { FileStatus, FileTracker, TrackedFile } from '../../ports/file-tracker.js';

/** One small JSON object per file under `model-redshift/files/`, keyed by the file's key. */
export class ObjectStoreFileTracker implements FileTracker {
  private readonly writes = new SerialQueue();

  constructor(
    private readonly store: ObjectStore,
    private readonly prefix = 'model-redshift/files/',
  ) {}

  recordNew(file: TrackedFile): Promise<boolean> {
    // Serialised so the exists-then-write below behaves like DynamoDB's conditional put.
    return this.writes.run(async () => {
      const key = this.keyOf(file.key);
      if (await this.store.get(key)) return false;
      await this.store.put(key, JSON.stringify({ ...file, status: 'NEW', attempts: 0 }));
      return true;
    });
  }

  async countByStatus(status: FileStatus): Promise<number> {
    let n = 0;
    for (const key of await this.store.list(this.prefix)) {
      const raw = await this.store.get(key);
      if (raw && (JSON.parse(raw.toString('utf8')) as { status: FileStatus }).status === status) n++;
    }
    return n;
  }

  private keyOf(fileKey: string): string {
    return `${this.prefix}${encodeURIComponent(fileKey)}.json`;
  }
}

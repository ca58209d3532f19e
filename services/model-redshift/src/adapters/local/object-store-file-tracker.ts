import type { TableName } from '@clickstream/contracts';
import { systemClock, type Clock } from '@clickstream/lambda-kit';
import { type ObjectStore, SerialQueue } from '@clickstream/runtime';
import type { FailureOutcome, FileFilter, FileRecord, FileStatus, FileTracker, TrackedFile } from '../../ports/file-tracker.js';

const STATUSES: readonly FileStatus[] = ['NEW', 'LOADING', 'FAILED', 'LOADED', 'EXPIRED'];

/**
 * One small JSON object per file under `model-redshift/files/<STATUS>/`, so finding the files to
 * load reads only the NEW, FAILED and LOADING folders, never the ever-growing LOADED and EXPIRED ones. A status
 * change writes the new object before deleting the old; if a crash leaves both, the newer wins.
 * Read-check-write sections run one at a time, standing in for DynamoDB's conditional writes.
 */
export class ObjectStoreFileTracker implements FileTracker {
  private readonly writes = new SerialQueue();

  constructor(
    private readonly store: ObjectStore,
    private readonly clock: Clock = systemClock,
    private readonly prefix = 'model-redshift/files/',
  ) {}

  recordNew(file: TrackedFile): Promise<boolean> {
    return this.writes.run(async () => {
      if (await this.get(file.key)) return false;
      await this.write({ ...file, status: 'NEW', attempts: 0, updatedAt: this.clock.now() });
      return true;
    });
  }

  async countByStatus(status: FileStatus): Promise<number> {
    return (await this.store.list(`${this.prefix}${status}/`)).length;
  }

  async listByStatus(status: FileStatus, where: FileFilter = {}): Promise<FileRecord[]> {
    const out: FileRecord[] = [];
    for (const key of await this.store.list(`${this.prefix}${status}/`)) {
      const record = await this.read(key);
      if (record && (where.table === undefined || record.table === where.table) && (where.appId === undefined || record.appId === where.appId)) out.push(record);
    }
    return out;
  }

  async get(key: string): Promise<FileRecord | undefined> {
    let newest: FileRecord | undefined;
    for (const status of STATUSES) {
      const record = await this.read(this.objectKey(status, key));
      if (record && (!newest || (record.updatedAt ?? 0) > (newest.updatedAt ?? 0))) newest = record;
    }
    return newest;
  }

  async candidates(table: TableName, now: number, limit: number, currentLoadId?: string): Promise<FileRecord[]> {
    const orphans = (await this.listByStatus('LOADING')).filter((f) => f.loadId !== currentLoadId);
    const due = (await this.listByStatus('FAILED')).filter((f) => f.nextAttemptAt !== undefined && f.nextAttemptAt <= now);
    const fresh = await this.listByStatus('NEW');
    const byAge = (a: FileRecord, b: FileRecord) => a.jobId.localeCompare(b.jobId) || a.key.localeCompare(b.key);
    return [...orphans.sort(byAge), ...due.sort(byAge), ...fresh.sort(byAge)].filter((f) => f.table === table).slice(0, limit);
  }

  claim(file: FileRecord, loadId: string, now: number): Promise<boolean> {
    return this.writes.run(async () => {
      const current = await this.get(file.key);
      if (!current || current.status !== file.status || current.loadId !== file.loadId) return false;
      const { nextAttemptAt: _next, ...rest } = current;
      await this.move(current, { ...rest, status: 'LOADING', loadId, attempts: current.status === 'LOADING' ? current.attempts + 1 : current.attempts, updatedAt: now });
      return true;
    });
  }

  expire(file: FileRecord, now: number): Promise<boolean> {
    return this.writes.run(async () => {
      const current = await this.get(file.key);
      if (!current || current.status !== file.status || current.loadId !== file.loadId) return false;
      const { nextAttemptAt: _next, ...rest } = current;
      await this.move(current, { ...rest, status: 'EXPIRED', updatedAt: now });
      return true;
    });
  }

  markLoaded(keys: readonly string[], loadId: string, now: number): Promise<number> {
    return this.writes.run(async () => {
      let marked = 0;
      for (const key of keys) {
        const current = await this.get(key);
        if (current?.status !== 'LOADING' || current.loadId !== loadId) continue;
        const { nextAttemptAt: _next, lastError: _error, ...rest } = current;
        await this.move(current, { ...rest, status: 'LOADED', updatedAt: now });
        marked++;
      }
      return marked;
    });
  }

  markFailed(outcomes: readonly FailureOutcome[], loadId: string, error: string, now: number): Promise<number> {
    return this.writes.run(async () => {
      let marked = 0;
      for (const outcome of outcomes) {
        const current = await this.get(outcome.key);
        if (current?.status !== 'LOADING' || current.loadId !== loadId) continue;
        const { nextAttemptAt: _next, ...rest } = current;
        await this.move(current, {
          ...rest,
          status: 'FAILED',
          attempts: outcome.attempts,
          lastError: error,
          ...(outcome.nextAttemptAt === undefined ? {} : { nextAttemptAt: outcome.nextAttemptAt }),
          updatedAt: now,
        });
        marked++;
      }
      return marked;
    });
  }

  resetExhausted(now: number, table?: TableName): Promise<string[]> {
    return this.writes.run(async () => {
      const reset: string[] = [];
      for (const file of await this.listByStatus('FAILED')) {
        if (file.nextAttemptAt !== undefined || (table && file.table !== table)) continue;
        const { loadId: _load, ...rest } = file;
        await this.move(file, { ...rest, status: 'NEW', attempts: 0, updatedAt: now });
        reset.push(file.key);
      }
      return reset;
    });
  }

  private async move(from: FileRecord, to: FileRecord): Promise<void> {
    await this.write(to);
    if (from.status !== to.status) await this.store.delete(this.objectKey(from.status, from.key));
  }

  private async write(record: FileRecord): Promise<void> {
    await this.store.put(this.objectKey(record.status, record.key), JSON.stringify(record));
  }

  private async read(objectKey: string): Promise<FileRecord | undefined> {
    const raw = await this.store.get(objectKey);
    return raw ? (JSON.parse(raw.toString('utf8')) as FileRecord) : undefined;
  }

  private objectKey(status: FileStatus, fileKey: string): string {
    return `${this.prefix}${status}/${encodeURIComponent(fileKey)}.json`;
  }
}

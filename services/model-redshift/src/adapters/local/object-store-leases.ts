import type { TableName } from '@clickstream/contracts';
import { type ObjectStore, SerialQueue } from '@clickstream/runtime';
import type { LeaseStore } from '../../ports/file-tracker.js';

interface Lease {
  owner: string;
  expiresAt: number;
}

/** `model-redshift/leases/<table>.json`; deleted on release, so an idle install keeps no lease objects. */
export class ObjectStoreLeases implements LeaseStore {
  private readonly writes = new SerialQueue();

  constructor(
    private readonly store: ObjectStore,
    private readonly prefix = 'model-redshift/leases/',
  ) {}

  acquire(table: TableName, owner: string, now: number, ttlMs: number): Promise<boolean> {
    return this.writes.run(async () => {
      const current = await this.read(table);
      if (current && current.owner !== owner && current.expiresAt > now) return false;
      await this.store.put(this.key(table), JSON.stringify({ owner, expiresAt: now + ttlMs } satisfies Lease));
      return true;
    });
  }

  release(table: TableName, owner: string): Promise<void> {
    return this.writes.run(async () => {
      if ((await this.read(table))?.owner === owner) await this.store.delete(this.key(table));
    });
  }

  async holder(table: TableName, now: number): Promise<Lease | undefined> {
    const lease = await this.read(table);
    return lease && lease.expiresAt > now ? lease : undefined;
  }

  forceRelease(table: TableName): Promise<void> {
    return this.writes.run(() => this.store.delete(this.key(table)));
  }

  private async read(table: TableName): Promise<Lease | undefined> {
    const raw = await this.store.get(this.key(table));
    return raw ? (JSON.parse(raw.toString('utf8')) as Lease) : undefined;
  }

  private key(table: TableName): string {
    return `${this.prefix}${table}.json`;
  }
}

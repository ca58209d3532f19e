import { partitionDay, partitionLocation, type Partition, type TableName } from '@clickstream/contracts';
import type { ObjectStore } from '@clickstream/runtime';
import { rmdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { partitionOfKey } from '../../domain/retention.js';
import type { WarehousePartitions } from '../../ports/app-retention.js';

/**
 * The embedded warehouse's partitions through the object-store port (an FsObjectStore rooted at
 * the warehouse folder): files are listed and deleted by key, then the emptied day, month and year
 * folders are removed so the folder tree shows what is left.
 */
export class ObjectStoreWarehousePartitions implements WarehousePartitions {
  constructor(private readonly store: ObjectStore) {}

  async listBefore(table: TableName, appId: string, cutoff: string): Promise<Partition[]> {
    const found = new Map<string, Partition>();
    for (const key of await this.store.list(`${table}/app_id=${appId}/`)) {
      const p = partitionOfKey(table, appId, key);
      if (!p || partitionDay(p) >= cutoff) continue;
      const location = partitionLocation(p);
      found.set(location, { ...p, location });
    }
    return [...found.values()].sort((a, b) => (partitionDay(a) < partitionDay(b) ? -1 : 1));
  }

  async delete(partition: Partition): Promise<number> {
    const keys = await this.store.list(`${partition.location}/`);
    for (const key of keys) await this.store.delete(key);
    // day=…, month=…, year=… folders, while empty; never the app's folder or above.
    let dir = this.store.pathOf(partition.location);
    for (let level = 0; level < 3; level++) {
      try {
        await rmdir(dir);
      } catch {
        break; // not empty (other files, a writer's temporary file) or gone: leave it
      }
      dir = dirname(dir);
    }
    return keys.length;
  }
}

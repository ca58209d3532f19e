import type { DetailInputOf, Partition, PartitionsExpired, TableName } from '@clickstream/contracts';

/** The process service's own copy of an app's data retention (from AppRegistered / AppUpdated / AppDeleted). */
export interface StoredAppRetention {
  appId: string;
  /** Days of processed data to keep; 0 keeps everything. */
  retentionDays: number;
  /** The app's revision it came from: an older event never overwrites a newer one. */
  revision: number;
  /** The app was deleted; its data stays and keeps ageing out under its last retention. */
  deleted: boolean;
}

export interface AppRetentionStore {
  get(appId: string): Promise<StoredAppRetention | undefined>;
  /** Stores `app` if the stored revision is still `expectedRevision` (-1: none); false when another write won. */
  put(app: StoredAppRetention, expectedRevision: number): Promise<boolean>;
  list(): Promise<StoredAppRetention[]>;
}

/** The warehouse files as retention sees them: one table's day partitions of one app (S3 on AWS, files locally). */
export interface WarehousePartitions {
  /** The day partitions of `table` for `appId` whose day is before `cutoff` (`YYYY-MM-DD`), oldest first. */
  listBefore(table: TableName, appId: string, cutoff: string): Promise<Partition[]>;
  /** Deletes every file of the partition; returns how many there were (0 when already gone). */
  delete(partition: Partition): Promise<number>;
}

/**
 * PartitionsExpired announcements written before their files are deleted and removed once
 * published: a stop in between publishes them at the next run instead of losing them.
 */
export interface ExpiryAnnouncements {
  add(id: string, detail: DetailInputOf<typeof PartitionsExpired>): Promise<void>;
  /** Oldest id first. */
  list(): Promise<{ id: string; detail: DetailInputOf<typeof PartitionsExpired> }[]>;
  remove(id: string): Promise<void>;
}

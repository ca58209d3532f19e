import {
  MAX_EXPIRED_PARTITIONS_PER_EVENT,
  PartitionsExpired,
  TableName,
  type DetailInputOf,
  type Partition,
} from '@clickstream/contracts';
import type { Clock, EventPublisher } from '@clickstream/lambda-kit';
import type { AppRetentionStore, ExpiryAnnouncements, StoredAppRetention, WarehousePartitions } from '../ports/app-retention.js';
import { retentionCutoffMs } from './retention-cutoff.js';

/**
 * Brings the copy of an app's retention up to date with an App*.v1 event. Safe to replay and to
 * receive out of order: a revision no newer than the stored one changes nothing. AppDeleted keeps
 * the last retention (the data stays, and keeps ageing out).
 */
export async function applyAppChange(
  store: AppRetentionStore,
  change: { appId: string; revision: number } & ({ kind: 'upsert'; retentionDays: number | undefined } | { kind: 'delete' }),
): Promise<'applied' | 'stale'> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await store.get(change.appId);
    if (current && current.revision >= change.revision) return 'stale';
    const next: StoredAppRetention =
      change.kind === 'upsert'
        ? { appId: change.appId, retentionDays: change.retentionDays ?? 0, revision: change.revision, deleted: false }
        : { appId: change.appId, retentionDays: current?.retentionDays ?? 0, revision: change.revision, deleted: true };
    if (await store.put(next, current?.revision ?? -1)) return 'applied';
  }
  throw new Error(`retention of ${change.appId}: too many concurrent updates`);
}

/**
 * The first UTC day kept (`YYYY-MM-DD`): today minus `retentionDays`. Everything removed is older
 * than `retentionDays` whole days; a day partition goes once all of it is.
 */
export function retentionCutoff(now: number, retentionDays: number): string {
  // The same rule processing uses to refuse events on removed days (retention-cutoff.ts).
  return new Date(retentionCutoffMs(now, retentionDays)).toISOString().slice(0, 10);
}

export interface RetentionPorts {
  retention: AppRetentionStore;
  partitions: WarehousePartitions;
  announcements: ExpiryAnnouncements;
  publisher: EventPublisher;
  clock: Clock;
}

export interface RetentionRun {
  cutoffs: Record<string, string>;
  /** Per app and table, the partitions removed. */
  expired: { appId: string; table: TableName; partitions: number; files: number }[];
  /** Announcements a previous run left unpublished, published now. */
  leftovers: number;
  /** Stopped early (time budget); the next run carries on. */
  incomplete: boolean;
}

/**
 * Deletes every day partition older than its app's retention, table by table: the announcement is
 * stored, the files deleted, then PartitionsExpired.v1 published and the stored copy removed. So
 * consumers hear of a partition only once its files are gone, and a stop at any point loses
 * nothing (the next run publishes what is stored and finds what is left). Stops before starting a
 * table once `deadline` (epoch ms) is near.
 */
export async function applyRetention(ports: RetentionPorts, options: { deadline?: number; runId?: string } = {}): Promise<RetentionRun> {
  const run: RetentionRun = { cutoffs: {}, expired: [], leftovers: 0, incomplete: false };
  run.leftovers = await publishAnnouncements(ports);
  const now = ports.clock.now();
  const expiredAt = new Date(now).toISOString();
  const runId = options.runId ?? expiredAt.replace(/[^0-9]/g, '');
  const apps = (await ports.retention.list()).filter((a) => a.retentionDays > 0).sort((a, b) => (a.appId < b.appId ? -1 : 1));
  for (const app of apps) {
    const cutoff = retentionCutoff(now, app.retentionDays);
    run.cutoffs[app.appId] = cutoff;
    for (const table of TableName.options) {
      if (options.deadline !== undefined && ports.clock.now() > options.deadline) {
        run.incomplete = true;
        return run;
      }
      const partitions = await ports.partitions.listBefore(table, app.appId, cutoff);
      if (partitions.length === 0) continue;
      const details = chunk(partitions, MAX_EXPIRED_PARTITIONS_PER_EVENT).map(
        (part): DetailInputOf<typeof PartitionsExpired> => ({ appId: app.appId, table, cutoff, retentionDays: app.retentionDays, partitions: part, expiredAt }),
      );
      const ids = details.map((_, i) => `${runId}-${app.appId}-${table}-${i}`);
      for (const [i, detail] of details.entries()) await ports.announcements.add(ids[i]!, detail);
      let files = 0;
      for (const p of partitions) files += await ports.partitions.delete(p);
      for (const [i, detail] of details.entries()) {
        await ports.publisher.publish(PartitionsExpired, detail);
        await ports.announcements.remove(ids[i]!);
      }
      run.expired.push({ appId: app.appId, table, partitions: partitions.length, files });
    }
  }
  return run;
}

async function publishAnnouncements(ports: Pick<RetentionPorts, 'announcements' | 'publisher'>): Promise<number> {
  const stored = await ports.announcements.list();
  for (const { id, detail } of stored) {
    await ports.publisher.publish(PartitionsExpired, detail);
    await ports.announcements.remove(id);
  }
  return stored.length;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** `table/app_id=…/year=…/month=…/day=…/…` → the partition it is in, when the key is one of `table`'s for `appId`. */
export function partitionOfKey(table: TableName, appId: string, key: string): Omit<Partition, 'location'> | undefined {
  const m = /^([a-z_]+)\/app_id=([A-Za-z0-9_]{1,64})\/year=(\d{4})\/month=(\d{1,2})\/day=(\d{1,2})\//.exec(key);
  if (!m || m[1] !== table || m[2] !== appId) return undefined;
  return { table, appId, year: Number(m[3]), month: Number(m[4]), day: Number(m[5]) };
}

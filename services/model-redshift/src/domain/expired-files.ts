import { partitionDay, type TableName } from '@clickstream/contracts';
import type { FileStatus, FileTracker } from '../ports/file-tracker.js';
import { partitionOfKey } from './file-keys.js';

export interface ExpiredScope {
  table: TableName;
  appId: string;
  /** The first UTC day kept (`YYYY-MM-DD`): files of earlier days are gone. */
  cutoff: string;
}

export interface ExpiredFiles {
  /** Keys moved to EXPIRED by this call. */
  expired: string[];
  /** Files of expired days that changed between listing and expiring (a load claimed or marked them). */
  changed: string[];
}

/** The day of a tracked file's key, or undefined for a key outside the warehouse layout (never ours to judge). */
function dayOfKey(key: string): string | undefined {
  try {
    return partitionDay(partitionOfKey(key));
  } catch {
    return undefined;
  }
}

/**
 * Moves the tracked files of an app's table whose day is before the cutoff, and that no load can
 * still load (their files are deleted), to EXPIRED: NEW and FAILED ones always, LOADING ones only
 * when the caller holds the table's load lease (then the load that claimed them is dead; without
 * the lease they may belong to a running load, which keeps them and fails or loads on its own).
 * Each move is conditional on the state listed, like a load's claim, so a load claiming the same
 * file at the same moment either gets it (and the move answers no) or never sees it. LOADED files
 * stay LOADED: their rows are deleted with the others, and finding them would read the whole,
 * ever-growing LOADED set. A replay finds nothing left to move.
 */
export async function expireTrackedFiles(files: FileTracker, scope: ExpiredScope, now: number, options: { holdsLease: boolean }): Promise<ExpiredFiles> {
  const statuses: FileStatus[] = options.holdsLease ? ['NEW', 'FAILED', 'LOADING'] : ['NEW', 'FAILED'];
  const out: ExpiredFiles = { expired: [], changed: [] };
  for (const status of statuses) {
    for (const file of await files.listByStatus(status, { table: scope.table, appId: scope.appId })) {
      const day = dayOfKey(file.key);
      if (day === undefined || day >= scope.cutoff) continue;
      if (await files.expire(file, now)) out.expired.push(file.key);
      else out.changed.push(file.key);
    }
  }
  return out;
}

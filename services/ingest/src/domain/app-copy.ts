import type { AppSettings } from '@clickstream/contracts';

/** A change to ingest's own copy of an app, as derived from console-api's events. */
export type AppChange = { kind: 'upsert'; app: AppSettings } | { kind: 'delete'; appId: string; revision: number };

/** Stored copy: the settings, or a tombstone that remembers the revision a deletion had. */
export type StoredApp = { app: AppSettings; deleted?: false } | { appId: string; revision: number; deleted: true };

/**
 * Applies a change only when it is newer than what is stored, so replays and out-of-order
 * deliveries (EventBridge guarantees neither order nor once-only) leave the newest state.
 */
export function applyAppChange(current: StoredApp | undefined, change: AppChange): StoredApp | undefined {
  const currentRevision = current === undefined ? -1 : current.deleted ? current.revision : current.app.revision;
  const incomingRevision = change.kind === 'upsert' ? change.app.revision : change.revision;
  if (incomingRevision <= currentRevision) return undefined;
  return change.kind === 'upsert'
    ? { app: change.app }
    : { appId: change.appId, revision: change.revision, deleted: true };
}

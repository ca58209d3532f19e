import type { AppSettings } from '@clickstream/contracts';
import type { StoredApp } from '../domain/app-copy.js';

/** Ingest's own copy of the apps it serves (kept current by on-app-changed). */
export interface AppDirectory {
  get(appId: string): Promise<StoredApp | undefined>;
  /** Stores `next` unless the stored revision moved past `expectedRevision` meanwhile; false when it did. */
  put(next: StoredApp, expectedRevision: number): Promise<boolean>;
}

export function activeApp(stored: StoredApp | undefined): AppSettings | undefined {
  return stored && !stored.deleted ? stored.app : undefined;
}

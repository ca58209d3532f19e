import type { AppSettings } from '@clickstream/contracts';
import type { AppDirectory } from '../ports/app-directory.js';
import { applyAppChange, type AppChange } from './app-copy.js';

/**
 * Brings ingest's copy of an app up to date with a console-api event. Safe to replay: an event no
 * newer than the stored copy changes nothing. Retries a lost race with a concurrent delivery.
 */
export async function updateAppCopy(apps: AppDirectory, change: AppChange): Promise<'applied' | 'stale'> {
  const appId = change.kind === 'upsert' ? change.app.appId : change.appId;
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = await apps.get(appId);
    const next = applyAppChange(current, change);
    if (!next) return 'stale';
    const expected = current === undefined ? -1 : current.deleted ? current.revision : current.app.revision;
    if (await apps.put(next, expected)) return 'applied';
  }
  throw new Error(`app ${appId}: too many concurrent updates`);
}

export const upsert = (app: AppSettings): AppChange => ({ kind: 'upsert', app });

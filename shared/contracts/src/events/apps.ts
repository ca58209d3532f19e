import * as z from 'zod';
import { defineContract } from '../contract.js';
import { AppId, IsoTime, ProjectId } from '../common.js';
import { Sources } from '../sources.js';

/** What ingest needs to know about an app to accept its traffic. */
export const AppSettings = z.object({
  appId: AppId,
  projectId: ProjectId,
  name: z.string().min(1).max(128),
  platform: z.string().min(1).max(32),
  enabled: z.boolean(),
  /** Origins allowed for credentialed CORS, e.g. `https://shop.example.com`. `*` means any origin. */
  allowedOrigins: z.array(z.string().min(1).max(256)).max(100),
  timezone: z.string().min(1).default('UTC'),
  /**
   * Days of processed data to keep: partitions older than that many whole UTC days are deleted
   * daily (process's schedule-apply-retention). 0 keeps everything; absent (older producers) = 0.
   */
  retentionDays: z.number().int().min(0).max(3_650).optional(),
  /** Monotonic per app, so a consumer can ignore an older copy delivered after a newer one. */
  revision: z.number().int().nonnegative(),
});
export type AppSettings = z.infer<typeof AppSettings>;

const exampleApp = {
  appId: 'shop_web',
  projectId: 'shop',
  name: 'Shop website',
  platform: 'Web',
  enabled: true,
  allowedOrigins: ['https://shop.example.com'],
  timezone: 'Europe/Paris',
  retentionDays: 395,
  revision: 1,
};

export const AppRegistered = defineContract({
  source: Sources.consoleApi,
  detailType: 'AppRegistered.v1',
  producer: 'console-api',
  description: 'An app was created in a project; ingest starts accepting its traffic.',
  schema: AppSettings.extend({ registeredAt: IsoTime }),
  example: { ...exampleApp, registeredAt: '2026-11-29T10:00:00.000Z' },
});

export const AppUpdated = defineContract({
  source: Sources.consoleApi,
  detailType: 'AppUpdated.v1',
  producer: 'console-api',
  description: "An app's settings changed (enabled flag, CORS allowlist, timezone, name, data retention).",
  schema: AppSettings.extend({ updatedAt: IsoTime }),
  example: { ...exampleApp, enabled: false, revision: 2, updatedAt: '2026-11-29T11:00:00.000Z' },
});

export const AppDeleted = defineContract({
  source: Sources.consoleApi,
  detailType: 'AppDeleted.v1',
  producer: 'console-api',
  description: 'An app was deleted; ingest rejects its traffic from now on.',
  schema: z.object({
    appId: AppId,
    projectId: ProjectId,
    revision: z.number().int().nonnegative(),
    deletedAt: IsoTime,
  }),
  example: { appId: 'shop_web', projectId: 'shop', revision: 3, deletedAt: '2026-11-29T12:00:00.000Z' },
});

import { AppSettings, IsoTime, PipelineConfig, ProjectId } from '@clickstream/contracts';
import * as z from 'zod';
import { Role } from './roles.js';

/** A project groups apps that share one pipeline configuration. */
export const Project = z.object({
  projectId: ProjectId,
  name: z.string().min(1).max(128),
  description: z.string().max(2_000),
  createdAt: IsoTime,
  updatedAt: IsoTime,
  /** Bumped by every change; updates name the revision they started from. */
  revision: z.number().int().positive(),
});
export type Project = z.infer<typeof Project>;

/**
 * An app as the console keeps it: the settings every service gets in the App*.v1 events, plus what
 * only the console needs.
 */
export const ConsoleApp = AppSettings.extend({
  /** Days of processed data to keep (0 = keep forever). */
  retentionDays: z.number().int().min(0).max(3_650),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type ConsoleApp = z.infer<typeof ConsoleApp>;

/** The settings a contract event carries: AppSettings is stricter about extra keys than the console record. */
export function appSettingsOf(app: ConsoleApp): AppSettings {
  return AppSettings.parse(app);
}

/** One saved version of a project's pipeline configuration. */
export const PipelineVersion = z.object({
  projectId: ProjectId,
  version: z.number().int().positive(),
  config: PipelineConfig,
  changedBy: z.string().min(1),
  changedAt: IsoTime,
  comment: z.string().max(500).optional(),
});
export type PipelineVersion = z.infer<typeof PipelineVersion>;

export const MetadataKind = z.enum(['event', 'attribute']);
export type MetadataKind = z.infer<typeof MetadataKind>;

/** A display name and description someone gave an event or attribute name. */
export const MetadataAnnotation = z.object({
  appId: z.string(),
  kind: MetadataKind,
  name: z.string().min(1).max(256),
  displayName: z.string().max(256),
  description: z.string().max(2_000),
  updatedBy: z.string().min(1),
  updatedAt: IsoTime,
});
export type MetadataAnnotation = z.infer<typeof MetadataAnnotation>;

export const Username = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._@-]{0,63}$/, 'username: 1-64 lowercase letters, digits, dots, dashes, underscores or @');

/** A local account (embedded mode without OIDC). */
export const LocalUser = z.object({
  username: Username,
  role: Role,
  disabled: z.boolean(),
  /** `scrypt$N$r$p$salt$hash` (domain/passwords.ts). */
  passwordHash: z.string().min(1),
  createdAt: IsoTime,
  updatedAt: IsoTime,
});
export type LocalUser = z.infer<typeof LocalUser>;

/** A signed-in browser. The cookie holds a random id; only its hash is stored. */
export interface LocalSession {
  idHash: string;
  username: string;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
}

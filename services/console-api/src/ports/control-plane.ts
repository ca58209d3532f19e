import type { ConsoleApp, MetadataAnnotation, MetadataKind, PipelineVersion, Project } from '../domain/model.js';
import type { OutboxMessage } from './outbox.js';

/** Projects (SQLite locally, DynamoDB on AWS). Writes are conditional: false means someone else got there first. */
export interface ProjectStore {
  list(): Promise<Project[]>;
  get(projectId: string): Promise<Project | undefined>;
  /** False when the id is taken. */
  create(project: Project): Promise<boolean>;
  /** False when the stored revision is not `expectedRevision`. */
  update(project: Project, expectedRevision: number): Promise<boolean>;
  delete(projectId: string, expectedRevision: number): Promise<boolean>;
}

/**
 * Apps. A deleted app leaves a tombstone so its id (and its data) is never handed to another app.
 * Every write stores its announcement (`event`) in the outbox in the same transaction: both or neither.
 */
export interface AppStore {
  /** Live apps, ordered by id. */
  list(): Promise<ConsoleApp[]>;
  get(appId: string): Promise<ConsoleApp | undefined>;
  /** False when the id is taken by a live or a deleted app (nothing is stored then). */
  create(app: ConsoleApp, event: OutboxMessage): Promise<boolean>;
  /** False when the stored revision is not `expectedRevision` (or the app is gone). */
  update(app: ConsoleApp, expectedRevision: number, event: OutboxMessage): Promise<boolean>;
  /** Replaces the app by a tombstone at `revision`; false when the stored revision is not `expectedRevision`. */
  delete(appId: string, revision: number, expectedRevision: number, deletedAt: string, event: OutboxMessage): Promise<boolean>;
}

/** The versions of each project's pipeline configuration; versions are only ever appended. */
export interface PipelineConfigStore {
  latest(projectId: string): Promise<PipelineVersion | undefined>;
  get(projectId: string, version: number): Promise<PipelineVersion | undefined>;
  /** Newest first. */
  list(projectId: string): Promise<PipelineVersion[]>;
  /** False when that version already exists (a concurrent save won); stores `event` in the outbox with it. */
  append(version: PipelineVersion, event: OutboxMessage): Promise<boolean>;
}

/** Display names and descriptions of event and attribute names. */
export interface MetadataStore {
  list(appId: string): Promise<MetadataAnnotation[]>;
  put(annotation: MetadataAnnotation): Promise<void>;
  /** False when there was nothing to remove. */
  remove(appId: string, kind: MetadataKind, name: string): Promise<boolean>;
}

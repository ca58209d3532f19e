import type { PipelineConfig } from '@clickstream/contracts';

/** The process service's own copy of one project's pipeline configuration (from PipelineConfigChanged.v1). */
export interface StoredPipelineConfig {
  projectId: string;
  version: number;
  appIds: string[];
  process: PipelineConfig['process'];
  changedAt: string;
}

export interface PipelineConfigStore {
  get(projectId: string): Promise<StoredPipelineConfig | undefined>;
  /** Stores `config` if the stored version is still `expectedVersion` (-1: none); false when another write won. */
  put(config: StoredPipelineConfig, expectedVersion: number): Promise<boolean>;
  list(): Promise<StoredPipelineConfig[]>;
}

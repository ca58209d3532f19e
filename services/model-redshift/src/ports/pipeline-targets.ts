/** This service's own copy of which apps' pipelines target Redshift (from PipelineConfigChanged.v1). */
export interface AppTarget {
  appId: string;
  projectId: string;
  redshift: boolean;
  /** The pipeline config version it came from; an older one never overwrites a newer one. */
  version: number;
}

export interface PipelineTargets {
  /** Stores `target` unless a version at least as new is stored. True when stored. */
  put(target: AppTarget): Promise<boolean>;
  get(appId: string): Promise<AppTarget | undefined>;
}

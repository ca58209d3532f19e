import type { Clock, EventPublisher } from '@clickstream/lambda-kit';
import type { EmrJobStateStore } from './emr-job.js';
import type { JobLauncher } from './job-launcher.js';
import type { JobResults } from './job-results.js';
import type { PipelineConfigStore } from './pipeline-config-store.js';

export interface ProcessPorts {
  jobs: JobLauncher;
  results: JobResults;
  pipelineConfigs: PipelineConfigStore;
  /** The AWS checkpoint, committed when a run's result is announced; absent locally (the run commits itself). */
  jobState?: Pick<EmrJobStateStore, 'commit'>;
  publisher: EventPublisher;
  clock: Clock;
  /** The EMR Serverless application whose job runs are ours; undefined in embedded mode. */
  emrApplicationId?: string;
}

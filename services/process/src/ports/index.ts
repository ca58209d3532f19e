import type { Clock, EventPublisher } from '@clickstream/lambda-kit';
import type { JobLauncher } from './job-launcher.js';
import type { JobResults } from './job-results.js';

export interface ProcessPorts {
  jobs: JobLauncher;
  results: JobResults;
  publisher: EventPublisher;
  clock: Clock;
  /** The EMR Serverless application whose job runs are ours; undefined in embedded mode. */
  emrApplicationId?: string;
}

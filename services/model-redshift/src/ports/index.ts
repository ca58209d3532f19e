import type { Clock } from '@clickstream/lambda-kit';
import type { FileTracker } from './file-tracker.js';

export interface ModelRedshiftPorts {
  files: FileTracker;
  clock: Clock;
}

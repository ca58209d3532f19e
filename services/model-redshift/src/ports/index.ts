import type { Clock, EventPublisher } from '@clickstream/lambda-kit';
import type { LoadSettings } from '../domain/load-settings.js';
import type { FileTracker, LeaseStore } from './file-tracker.js';
import type { LoadLauncher } from './load-launcher.js';
import type { ManifestWriter } from './manifest-writer.js';
import type { PipelineTargets } from './pipeline-targets.js';
import type { StatementRunner } from './statement-runner.js';

export interface ModelRedshiftPorts {
  files: FileTracker;
  leases: LeaseStore;
  targets: PipelineTargets;
  launcher: LoadLauncher;
  manifests: ManifestWriter;
  statements: StatementRunner;
  publisher: EventPublisher;
  clock: Clock;
  settings: LoadSettings;
}

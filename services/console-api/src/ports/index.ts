import type { Clock, EventPublisher } from '@clickstream/lambda-kit';
import type { Analytics } from './analytics.js';
import type { AppStore } from './app-store.js';
import type { PipelineHealthStore } from './pipeline-health.js';

export interface ConsoleApiPorts {
  apps: AppStore;
  analytics: Analytics;
  health: PipelineHealthStore;
  publisher: EventPublisher;
  clock: Clock;
}

// Processing, partition and load events → the pipeline health the console shows.
import { eventHandler } from '@clickstream/lambda-kit';
import { invalidatesAnalytics, pipelineContracts, recordPipelineEvent } from '../domain/pipeline-health.js';
import { logger, ports } from '../wiring.js';

export const handler = eventHandler(logger, pipelineContracts, async (delivery) => {
  const { health, analytics } = ports();
  await recordPipelineEvent(health, delivery);
  // In embedded mode this is the process that serves queries; Lambda containers of http-api keep
  // their own caches (the analytics engine bounds their age).
  if (invalidatesAnalytics(delivery)) analytics.invalidate();
});

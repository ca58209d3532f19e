// Processing, partition and load events → the pipeline health the console shows.
import { eventHandler } from '@clickstream/lambda-kit';
import { pipelineContracts, summarisePipelineEvent } from '../domain/pipeline-health.js';
import { logger, ports } from '../wiring.js';

export const handler = eventHandler(logger, pipelineContracts, async (delivery) => {
  const { at, summary } = summarisePipelineEvent(delivery);
  await ports().health.record(delivery.detailType, at, summary);
});

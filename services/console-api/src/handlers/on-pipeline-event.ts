// Processing, partition and load events → the pipeline health the console shows.
import {
  AthenaPartitionsAdded,
  ProcessingCompleted,
  ProcessingFailed,
  RedshiftLoadCompleted,
  RedshiftLoadFailed,
} from '@clickstream/contracts';
import { eventHandler } from '@clickstream/lambda-kit';
import { summarisePipelineEvent } from '../domain/pipeline-health.js';
import { logger, ports } from '../wiring.js';

export const handler = eventHandler(
  logger,
  [ProcessingCompleted, ProcessingFailed, AthenaPartitionsAdded, RedshiftLoadCompleted, RedshiftLoadFailed],
  async (delivery) => {
    const { at, summary } = summarisePipelineEvent(delivery);
    await ports().health.record(delivery.detailType, at, summary);
  },
);

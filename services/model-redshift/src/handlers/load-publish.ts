// Load state machine → RedshiftLoadCompleted.v1 (PublishCompleted) or RedshiftLoadFailed.v1 (PublishFailed).
import * as z from 'zod';
import { BatchInput, PublishFailedInput, publishCompleted, publishFailed } from '../domain/load-steps.js';
import { logger, ports } from '../wiring.js';
import { stepTask } from './step-task.js';

const Input = z.discriminatedUnion('outcome', [
  BatchInput.extend({ outcome: z.literal('completed') }),
  PublishFailedInput.extend({ outcome: z.literal('failed') }),
]);

export const handler = stepTask(logger, 'load-publish', Input, (input): Promise<object> =>
  input.outcome === 'completed' ? publishCompleted(ports(), input) : publishFailed(ports(), input),
);

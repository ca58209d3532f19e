// Load state machine → the batch's files LOADED (MarkLoaded) or FAILED with backoff (MarkFailed).
import * as z from 'zod';
import { BatchInput, FailInput, markFailed, markLoaded } from '../domain/load-steps.js';
import { logger, ports } from '../wiring.js';
import { stepTask } from './step-task.js';

const Input = z.discriminatedUnion('action', [BatchInput.extend({ action: z.literal('loaded') }), FailInput.extend({ action: z.literal('failed') })]);

export const handler = stepTask(logger, 'load-mark-files', Input, (input): Promise<object> =>
  input.action === 'loaded' ? markLoaded(ports(), input) : markFailed(ports(), input),
);

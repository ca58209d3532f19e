// Load state machine → submit the COPY or the MERGE of a batch to the Data API (StartCopy, StartMerge).
import * as z from 'zod';
import { CopyInput, MergeInput, startCopy, startMerge } from '../domain/load-steps.js';
import { logger, ports } from '../wiring.js';
import { stepTask } from './step-task.js';

const Input = z.discriminatedUnion('step', [CopyInput.extend({ step: z.literal('copy') }), MergeInput.extend({ step: z.literal('merge') })]);

export const handler = stepTask(logger, 'load-run-statement', Input, (input): Promise<object> =>
  input.step === 'copy' ? startCopy(ports(), input) : startMerge(ports(), input),
);

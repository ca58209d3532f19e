// Load state machine → take or give back the table's lease (AcquireLease, ReleaseLease*).
import * as z from 'zod';
import { LeaseInput, acquireLease, releaseLease } from '../domain/load-steps.js';
import { logger, ports } from '../wiring.js';
import { stepTask } from './step-task.js';

const Input = z.discriminatedUnion('action', [LeaseInput.extend({ action: z.literal('acquire') }), LeaseInput.extend({ action: z.literal('release') })]);

export const handler = stepTask(logger, 'load-lease', Input, ({ action, ...input }): Promise<object> =>
  action === 'acquire' ? acquireLease(ports(), input) : releaseLease(ports(), input),
);

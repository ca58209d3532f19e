// Load state machine → claim the next batch of the table's files (ClaimFiles).
import { ClaimInput, claimFiles } from '../domain/load-steps.js';
import { logger, ports } from '../wiring.js';
import { stepTask } from './step-task.js';

export const handler = stepTask(logger, 'load-claim-files', ClaimInput, (input) => claimFiles(ports(), input));

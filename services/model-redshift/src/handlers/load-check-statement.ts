// Load state machine → one DescribeStatement poll (CheckCopy, CheckMerge).
import { CheckInput, checkStatement } from '../domain/load-steps.js';
import { logger, ports } from '../wiring.js';
import { stepTask } from './step-task.js';

export const handler = stepTask(logger, 'load-check-statement', CheckInput, (input) => checkStatement(ports(), input));

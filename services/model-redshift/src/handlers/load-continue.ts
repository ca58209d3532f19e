// Load state machine → start a child execution for the rest of the backlog (ContinueInChild).
import { ContinueInput, continueInChild } from '../domain/load-steps.js';
import { logger, ports } from '../wiring.js';
import { stepTask } from './step-task.js';

export const handler = stepTask(logger, 'load-continue', ContinueInput, (input) => continueInChild(ports(), input));

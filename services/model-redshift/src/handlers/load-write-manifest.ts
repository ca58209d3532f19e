// Load state machine → write the COPY manifests of a batch (WriteManifest).
import { ManifestInput, writeManifests } from '../domain/load-steps.js';
import { logger, ports } from '../wiring.js';
import { stepTask } from './step-task.js';

export const handler = stepTask(logger, 'load-write-manifest', ManifestInput, (input) => writeManifests(ports(), input));

export * from './contract.js';
export * from './sources.js';
export * from './common.js';
export * from './event-model.js';
export * from './envelope.js';
export * from './warehouse.js';
export * from './processing-steps.js';
export * from './events/apps.js';
export * from './events/pipeline.js';
export * from './events/processing.js';
export * from './events/modeling.js';
export * from './events/retention.js';

import { AppDeleted, AppRegistered, AppUpdated } from './events/apps.js';
import { PipelineConfigChanged } from './events/pipeline.js';
import { ProcessingCompleted, ProcessingFailed } from './events/processing.js';
import { AthenaPartitionsAdded, RedshiftLoadCompleted, RedshiftLoadFailed } from './events/modeling.js';
import { PartitionsExpired } from './events/retention.js';

/** Every EventBridge contract, in the order docs/EVENTS.md lists them. */
export const allContracts = [
  AppRegistered,
  AppUpdated,
  AppDeleted,
  PipelineConfigChanged,
  ProcessingCompleted,
  ProcessingFailed,
  PartitionsExpired,
  AthenaPartitionsAdded,
  RedshiftLoadCompleted,
  RedshiftLoadFailed,
] as const;

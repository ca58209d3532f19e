// PipelineConfigChanged from console-api → the process service's own copy of the project's configuration.
import { PipelineConfigChanged } from '@clickstream/contracts';
import { eventHandler } from '@clickstream/lambda-kit';
import { applyPipelineConfig } from '../domain/pipeline-configs.js';
import { logger, ports } from '../wiring.js';

export const handler = eventHandler(logger, [PipelineConfigChanged], async ({ detail }) => {
  const outcome = await applyPipelineConfig(ports().pipelineConfigs, {
    projectId: detail.projectId,
    version: detail.version,
    appIds: detail.appIds,
    process: detail.config.process,
    changedAt: detail.changedAt,
  });
  logger.info('pipeline configuration', { projectId: detail.projectId, version: detail.version, outcome });
});

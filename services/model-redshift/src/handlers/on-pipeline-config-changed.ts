// PipelineConfigChanged.v1 → keep this service's own copy of which apps load into Redshift.
import { PipelineConfigChanged } from '@clickstream/contracts';
import { eventHandler } from '@clickstream/lambda-kit';
import { targetsOf } from '../domain/pipeline-targets.js';
import { logger, ports } from '../wiring.js';

export const handler = eventHandler(logger, [PipelineConfigChanged], async ({ detail }) => {
  const { targets } = ports();
  let stored = 0;
  for (const target of targetsOf(detail)) if (await targets.put(target)) stored++;
  logger.info('pipeline targets stored', { projectId: detail.projectId, version: detail.version, apps: detail.appIds.length, stored });
});

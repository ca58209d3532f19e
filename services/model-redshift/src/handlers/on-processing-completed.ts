// ProcessingCompleted.v1 → record each written file as NEW for the Redshift loader.
import { ProcessingCompleted } from '@clickstream/contracts';
import { eventHandler } from '@clickstream/lambda-kit';
import { trackRunFiles } from '../domain/track-files.js';
import { logger, ports } from '../wiring.js';

export const handler = eventHandler(logger, [ProcessingCompleted], async ({ detail }) => {
  const result = await trackRunFiles(ports().files, detail);
  logger.info('files tracked', { jobId: detail.jobId, ...result });
});

// Schedule → start a processing run (EMR Serverless on AWS, in-process when embedded).
import { scheduleHandler } from '@clickstream/lambda-kit';
import { logger, ports } from '../wiring.js';

export const handler = scheduleHandler(logger, async (firedAt) => {
  const outcome = await ports().jobs.launch(firedAt);
  logger.info('processing run', { ...outcome });
});

// Schedule → start a Redshift load of NEW files. The loading state machine arrives with issue 7;
// until then this reports the backlog so it shows in logs and metrics.
import { scheduleHandler } from '@clickstream/lambda-kit';
import { logger, ports } from '../wiring.js';

export const handler = scheduleHandler(logger, async () => {
  const backlog = await ports().files.countByStatus('NEW');
  logger.info('redshift load backlog', { newFiles: backlog });
});

// Schedule (default every 5 minutes) → start a load of every table with files to load and no
// running load: NEW files, FAILED ones whose backoff has passed, and orphans of a dead load.
import { scheduleHandler } from '@clickstream/lambda-kit';
import { allTables, startLoads } from '../domain/start-loads.js';
import { logger, ports } from '../wiring.js';

export const handler = scheduleHandler(logger, async (firedAt) => {
  const outcome = await startLoads(ports(), allTables, `schedule ${firedAt.toISOString()}`);
  logger.info('scheduled loads', { ...outcome });
});

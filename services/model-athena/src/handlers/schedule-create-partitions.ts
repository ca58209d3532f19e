// Daily: pre-create tomorrow's partitions for every active app, so fresh data is queryable at once.
import { scheduleHandler } from '@clickstream/lambda-kit';
import { partitionsForDay } from '../domain/partitions.js';
import { logger, ports } from '../wiring.js';

const DAY_MS = 86_400_000;

export const handler = scheduleHandler(logger, async (firedAt) => {
  const { catalog } = ports();
  const apps = await catalog.activeApps();
  const result = await catalog.addPartitions(partitionsForDay(apps, new Date(firedAt.getTime() + DAY_MS)));
  logger.info('next-day partitions created', { apps: apps.length, ...result });
});

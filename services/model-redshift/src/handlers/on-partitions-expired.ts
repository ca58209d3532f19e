// PartitionsExpired.v1 → delete the app's rows of the expired days from that Redshift table (under its load lease).
import { PartitionsExpired } from '@clickstream/contracts';
import { eventHandler } from '@clickstream/lambda-kit';
import { expireRows } from '../domain/retention.js';
import { logger, ports } from '../wiring.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export const handler = eventHandler(logger, [PartitionsExpired], async ({ detail, event }) => {
  await expireRows(ports(), detail, { owner: `retention-${event.id}`, sleep, leaseWaitMs: 120_000, statementWaitMs: 150_000, pollMs: 1_000 });
  logger.info('expired rows deleted', { appId: detail.appId, table: detail.table, cutoff: detail.cutoff, partitions: detail.partitions.length });
});

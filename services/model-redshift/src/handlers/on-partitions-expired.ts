// PartitionsExpired.v1 → the expired days' tracked files become EXPIRED (never loaded) and their rows leave that Redshift table (under its load lease).
import { PartitionsExpired } from '@clickstream/contracts';
import { eventHandler } from '@clickstream/lambda-kit';
import { expirePartitions } from '../domain/retention.js';
import { logger, ports } from '../wiring.js';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export const handler = eventHandler(logger, [PartitionsExpired], async ({ detail, event }) => {
  const outcome = await expirePartitions(ports(), detail, { owner: `retention-${event.id}`, sleep, leaseWaitMs: 120_000, statementWaitMs: 150_000, pollMs: 1_000 });
  logger.info('expired partitions applied', {
    appId: detail.appId,
    table: detail.table,
    cutoff: detail.cutoff,
    partitions: detail.partitions.length,
    filesExpired: outcome.filesExpired.length,
  });
});

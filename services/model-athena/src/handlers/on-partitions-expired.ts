// PartitionsExpired.v1 → drop exactly those partitions from the catalog (Glue; the DuckDB views locally).
import { PartitionsExpired } from '@clickstream/contracts';
import { eventHandler } from '@clickstream/lambda-kit';
import { retentionPorts } from '../retention-wiring.js';
import { logger } from '../wiring.js';

export const handler = eventHandler(logger, [PartitionsExpired], async ({ detail }) => {
  const { removed, alreadyGone } = await retentionPorts().partitions.removePartitions(detail.partitions);
  logger.info('expired partitions dropped', { appId: detail.appId, table: detail.table, cutoff: detail.cutoff, removed, alreadyGone });
});

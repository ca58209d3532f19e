// ProcessingCompleted.v1 → register exactly the partitions the run lists, then AthenaPartitionsAdded.v1.
import { AthenaPartitionsAdded, ProcessingCompleted } from '@clickstream/contracts';
import { eventHandler } from '@clickstream/lambda-kit';
import { partitionsToRegister } from '../domain/partitions.js';
import { logger, ports } from '../wiring.js';

export const handler = eventHandler(logger, [ProcessingCompleted], async ({ detail }) => {
  const { catalog, publisher, clock } = ports();
  const partitions = partitionsToRegister(detail.partitions);
  const { added, alreadyPresent } = await catalog.addPartitions(partitions);
  logger.info('partitions registered', { jobId: detail.jobId, added, alreadyPresent });
  await publisher.publish(AthenaPartitionsAdded, {
    jobId: detail.jobId,
    partitions,
    alreadyPresent,
    addedAt: new Date(clock.now()).toISOString(),
  });
});

// Daily: delete the day partitions older than each app's retention and announce them (PartitionsExpired.v1).
import { scheduleHandler } from '@clickstream/lambda-kit';
import { applyRetention } from '../domain/retention.js';
import { retentionPorts } from '../retention-wiring.js';
import { logger } from '../wiring.js';

// Leave this much of the invocation (at most a quarter of it) for the table in progress; the next
// run carries on from there.
const MARGIN_MS = 60_000;

export const handler = scheduleHandler(logger, async (_firedAt, context) => {
  const p = retentionPorts();
  const remaining = typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : undefined;
  const run = await applyRetention(p, remaining === undefined ? {} : { deadline: p.clock.now() + remaining - Math.min(MARGIN_MS, remaining / 4) });
  if (run.incomplete) logger.warn('retention run stopped at its time budget; the next run carries on', { ...run });
  else logger.info('retention applied', { ...run });
});

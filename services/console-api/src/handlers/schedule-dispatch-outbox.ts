// Every minute: publish the outbox records a request could not publish at once (PutEvents failed,
// the function stopped between the write and the publish). Fails when a record has waited too
// long, so the invocation ends in the DLQ and its alarm fires.
import { scheduleHandler } from '@clickstream/lambda-kit';
import { dispatchOutbox, stuckSince } from '../domain/outbox.js';
import { logger, ports } from '../wiring.js';

export const handler = scheduleHandler(logger, async () => {
  const p = ports();
  const result = await dispatchOutbox(p);
  const summary = { sent: result.sent, failed: result.failed, deferred: result.deferred, errors: result.errors };
  if (result.failed > 0) logger.warn('outbox dispatched, some publishes failed', summary);
  else logger.info('outbox dispatched', summary);
  const stuck = stuckSince(result, p.clock.now());
  if (stuck) throw new Error(`outbox: a contract event has waited since ${stuck} to be published (last errors: ${JSON.stringify(result.errors.slice(0, 3))})`);
});

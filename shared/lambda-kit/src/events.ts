import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { BusEvent, DetailOf, EventContract } from '@clickstream/contracts';
import type { Context } from 'aws-lambda';
import { ContractViolation } from './errors.js';
import type { Logger } from './logger.js';

/** One delivered event, narrowed to the contract it matched. */
export type Delivery<C extends EventContract> = C extends EventContract
  ? { contract: C; detailType: C['detailType']; detail: DetailOf<C>; event: BusEvent<unknown> }
  : never;

/**
 * The one wrapper for EventBridge consumers, identical on Lambda and on the embedded bus: finds the
 * contract by detail-type, parses `detail` with its schema (a violation is logged and thrown, so
 * the delivery ends in the rule's DLQ), adds the event id to every log line, then calls `fn`.
 */
export function eventHandler<C extends EventContract>(
  logger: Logger,
  contracts: readonly C[],
  fn: (delivery: Delivery<C>, context: Context) => Promise<void>,
) {
  const byType = new Map<string, C>(contracts.map((c) => [c.detailType, c]));
  return middy<BusEvent<unknown>, void>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      logger.appendKeys({ eventId: event.id, detailType: event['detail-type'] });
      const contract = byType.get(event['detail-type']);
      if (!contract || contract.source !== event.source) {
        logger.error('event matches no contract of this handler', { source: event.source });
        throw new ContractViolation(event['detail-type'], 'unexpected source or detail-type');
      }
      const parsed = contract.schema.safeParse(event.detail);
      if (!parsed.success) {
        logger.error('event violates its contract', { issues: parsed.error.issues });
        throw new ContractViolation(contract.detailType, parsed.error.issues);
      }
      const delivery = { contract, detailType: contract.detailType, detail: parsed.data, event };
      await fn(delivery as Delivery<C>, context);
    });
}

/** The EventBridge Scheduler / schedule-rule payload a scheduled handler receives. */
export interface ScheduledEvent {
  'detail-type': 'Scheduled Event';
  source: 'aws.events';
  time: string;
  id: string;
}

/** The wrapper for scheduled handlers: logger context and the firing time, nothing else. */
export function scheduleHandler(logger: Logger, fn: (firedAt: Date, context: Context) => Promise<void>) {
  return middy<ScheduledEvent, void>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      const firedAt = new Date(event.time);
      await fn(Number.isNaN(firedAt.getTime()) ? new Date() : firedAt, context);
    });
}

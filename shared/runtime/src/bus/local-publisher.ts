import type { DetailInputOf, EventContract } from '@clickstream/contracts';
import { validatedDetail, type EventPublisher } from '@clickstream/lambda-kit';
import type { LocalEventBus } from './local-event-bus.js';

/** The embedded adapter of EventPublisher: same validation as the EventBridge one, then the local bus. */
export function createLocalPublisher(bus: LocalEventBus): EventPublisher {
  return {
    async publish<C extends EventContract>(contract: C, detail: DetailInputOf<C>): Promise<void> {
      await bus.publish([
        { source: contract.source, detailType: contract.detailType, detail: validatedDetail(contract, detail) },
      ]);
    },
  };
}

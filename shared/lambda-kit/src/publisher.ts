import type { DetailInputOf, EventContract } from '@clickstream/contracts';

/** Port: publish a contract event. Adapters validate `detail` against the contract before sending. */
export interface EventPublisher {
  publish<C extends EventContract>(contract: C, detail: DetailInputOf<C>): Promise<void>;
}

/** Validates a detail against its contract; producers can never emit an event consumers would reject. */
export function validatedDetail<C extends EventContract>(contract: C, detail: DetailInputOf<C>): unknown {
  const parsed = contract.schema.safeParse(detail);
  if (!parsed.success) {
    throw new Error(`refusing to publish invalid ${contract.detailType}: ${parsed.error.message}`);
  }
  return parsed.data;
}

import type { RawEnvelopeV1 } from '@clickstream/contracts';

/** Where accepted requests go. Resolves only once every envelope is durable; rejects otherwise. */
export interface EventSink {
  put(envelopes: readonly RawEnvelopeV1[]): Promise<void>;
}

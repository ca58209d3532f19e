import type { EnvelopeRecord } from '../domain/envelope-records.js';

/** Where accepted requests go. Resolves only once every record is durable; rejects otherwise. */
export interface EventSink {
  put(records: readonly EnvelopeRecord[]): Promise<void>;
}

import type { DurableLog } from '@clickstream/runtime';
import type { EnvelopeRecord } from '../../domain/envelope-records.js';
import type { EventSink } from '../../ports/event-sink.js';

/** The embedded stand-in for Kinesis: `append` resolves only after fsync, so a 200 means durable. */
export class DurableLogSink implements EventSink {
  constructor(private readonly log: DurableLog) {}

  async put(records: readonly EnvelopeRecord[]): Promise<void> {
    await this.log.append(records.map((r) => Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength)));
  }
}

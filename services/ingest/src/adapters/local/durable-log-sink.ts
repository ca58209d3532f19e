import type { RawEnvelopeV1 } from '@clickstream/contracts';
import type { DurableLog } from '@clickstream/runtime';
import type { EventSink } from '../../ports/event-sink.js';

/** The embedded stand-in for Kinesis: `append` resolves only after fsync, so a 200 means durable. */
export class DurableLogSink implements EventSink {
  constructor(private readonly log: DurableLog) {}

  async put(envelopes: readonly RawEnvelopeV1[]): Promise<void> {
    await this.log.append(envelopes.map((e) => JSON.stringify(e)));
  }
}

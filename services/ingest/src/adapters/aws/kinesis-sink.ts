import { KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { EnvelopeRecord } from '../../domain/envelope-records.js';
import type { EventSink } from '../../ports/event-sink.js';
import { sendWithRetries } from './retrying-batch.js';

// PutRecords takes at most 500 records and 5 MiB per call.
const MAX_RECORDS = 500;
const MAX_CALL_BYTES = 5 * 1024 * 1024;

export class KinesisSink implements EventSink {
  constructor(
    private readonly streamName: string,
    private readonly client: KinesisClient = new KinesisClient({}),
  ) {}

  async put(envelopes: readonly EnvelopeRecord[]): Promise<void> {
    const records = envelopes.map((e) => ({ Data: e.data, PartitionKey: e.partitionKey }));
    await sendWithRetries(records, {
      maxCount: MAX_RECORDS,
      maxBytes: MAX_CALL_BYTES,
      sizeOf: (r) => r.Data.length + r.PartitionKey.length,
      send: async (batch) => {
        const out = await this.client.send(new PutRecordsCommand({ StreamName: this.streamName, Records: batch }));
        if (!out.FailedRecordCount) return [];
        return (out.Records ?? []).flatMap((r, i) => (r.ErrorCode ? [i] : []));
      },
    });
  }
}

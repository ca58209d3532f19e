import { FirehoseClient, PutRecordBatchCommand } from '@aws-sdk/client-firehose';
import type { EnvelopeRecord } from '../../domain/envelope-records.js';
import type { EventSink } from '../../ports/event-sink.js';
import { sendWithRetries } from './retrying-batch.js';

// PutRecordBatch takes at most 500 records and 4 MiB per call.
const MAX_RECORDS = 500;
const MAX_CALL_BYTES = 4 * 1024 * 1024;

export class FirehoseSink implements EventSink {
  constructor(
    private readonly deliveryStreamName: string,
    private readonly client: FirehoseClient = new FirehoseClient({}),
  ) {}

  async put(envelopes: readonly EnvelopeRecord[]): Promise<void> {
    // Exactly the JSON, as KinesisSink sends it: the delivery stream's AppendDelimiterToRecord
    // processor adds the newline that makes the S3 objects JSON lines. Adding one here too would
    // leave blank lines, and push an envelope at the record limit past Firehose's 1000 KiB.
    const records = envelopes.map((e) => ({ Data: e.data }));
    await sendWithRetries(records, {
      maxCount: MAX_RECORDS,
      maxBytes: MAX_CALL_BYTES,
      sizeOf: (r) => r.Data.length,
      send: async (batch) => {
        const out = await this.client.send(
          new PutRecordBatchCommand({ DeliveryStreamName: this.deliveryStreamName, Records: batch }),
        );
        if (!out.FailedPutCount) return [];
        return (out.RequestResponses ?? []).flatMap((r, i) => (r.ErrorCode ? [i] : []));
      },
    });
  }
}

import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import type { Logger } from './logger.js';

/** Records of a Kinesis or SQS batch: each has an id the platform uses to retry just that one. */
export type BatchRecord = { messageId: string } | { kinesis: { sequenceNumber: string } };
export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

function recordId(record: BatchRecord): string {
  return 'messageId' in record ? record.messageId : record.kinesis.sequenceNumber;
}

/**
 * Partial batch failures for stream and queue consumers: each record is processed on its own, a
 * failed one is reported back (ReportBatchItemFailures) and retried alone, never its neighbours.
 * Kinesis checkpoints at the first failure, so after one fails the rest are reported too.
 */
export function batchHandler<R extends BatchRecord>(
  logger: Logger,
  fn: (record: R, context: Context) => Promise<void>,
  { ordered = false }: { ordered?: boolean } = {},
) {
  return middy<{ Records: R[] }, BatchResponse>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .handler(async (event, context) => {
      const failures: { itemIdentifier: string }[] = [];
      for (const record of event.Records) {
        if (ordered && failures.length > 0) {
          failures.push({ itemIdentifier: recordId(record) });
          continue;
        }
        try {
          await fn(record, context);
        } catch (error) {
          logger.error('record failed', { recordId: recordId(record), error });
          failures.push({ itemIdentifier: recordId(record) });
        }
      }
      return { batchItemFailures: failures };
    });
}

import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { EmrJobState, EmrJobStateStore, EmrPendingJob } from '../../ports/emr-job.js';

const KEY = { pk: 'CHECKPOINT', sk: 'raw' };

const Item = z.object({
  processedUntil: z.number(),
  sessionState: z.string().optional(),
  pending: z.object({ jobId: z.string(), from: z.number(), to: z.number(), startedAt: z.number() }).optional(),
});

/** The AWS checkpoint in the service's state table (pk CHECKPOINT, sk raw), changed only with conditions. */
export class DynamoDbEmrJobState implements EmrJobStateStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient = new DynamoDBClient({}),
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async load(): Promise<EmrJobState> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: KEY, ConsistentRead: true }));
    return out.Item ? Item.parse(out.Item) : { processedUntil: 0 };
  }

  async start(job: EmrPendingJob, expectedProcessedUntil: number): Promise<boolean> {
    const current = await this.load();
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...KEY, ...current, pending: job },
          ConditionExpression: '(attribute_not_exists(pk) OR processedUntil = :until) AND attribute_not_exists(pending)',
          ExpressionAttributeValues: { ':until': expectedProcessedUntil },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async commit(jobId: string): Promise<void> {
    const current = await this.load();
    if (current.pending?.jobId !== jobId) return;
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: KEY,
          UpdateExpression: 'SET processedUntil = :to, sessionState = :state REMOVE pending',
          ConditionExpression: 'pending.jobId = :job',
          ExpressionAttributeValues: { ':to': current.pending.to, ':state': `jobs/${jobId}/session-state/`, ':job': jobId },
        }),
      );
    } catch (error) {
      // Someone else committed it in the meantime: the outcome is the same.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { PipelineConfig } from '@clickstream/contracts';
import * as z from 'zod';
import type { PipelineConfigStore, StoredPipelineConfig } from '../../ports/pipeline-config-store.js';
import { queryPartition } from './query-partition.js';

const PK = 'PIPELINE_CONFIG';

const Item = z.object({
  projectId: z.string(),
  version: z.number().int(),
  appIds: z.array(z.string()),
  process: PipelineConfig.shape.process,
  changedAt: z.string(),
});

/** The process service's copy of the pipeline configurations in its state table (pk PIPELINE_CONFIG, sk projectId). */
export class DynamoDbPipelineConfigs implements PipelineConfigStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient = new DynamoDBClient({}),
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async get(projectId: string): Promise<StoredPipelineConfig | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: PK, sk: projectId }, ConsistentRead: true }));
    return out.Item ? Item.parse(out.Item) : undefined;
  }

  async put(config: StoredPipelineConfig, expectedVersion: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: PK, sk: config.projectId, ...config },
          // Optimistic concurrency: racing deliveries can never let an older version win.
          ConditionExpression: 'attribute_not_exists(pk) OR version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async list(): Promise<StoredPipelineConfig[]> {
    return (await queryPartition(this.doc, this.tableName, PK)).map((item) => Item.parse(item));
  }
}

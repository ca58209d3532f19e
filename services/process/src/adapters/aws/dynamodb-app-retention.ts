import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { AppRetentionStore, StoredAppRetention } from '../../ports/app-retention.js';
import { queryPartition } from './query-partition.js';

const PK = 'APP_RETENTION';

const Item = z.object({ appId: z.string(), retentionDays: z.number().int().min(0), revision: z.number().int(), deleted: z.boolean() });
const toStored = (raw: unknown): StoredAppRetention => {
  const i = Item.parse(raw);
  return { appId: i.appId, retentionDays: i.retentionDays, revision: i.revision, deleted: i.deleted };
};

/** The process service's copy of each app's retention in its state table (pk APP_RETENTION, sk appId). */
export class DynamoDbAppRetention implements AppRetentionStore {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient = new DynamoDBClient({}),
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async get(appId: string): Promise<StoredAppRetention | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: PK, sk: appId }, ConsistentRead: true }));
    return out.Item ? toStored(out.Item) : undefined;
  }

  async put(app: StoredAppRetention, expectedRevision: number): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: PK, sk: app.appId, ...app },
          // Racing deliveries can never let an older revision win.
          ConditionExpression: expectedRevision < 0 ? 'attribute_not_exists(pk)' : 'revision = :expected',
          ...(expectedRevision < 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedRevision } }),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async list(): Promise<StoredAppRetention[]> {
    return (await queryPartition(this.doc, this.tableName, PK)).map(toStored);
  }
}

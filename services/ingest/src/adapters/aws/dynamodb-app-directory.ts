import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { AppSettings } from '@clickstream/contracts';
import * as z from 'zod';
import type { StoredApp } from '../../domain/app-copy.js';
import type { AppDirectory } from '../../ports/app-directory.js';

const Item = z.union([
  z.object({ appId: z.string(), deleted: z.literal(true), revision: z.number() }),
  z.object({ appId: z.string(), deleted: z.literal(false), revision: z.number(), app: AppSettings }),
]);

/** Ingest's copy of the apps in DynamoDB (pk `appId`), written only by on-app-changed. */
export class DynamoDbAppDirectory implements AppDirectory {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient = new DynamoDBClient({}),
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async get(appId: string): Promise<StoredApp | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { appId }, ConsistentRead: false }));
    if (!out.Item) return undefined;
    const item = Item.parse(out.Item);
    return item.deleted ? { appId: item.appId, revision: item.revision, deleted: true } : { app: item.app };
  }

  async put(next: StoredApp, expectedRevision: number): Promise<boolean> {
    const item = next.deleted
      ? { appId: next.appId, deleted: true, revision: next.revision }
      : { appId: next.app.appId, deleted: false, revision: next.app.revision, app: next.app };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          // Optimistic concurrency: two deliveries racing can never let an older revision win.
          ConditionExpression: 'attribute_not_exists(appId) OR revision = :expected',
          ExpressionAttributeValues: { ':expected': expectedRevision },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

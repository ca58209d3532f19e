import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { AppSettings } from '@clickstream/contracts';
import type { AppStore } from '../../ports/app-store.js';
import type { PipelineHealthStore } from '../../ports/pipeline-health.js';

/** Apps in the console's single table: pk `APPS`, sk `APP#<id>`. */
export class DynamoDbAppStore implements AppStore {
  constructor(
    private readonly table: string,
    private readonly doc = DynamoDBDocumentClient.from(new DynamoDBClient({})),
  ) {}

  async list(): Promise<AppSettings[]> {
    const out: AppSettings[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': 'APPS' },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) out.push(AppSettings.parse(item.app));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async get(appId: string): Promise<AppSettings | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: 'APPS', sk: `APP#${appId}` } }));
    return out.Item ? AppSettings.parse(out.Item.app) : undefined;
  }

  async create(app: AppSettings): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: 'APPS', sk: `APP#${app.appId}`, app },
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}

/** Latest pipeline event per kind: pk `HEALTH`, sk `<kind>`, written only when newer. */
export class DynamoDbHealthStore implements PipelineHealthStore {
  constructor(
    private readonly table: string,
    private readonly doc = DynamoDBDocumentClient.from(new DynamoDBClient({})),
  ) {}

  async record(kind: string, at: string, summary: Record<string, unknown>): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: 'HEALTH', sk: kind, at, summary },
          ConditionExpression: 'attribute_not_exists(sk) OR #at <= :at',
          ExpressionAttributeNames: { '#at': 'at' },
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  async latest(): Promise<Record<string, { at: string; summary: Record<string, unknown> }>> {
    const page = await this.doc.send(
      new QueryCommand({ TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'HEALTH' } }),
    );
    return Object.fromEntries((page.Items ?? []).map((i) => [String(i.sk), { at: String(i.at), summary: i.summary as Record<string, unknown> }]));
  }
}

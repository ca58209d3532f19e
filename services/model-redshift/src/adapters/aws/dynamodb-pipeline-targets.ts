import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { AppTarget, PipelineTargets } from '../../ports/pipeline-targets.js';

/** Items `pipeline#<appId>` in the files table; a conditional put keeps the newest config version. */
export class DynamoDbPipelineTargets implements PipelineTargets {
  constructor(
    private readonly table: string,
    private readonly doc = DynamoDBDocumentClient.from(new DynamoDBClient({})),
  ) {}

  async put(target: AppTarget): Promise<boolean> {
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { key: `pipeline#${target.appId}`, ...target },
          ConditionExpression: 'attribute_not_exists(#k) OR version < :v',
          ExpressionAttributeNames: { '#k': 'key' },
          ExpressionAttributeValues: { ':v': target.version },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async get(appId: string): Promise<AppTarget | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { key: `pipeline#${appId}` } }));
    if (!out.Item) return undefined;
    const { appId: id, projectId, redshift, version } = out.Item as AppTarget;
    return { appId: id, projectId, redshift, version };
  }
}

import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, paginateQuery, PutCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import type { SavedExploration, SavedExplorationInput, SavedExplorations } from '../../ports/analytics.js';

/** Saved explorations in the console's single table: pk `EXPLORATIONS#<project>`, sk `<id>`. */
export class DynamoDbSavedExplorations implements SavedExplorations {
  constructor(
    private readonly table: string,
    private readonly doc = DynamoDBDocumentClient.from(new DynamoDBClient({})),
  ) {}

  async list(projectId: string): Promise<SavedExploration[]> {
    const out: SavedExploration[] = [];
    const pages = paginateQuery({ client: this.doc }, { TableName: this.table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk(projectId) } });
    for await (const page of pages) for (const item of page.Items ?? []) out.push(item.exploration as SavedExploration);
    return out.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  }

  async get(projectId: string, id: string): Promise<SavedExploration | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: pk(projectId), sk: id } }));
    return out.Item ? (out.Item.exploration as SavedExploration) : undefined;
  }

  async create(projectId: string, input: SavedExplorationInput, by: string, at: string): Promise<SavedExploration> {
    const saved: SavedExploration = { id: randomUUID(), projectId, ...pick(input), createdBy: by, createdAt: at, updatedBy: by, updatedAt: at };
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { pk: pk(projectId), sk: saved.id, exploration: saved }, ConditionExpression: 'attribute_not_exists(sk)' }),
    );
    return saved;
  }

  async update(projectId: string, id: string, input: SavedExplorationInput, by: string, at: string): Promise<SavedExploration | undefined> {
    const before = await this.get(projectId, id);
    if (!before) return undefined;
    const saved: SavedExploration = { ...before, ...pick(input), updatedBy: by, updatedAt: at };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: pk(projectId), sk: id, exploration: saved },
          // Deleted meanwhile: do not bring it back.
          ConditionExpression: 'attribute_exists(sk)',
        }),
      );
      return saved;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async delete(projectId: string, id: string): Promise<boolean> {
    const out = await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: pk(projectId), sk: id }, ReturnValues: 'ALL_OLD' }));
    return out.Attributes !== undefined;
  }
}

const pk = (projectId: string) => `EXPLORATIONS#${projectId}`;

function pick(input: SavedExplorationInput): SavedExplorationInput {
  return { appId: input.appId, name: input.name, description: input.description, request: input.request };
}

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { PartitionsExpired, type DetailInputOf } from '@clickstream/contracts';
import * as z from 'zod';
import type { ExpiryAnnouncements } from '../../ports/app-retention.js';
import { queryPartition } from './query-partition.js';

const PK = 'RETENTION_OUTBOX';
const Item = z.object({ sk: z.string(), detail: z.string() });

/** PartitionsExpired announcements not yet published, in the state table (pk RETENTION_OUTBOX, sk id; detail as JSON text). */
export class DynamoDbExpiryAnnouncements implements ExpiryAnnouncements {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient = new DynamoDBClient({}),
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async add(id: string, detail: DetailInputOf<typeof PartitionsExpired>): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { pk: PK, sk: id, detail: JSON.stringify(detail) } }));
  }

  async list(): Promise<{ id: string; detail: DetailInputOf<typeof PartitionsExpired> }[]> {
    return (await queryPartition(this.doc, this.tableName, PK)).map((raw) => {
      const item = Item.parse(raw);
      return { id: item.sk, detail: PartitionsExpired.schema.parse(JSON.parse(item.detail)) };
    });
  }

  async remove(id: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: { pk: PK, sk: id } }));
  }
}

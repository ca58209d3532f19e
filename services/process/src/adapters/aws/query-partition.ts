import { paginateQuery, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** Every item under one partition key of the state table, page by page (strongly consistent). */
export async function queryPartition(doc: DynamoDBDocumentClient, tableName: string, pk: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  const pages = paginateQuery(
    { client: doc },
    { TableName: tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true },
  );
  for await (const page of pages) out.push(...(page.Items ?? []));
  return out;
}

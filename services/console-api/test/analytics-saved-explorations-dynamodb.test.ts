// Saved explorations in DynamoDB (mocked client): keys per project, conditional writes so an
// update never resurrects a deleted exploration, paging through the project's items.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbSavedExplorations } from '../src/adapters/aws/dynamodb-analytics-explorations.js';
import { ExploreRequest } from '../src/domain/analytics/spec.js';
import type { SavedExploration } from '../src/ports/analytics.js';

const request = ExploreRequest.parse({ dateRange: { lastDays: 28 }, exploration: { type: 'retention' } });
const input = { appId: 'shop_web', name: 'Retention', description: '', request };

function store() {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } }));
  return { mock: mockClient(doc), saved: new DynamoDbSavedExplorations('console', doc) };
}

describe('DynamoDbSavedExplorations', () => {
  it('creates under the project key, only if the id is new', async () => {
    const { mock, saved } = store();
    mock.on(PutCommand).resolves({});
    const created = await saved.create('shop', input, 'ana', '2025-03-08T00:00:00.000Z');
    const [put] = mock.commandCalls(PutCommand).map((c) => c.args[0].input);
    assert.deepEqual(put, {
      TableName: 'console',
      Item: { pk: 'EXPLORATIONS#shop', sk: created.id, exploration: created },
      ConditionExpression: 'attribute_not_exists(sk)',
    });
    assert.equal(created.createdBy, 'ana');
    assert.equal(created.updatedAt, '2025-03-08T00:00:00.000Z');
  });

  it('lists every page, sorted by name', async () => {
    const { mock, saved } = store();
    const item = (id: string, name: string) => ({ exploration: { id, name } as SavedExploration });
    mock
      .on(QueryCommand)
      .resolvesOnce({ Items: [item('2', 'b')], LastEvaluatedKey: { pk: 'x', sk: '2' } })
      .resolvesOnce({ Items: [item('1', 'a')] });
    assert.deepEqual((await saved.list('shop')).map((e) => e.id), ['1', '2']);
    assert.deepEqual(mock.commandCalls(QueryCommand)[1]!.args[0].input.ExclusiveStartKey, { pk: 'x', sk: '2' });
  });

  it('updates only what exists, and says so when it was deleted meanwhile', async () => {
    const { mock, saved } = store();
    const existing = { id: 'x1', projectId: 'shop', ...input, createdBy: 'ana', createdAt: 't0', updatedBy: 'ana', updatedAt: 't0' };
    mock.on(GetCommand).resolves({ Item: { exploration: existing } });
    mock.on(PutCommand).rejects(new ConditionalCheckFailedException({ message: 'gone', $metadata: {} }));
    assert.equal(await saved.update('shop', 'x1', { ...input, name: 'New' }, 'bob', 't1'), undefined);
    assert.equal(mock.commandCalls(PutCommand)[0]!.args[0].input.ConditionExpression, 'attribute_exists(sk)');
    mock.on(PutCommand).resolves({});
    const updated = await saved.update('shop', 'x1', { ...input, name: 'New' }, 'bob', 't1');
    assert.deepEqual([updated?.name, updated?.createdBy, updated?.updatedBy, updated?.createdAt], ['New', 'ana', 'bob', 't0']);
    mock.on(GetCommand).resolves({});
    assert.equal(await saved.update('shop', 'missing', input, 'bob', 't1'), undefined);
  });

  it('reports whether a delete removed something', async () => {
    const { mock, saved } = store();
    mock.on(DeleteCommand).resolvesOnce({ Attributes: { sk: 'x1' } }).resolves({});
    assert.equal(await saved.delete('shop', 'x1'), true);
    assert.equal(await saved.delete('shop', 'x1'), false);
    assert.deepEqual(mock.commandCalls(DeleteCommand)[0]!.args[0].input.Key, { pk: 'EXPLORATIONS#shop', sk: 'x1' });
  });
});

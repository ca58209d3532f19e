import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  type QueryExecutionState,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaAnalytics } from '../src/adapters/aws/athena-analytics.js';

const WORKGROUP = 'clickstream';
const DATABASE = 'clickstream_db';

function setup({ pollMs = 1, timeoutMs = 5_000 } = {}) {
  const client = new AthenaClient({ region: 'eu-west-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
  const athena = mockClient(client);
  athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
  athena.on(GetQueryResultsCommand).resolves({
    ResultSet: { Rows: [{ Data: [{ VarCharValue: 'n' }] }, { Data: [{ VarCharValue: '42' }] }] },
  });
  return { athena, analytics: new AthenaAnalytics(WORKGROUP, DATABASE, client, pollMs, timeoutMs) };
}

const state = (State: QueryExecutionState, StateChangeReason?: string) => ({
  QueryExecution: { QueryExecutionId: 'q-1', Status: { State, StateChangeReason } },
});

describe('AthenaAnalytics.eventCount', () => {
  it('passes the app id as an execution parameter, never in the SQL text', async () => {
    const { athena, analytics } = setup();
    athena.on(GetQueryExecutionCommand).resolves(state('SUCCEEDED'));
    await analytics.eventCount('shop_web');

    const [start] = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
    assert.ok(start);
    assert.doesNotMatch(start.QueryString!, /shop_web/);
    assert.match(start.QueryString!, /FROM events_deduped WHERE app_id = \?/);
    assert.deepEqual(start.ExecutionParameters, ["'shop_web'"]);
    assert.equal(start.WorkGroup, WORKGROUP);
    assert.deepEqual(start.QueryExecutionContext, { Database: DATABASE });
  });

  it('quotes and escapes the parameter as an SQL string literal', async () => {
    const { athena, analytics } = setup();
    athena.on(GetQueryExecutionCommand).resolves(state('SUCCEEDED'));
    await analytics.eventCount("o'brien");
    const [start] = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
    assert.deepEqual(start!.ExecutionParameters, ["'o''brien'"]);
    assert.doesNotMatch(start!.QueryString!, /brien/);
  });

  it('polls until the query SUCCEEDED, then reads the count below the header row', async () => {
    const { athena, analytics } = setup();
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(state('QUEUED'))
      .resolvesOnce(state('RUNNING'))
      .resolvesOnce(state('RUNNING'))
      .resolves(state('SUCCEEDED'));
    assert.equal(await analytics.eventCount('shop_web'), 42);
    assert.equal(athena.commandCalls(GetQueryExecutionCommand).length, 4);
    for (const call of athena.commandCalls(GetQueryExecutionCommand)) assert.deepEqual(call.args[0].input, { QueryExecutionId: 'q-1' });
    assert.deepEqual(
      athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input),
      [{ QueryExecutionId: 'q-1' }],
    );
  });

  it('answers 0 when the result has no data row', async () => {
    const { athena, analytics } = setup();
    athena.on(GetQueryExecutionCommand).resolves(state('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [{ Data: [{ VarCharValue: 'n' }] }] } });
    assert.equal(await analytics.eventCount('shop_web'), 0);
  });

  it('throws when the query FAILED, with Athena’s reason, and reads no results', async () => {
    const { athena, analytics } = setup();
    athena.on(GetQueryExecutionCommand).resolvesOnce(state('RUNNING')).resolves(state('FAILED', 'TABLE_NOT_FOUND: events_deduped'));
    await assert.rejects(analytics.eventCount('shop_web'), /Athena query failed: TABLE_NOT_FOUND: events_deduped/);
    assert.equal(athena.commandCalls(GetQueryResultsCommand).length, 0);
  });

  it('throws when the query was CANCELLED', async () => {
    const { athena, analytics } = setup();
    athena.on(GetQueryExecutionCommand).resolves(state('CANCELLED'));
    await assert.rejects(analytics.eventCount('shop_web'), /Athena query cancelled/);
  });

  it('gives up when the query outlives the timeout', async () => {
    const { athena, analytics } = setup({ pollMs: 5, timeoutMs: 30 });
    athena.on(GetQueryExecutionCommand).resolves(state('RUNNING'));
    await assert.rejects(analytics.eventCount('shop_web'), /timed out/);
  });

  it('throws when Athena returns no execution id', async () => {
    const { athena, analytics } = setup();
    athena.on(StartQueryExecutionCommand).resolves({});
    await assert.rejects(analytics.eventCount('shop_web'), /no query execution id/);
  });
});

// The Athena and Redshift Data API adapters against mocked clients: parameters are sent bound
// (Athena: quoted literals in ExecutionParameters; Redshift: named :pN Parameters), statements are
// polled to completion, every result page is read and rows come back typed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import {
  CancelStatementCommand,
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaAnalytics, AthenaAnalyticsWarehouse, athenaLiteral } from '../src/adapters/aws/athena-analytics.js';
import { RedshiftAnalytics, RedshiftAnalyticsWarehouse } from '../src/adapters/aws/redshift-analytics.js';
import { DashboardRequest, ExploreRequest } from '../src/domain/analytics/spec.js';

const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const NOW = { now: () => Date.parse('2025-03-05T12:00:00Z') };
const HOSTILE = "x'); DROP TABLE events; --";

describe('Athena analytics', () => {
  function athena() {
    const client = new AthenaClient({ region: 'eu-west-1', credentials });
    const mock = mockClient(client);
    let n = 0;
    mock.on(StartQueryExecutionCommand).callsFake(() => ({ QueryExecutionId: `q-${++n}` }));
    mock.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    mock.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [{ Data: [] }] } });
    return { mock, analytics: new AthenaAnalytics('wg', 'db', client, 1, 2_000, { clock: NOW }) };
  }

  it('sends filter values as quoted execution parameters, never in the query text', async () => {
    const { mock, analytics } = athena();
    await analytics.dashboard(
      'shop_web',
      'geo',
      DashboardRequest.parse({ dateRange: { start: '2025-03-01', end: '2025-03-05' }, filters: [{ field: { dimension: 'country' }, op: 'eq', values: [HOSTILE] }] }),
    );
    const starts = mock.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
    assert.equal(starts.length, 5, 'countries, continents, regions, cities, locales');
    for (const s of starts) {
      assert.doesNotMatch(s.QueryString!, /DROP TABLE/);
      assert.equal((s.QueryString!.match(/\?/g) ?? []).length, s.ExecutionParameters!.length);
      assert.ok(s.ExecutionParameters!.includes("'x''); DROP TABLE events; --'"));
      assert.ok(s.ExecutionParameters!.includes("'shop_web'"));
      assert.equal(s.WorkGroup, 'wg');
      assert.deepEqual(s.QueryExecutionContext, { Database: 'db' });
    }
  });

  it('reads every page of results by column name', async () => {
    const client = new AthenaClient({ region: 'eu-west-1', credentials });
    const mock = mockClient(client);
    mock.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    mock.on(GetQueryExecutionCommand).resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } }).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    const columns = ['value', 'users'].map((Name) => ({ Name, Type: 'varchar' }));
    const row = (...v: (string | undefined)[]) => ({ Data: v.map((VarCharValue) => (VarCharValue === undefined ? {} : { VarCharValue })) });
    mock
      .on(GetQueryResultsCommand)
      .resolvesOnce({ NextToken: 't2', ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: [row('value', 'users'), row('DE', '3')] } })
      .resolvesOnce({ ResultSet: { ResultSetMetadata: { ColumnInfo: columns }, Rows: [row('FR', '1'), row(undefined, '2')] } });
    const warehouse = new AthenaAnalyticsWarehouse('wg', 'db', client, 1, 2_000);
    assert.deepEqual(await warehouse.select({ sql: 'SELECT value, users FROM t', params: [] }), [
      { value: 'DE', users: '3' },
      { value: 'FR', users: '1' },
      { value: null, users: '2' },
    ]);
    assert.deepEqual(mock.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input), [
      { QueryExecutionId: 'q-1' },
      { QueryExecutionId: 'q-1', NextToken: 't2' },
    ]);
    assert.equal(mock.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.ExecutionParameters, undefined, 'no parameters, no field');
  });

  it('stops a query that outlives the timeout and answers 504', async () => {
    const client = new AthenaClient({ region: 'eu-west-1', credentials });
    const slow = mockClient(client);
    slow.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-slow' });
    slow.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    const analytics = new AthenaAnalytics('wg', 'db', client, 2, 20, { clock: NOW });
    await assert.rejects(analytics.eventCount('shop_web'), (e: Error & { status?: number }) => e.status === 504 && /timed out/.test(e.message));
    assert.deepEqual(slow.commandCalls(StopQueryExecutionCommand).map((c) => c.args[0].input), [{ QueryExecutionId: 'q-slow' }]);
  });

  it('writes literals Athena parses back to the same value', () => {
    assert.equal(athenaLiteral("it's"), "'it''s'");
    assert.equal(athenaLiteral(-2592000000), '-2592000000');
    assert.equal(athenaLiteral(0.5), '0.5');
    assert.equal(athenaLiteral(true), 'true');
    assert.equal(athenaLiteral(null), 'NULL');
    assert.throws(() => athenaLiteral(Number.NaN));
  });
});

describe('Redshift analytics (Data API)', () => {
  function redshift(target = { database: 'dev', workgroupName: 'clickstream', schema: 'clickstream' }) {
    const client = new RedshiftDataClient({ region: 'eu-west-1', credentials });
    const mock = mockClient(client);
    let n = 0;
    mock.on(ExecuteStatementCommand).callsFake(() => ({ Id: `st-${++n}` }));
    mock.on(DescribeStatementCommand).resolves({ Status: 'FINISHED', HasResultSet: true });
    mock.on(GetStatementResultCommand).resolves({ Records: [], ColumnMetadata: [] });
    return { mock, analytics: new RedshiftAnalytics(target, client, { clock: NOW, pollMs: 1, timeoutMs: 2_000 }) };
  }

  it('binds values as named parameters, writes the empty string as a literal, qualifies relations', async () => {
    const { mock, analytics } = redshift();
    await analytics.explore(
      'shop_web',
      ExploreRequest.parse({
        dateRange: { start: '2025-03-01', end: '2025-03-05' },
        filters: [
          { field: { dimension: 'page_title' }, op: 'eq', values: [HOSTILE] },
          { field: { dimension: 'page_referrer' }, op: 'neq', values: [''] },
        ],
        exploration: { type: 'funnel', steps: [{ event: '_page_view' }, { event: 'purchase' }] },
      }),
    );
    const [call] = mock.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input);
    assert.ok(call);
    assert.equal(call.WorkgroupName, 'clickstream');
    assert.equal(call.Database, 'dev');
    assert.doesNotMatch(call.Sql!, /DROP TABLE/);
    assert.match(call.Sql!, /FROM "clickstream"\."events_deduped" e/);
    assert.match(call.Sql!, /"page_referrer" <> ''\)/);
    const names = call.Parameters!.map((p) => p.name);
    assert.deepEqual(names, names.map((_, i) => `p${i + 1}`));
    for (const name of names) assert.match(call.Sql!, new RegExp(`:${name}\\b`));
    assert.ok(call.Parameters!.some((p) => p.value === HOSTILE));
    assert.ok(call.Parameters!.every((p) => p.value!.length > 0), 'the Data API refuses empty values');
  });

  it('polls, reads every result page and maps typed fields by column label', async () => {
    const { mock, analytics } = redshift();
    mock.on(DescribeStatementCommand).resolvesOnce({ Status: 'SUBMITTED' }).resolvesOnce({ Status: 'STARTED' }).resolves({ Status: 'FINISHED', HasResultSet: true });
    mock
      .on(GetStatementResultCommand)
      .resolvesOnce({ ColumnMetadata: [{ name: 'count', label: 'n' }], Records: [[{ longValue: 40 }]], NextToken: 'more' })
      .resolvesOnce({ ColumnMetadata: [{ name: 'count', label: 'n' }], Records: [[{ isNull: true }]] });
    assert.equal(await analytics.eventCount('shop_web'), 40);
    assert.equal(mock.commandCalls(DescribeStatementCommand).length, 3);
    assert.deepEqual(mock.commandCalls(GetStatementResultCommand).map((c) => c.args[0].input), [{ Id: 'st-1' }, { Id: 'st-1', NextToken: 'more' }]);
  });

  it('reports failed statements and cancels slow ones', async () => {
    const { mock, analytics } = redshift();
    mock.on(DescribeStatementCommand).resolves({ Status: 'FAILED', Error: 'relation "events_deduped" does not exist' });
    await assert.rejects(analytics.eventCount('shop_web'), /Redshift statement failed: relation "events_deduped" does not exist/);
    mock.on(DescribeStatementCommand).resolves({ Status: 'STARTED' });
    const client = new RedshiftDataClient({ region: 'eu-west-1', credentials });
    const slow = mockClient(client);
    slow.on(ExecuteStatementCommand).resolves({ Id: 'st-slow' });
    slow.on(DescribeStatementCommand).resolves({ Status: 'STARTED' });
    const warehouse = new RedshiftAnalyticsWarehouse({ database: 'dev', clusterIdentifier: 'c1', dbUser: 'console' }, client, 2, 20);
    await assert.rejects(warehouse.select({ sql: 'SELECT 1', params: [] }), (e: Error & { status?: number }) => e.status === 504);
    assert.deepEqual(slow.commandCalls(CancelStatementCommand).map((c) => c.args[0].input), [{ Id: 'st-slow' }]);
    assert.deepEqual(
      slow.commandCalls(ExecuteStatementCommand).map((c) => c.args[0].input),
      [{ Sql: 'SELECT 1', Database: 'dev', ClusterIdentifier: 'c1', DbUser: 'console' }],
    );
  });

  it('refuses targets whose names are not identifiers', () => {
    assert.throws(() => new RedshiftAnalyticsWarehouse({ database: 'dev', workgroupName: 'w', schema: 'x"; drop' }), /not an identifier/);
    assert.throws(() => new RedshiftAnalyticsWarehouse({ database: 'dev' }), /exactly one/);
    const w = new RedshiftAnalyticsWarehouse({ database: 'dev', workgroupName: 'w', relations: { events_deduped: 'events' } });
    assert.equal(w.relation('events_deduped'), '"events"');
  });
});

import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AthenaClient, GetQueryExecutionCommand, StartQueryExecutionCommand } from '@aws-sdk/client-athena';
import { customResourceHandler, createLogger } from '@clickstream/lambda-kit';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { AthenaViewDeployer, withoutLeadingComments } from '../src/adapters/aws/athena-view-deployer.js';
import { loadViewFiles } from '../src/domain/view-files.js';

const athena = mockClient(AthenaClient);
const noWait = { firstDelayMs: 100, maxDelayMs: 400, timeoutMs: 1000 };

function deployer(waits: number[] = []) {
  return new AthenaViewDeployer('clickstream-dev', 'clickstream_dev', new AthenaClient({ region: 'us-east-1' }), noWait, async (ms) => void waits.push(ms));
}

describe('AthenaViewDeployer', () => {
  beforeEach(() => athena.reset());

  it('runs every view file in order in the workgroup and database, each after the previous succeeded', async () => {
    let n = 0;
    athena.on(StartQueryExecutionCommand).callsFake(() => ({ QueryExecutionId: `q-${++n}` }));
    const polls = new Map<string, number>();
    athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) => {
      const seen = (polls.get(input.QueryExecutionId) ?? 0) + 1;
      polls.set(input.QueryExecutionId, seen);
      return { QueryExecution: { Status: { State: seen < 3 ? 'RUNNING' : 'SUCCEEDED' } } };
    });
    const waits: number[] = [];
    const views = loadViewFiles();
    const { applied } = await deployer(waits).apply(views);
    assert.deepEqual(applied, views.map((v) => v.name));
    const starts = athena.commandCalls(StartQueryExecutionCommand).map((c) => c.args[0].input);
    assert.equal(starts.length, views.length);
    for (const [i, start] of starts.entries()) {
      assert.equal(start.WorkGroup, 'clickstream-dev');
      assert.deepEqual(start.QueryExecutionContext, { Catalog: 'AwsDataCatalog', Database: 'clickstream_dev' });
      assert.match(start.QueryString!, /^CREATE OR REPLACE VIEW /, 'no leading comment reaches Athena');
      assert.equal(start.QueryString, withoutLeadingComments(views[i]!.sql));
    }
    // Start q-2 only after q-1 was seen SUCCEEDED.
    const order = athena.calls().map((c) => (c.args[0] instanceof StartQueryExecutionCommand ? 'start' : `poll ${(c.args[0].input as { QueryExecutionId: string }).QueryExecutionId}`));
    assert.deepEqual(order.slice(0, 5), ['start', 'poll q-1', 'poll q-1', 'poll q-1', 'start']);
    assert.deepEqual(waits.slice(0, 2), [100, 200], 'polls back off');
  });

  it('stops at the first failing view and names it with Athena\'s reason', async () => {
    let n = 0;
    athena.on(StartQueryExecutionCommand).callsFake(() => ({ QueryExecutionId: `q-${++n}` }));
    athena.on(GetQueryExecutionCommand).callsFake((input: { QueryExecutionId: string }) =>
      input.QueryExecutionId === 'q-2'
        ? { QueryExecution: { Status: { State: 'FAILED', StateChangeReason: "line 3:8: Column 'nope' cannot be resolved" } } }
        : { QueryExecution: { Status: { State: 'SUCCEEDED' } } },
    );
    await assert.rejects(deployer().apply(loadViewFiles()), /^Error: 002_daily_active_users\.sql: Athena query q-2 FAILED: line 3:8: Column 'nope' cannot be resolved$/);
    assert.equal(athena.commandCalls(StartQueryExecutionCommand).length, 2);
  });

  it('gives up on a query that stays queued past the timeout', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-slow' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'QUEUED' } } });
    await assert.rejects(deployer().apply(loadViewFiles().slice(0, 1)), /001_events_deduped\.sql: Athena query q-slow still QUEUED after \d+ ms/);
  });

  it('lets an Athena API error through (the custom resource reports it)', async () => {
    athena.on(StartQueryExecutionCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' }));
    await assert.rejects(deployer().apply(loadViewFiles()), /Rate exceeded/);
  });
});

describe('withoutLeadingComments', () => {
  it('drops only the comment lines before the statement', () => {
    assert.equal(withoutLeadingComments('-- a\n  -- b\n\nCREATE VIEW v AS SELECT 1 -- trailing\n-- inner\nFROM t'), 'CREATE VIEW v AS SELECT 1 -- trailing\n-- inner\nFROM t');
    assert.equal(withoutLeadingComments('SELECT 1'), 'SELECT 1');
  });
});

describe('deploy-views on CloudFormation deploy', () => {
  beforeEach(() => athena.reset());

  it('answers SUCCESS with the number of views, or FAILED with the failing view', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q' });
    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' } } });
    const sent: Record<string, unknown>[] = [];
    const views = deployer();
    const handler = customResourceHandler(
      createLogger('test'),
      { apply: async () => ({ Views: (await views.apply(loadViewFiles())).applied.length }) },
      async (_, body) => void sent.push(JSON.parse(body) as Record<string, unknown>),
    );
    const event = {
      RequestType: 'Update', ServiceToken: 'arn', ResponseURL: 'https://x.invalid', StackId: 'arn:aws:cloudformation:us-east-1:1:stack/s/id',
      RequestId: 'r', LogicalResourceId: 'AthenaViews', PhysicalResourceId: 'AthenaViews-id', ResourceType: 'Custom::AthenaViews',
      ResourceProperties: { ServiceToken: 'arn', DeployedAt: '1' }, OldResourceProperties: {},
    } as unknown as CloudFormationCustomResourceEvent;
    await handler(event, { logStreamName: 's' } as Context);
    assert.equal(sent[0]!.Status, 'SUCCESS');
    assert.deepEqual(sent[0]!.Data, { Views: loadViewFiles().length });

    athena.on(GetQueryExecutionCommand).resolves({ QueryExecution: { Status: { State: 'CANCELLED' } } });
    await handler(event, { logStreamName: 's' } as Context);
    assert.equal(sent[1]!.Status, 'FAILED');
    assert.match(String(sent[1]!.Reason), /001_events_deduped\.sql: Athena query q CANCELLED/);
  });
});

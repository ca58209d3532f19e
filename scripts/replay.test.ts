// The replay wrapper against a mocked EventBridge: input validation, the StartReplay request it
// builds (archive, bus and rule ARNs), dry runs, progress polling and cancelling.
import {
  CancelReplayCommand,
  DescribeArchiveCommand,
  DescribeReplayCommand,
  DescribeRuleCommand,
  EventBridgeClient,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import assert from 'node:assert/strict';
import { beforeEach, describe, test } from 'node:test';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildReplayRequest, parseReplayArgs, runReplay, serviceRuleNames, UsageError, type Io } from './replay.js';

const NOW = new Date('2025-06-10T12:00:00Z');
const ACCOUNT = 'arn:aws:events:us-east-1:123456789012';
const eb = mockClient(EventBridgeClient);
const client = new EventBridgeClient({ region: 'us-east-1' });

function io(): Io & { lines: string[]; sleeps: number[] } {
  const lines: string[] = [];
  const sleeps: number[] = [];
  return { lines, sleeps, log: (l) => lines.push(l), sleep: async (ms) => void sleeps.push(ms), now: () => NOW };
}

const args = (...extra: string[]) => parseReplayArgs(['--stage', 'dev', '--from', '2025-06-09T00:00:00Z', '--to', '2025-06-10T00:00:00Z', ...extra], NOW);

beforeEach(() => {
  eb.reset();
  eb.on(DescribeArchiveCommand, { ArchiveName: 'clickstream-dev' }).resolves({
    ArchiveArn: `${ACCOUNT}:archive/clickstream-dev`,
    EventSourceArn: `${ACCOUNT}:event-bus/clickstream-dev`,
    State: 'ENABLED',
    RetentionDays: 30,
  });
  eb.on(DescribeRuleCommand).callsFake((input: { Name: string; EventBusName: string }) => ({ Arn: `${ACCOUNT}:rule/${input.EventBusName}/${input.Name}` }));
});

describe('arguments', () => {
  test('valid range and defaults', () => {
    const o = args();
    assert.equal(o.stage, 'dev');
    assert.equal(o.from.toISOString(), '2025-06-09T00:00:00.000Z');
    assert.equal(o.name, 'clickstream-dev-20250610T120000');
    assert.equal(o.wait, true);
  });

  test('rejects bad stages, times, ranges and targets', () => {
    const bad: [string[], RegExp][] = [
      [['--stage', 'Prod_1', '--from', '2025-06-09T00:00:00Z', '--to', '2025-06-10T00:00:00Z'], /--stage/],
      [['--stage', 'dev', '--from', '2025-06-09', '--to', '2025-06-10T00:00:00Z'], /--from needs an ISO 8601 time with a zone/],
      [['--stage', 'dev', '--from', '2025-06-10T00:00:00Z', '--to', '2025-06-09T00:00:00Z'], /--from must be before --to/],
      [['--stage', 'dev', '--from', '2025-06-09T00:00:00Z', '--to', '2025-06-11T00:00:00Z'], /in the future/],
      [['--stage', 'dev', '--from', '2025-06-09T00:00:00Z', '--to', '2025-06-10T00:00:00Z', '--service', 'billing'], /expected one of/],
      [['--stage', 'dev', '--from', '2025-06-09T00:00:00Z', '--to', '2025-06-10T00:00:00Z', '--service', 'ingest', '--rule', 'x'], /not both/],
    ];
    for (const [argv, message] of bad) assert.throws(() => parseReplayArgs(argv, NOW), (e: Error) => e instanceof UsageError && message.test(e.message), argv.join(' '));
  });
});

describe('rules from the templates', () => {
  test('the consumers\' rules on the Clickstream bus, read from their serverless.yml', () => {
    assert.deepEqual(serviceRuleNames('ingest', 'dev'), ['clickstream-ingest-dev-on-app-changed']);
    assert.deepEqual(serviceRuleNames('model-athena', 'dev'), [
      'clickstream-model-athena-dev-on-processing-completed',
      'clickstream-model-athena-dev-on-partitions-expired',
    ]);
    assert.ok(serviceRuleNames('console-api', 'dev').includes('clickstream-console-api-dev-on-pipeline-event'));
  });

  test('default-bus rules and schedules are not replay targets', async () => {
    const root = await mkdtemp(join(tmpdir(), 'replay-'));
    await mkdir(join(root, 'svc'));
    await writeFile(
      join(root, 'svc', 'serverless.yml'),
      [
        'service: svc',
        'functions:',
        '  a:',
        '    handler: a.handler',
        '    events:',
        "      - schedule: { name: 'svc-${sls:stage}-tick', rate: ['rate(1 hour)'] }",
        "      - eventBridge: { name: 'svc-${sls:stage}-emr', pattern: { source: [aws.emr-serverless] } }",
        '  b:',
        '    handler: b.handler',
        '    events:',
        "      - eventBridge: { name: 'svc-${sls:stage}-on-x', eventBus: 'arn:bus', pattern: { source: [x] } }",
      ].join('\n'),
    );
    assert.deepEqual(serviceRuleNames('svc', 'qa', root), ['svc-qa-on-x']);
    const o = { ...args('--service', 'ingest'), services: ['svc'], now: NOW };
    await rm(join(root, 'svc', 'serverless.yml'));
    await writeFile(join(root, 'svc', 'serverless.yml'), 'service: svc\nfunctions:\n  a:\n    handler: a.handler\n    events:\n      - schedule: rate(1 hour)\n');
    await assert.rejects(buildReplayRequest(client, o, root), /svc has no rule on clickstream-dev .*cannot reach it/);
    await rm(root, { recursive: true, force: true });
  });
});

describe('replay', () => {
  test('dry run prints the request and starts nothing', async () => {
    const out = io();
    const code = await runReplay(client, args('--service', 'model-athena,ingest', '--dry-run'), out);
    assert.equal(code, 0);
    assert.equal(eb.commandCalls(StartReplayCommand).length, 0);
    const printed = JSON.parse(out.lines.join('\n')) as { StartReplay: { EventSourceArn: string; Destination: { Arn: string; FilterArns: string[] } } };
    assert.equal(printed.StartReplay.EventSourceArn, `${ACCOUNT}:archive/clickstream-dev`);
    assert.deepEqual(printed.StartReplay.Destination, {
      Arn: `${ACCOUNT}:event-bus/clickstream-dev`,
      FilterArns: [
        `${ACCOUNT}:rule/clickstream-dev/clickstream-model-athena-dev-on-processing-completed`,
        `${ACCOUNT}:rule/clickstream-dev/clickstream-model-athena-dev-on-partitions-expired`,
        `${ACCOUNT}:rule/clickstream-dev/clickstream-ingest-dev-on-app-changed`,
      ],
    });
  });

  test('starts the replay onto the bus and follows it to completion', async () => {
    eb.on(StartReplayCommand).resolves({ State: 'STARTING' });
    eb.on(DescribeReplayCommand)
      .resolvesOnce({ State: 'RUNNING' })
      .resolvesOnce({ State: 'RUNNING', EventLastReplayedTime: new Date('2025-06-09T12:00:00Z') })
      .resolves({ State: 'COMPLETED', EventLastReplayedTime: new Date('2025-06-10T00:00:00Z') });
    const out = io();
    const code = await runReplay(client, args('--rule', `${ACCOUNT}:rule/clickstream-dev/custom`, '--poll-seconds', '5'), out);
    assert.equal(code, 0);
    const [start] = eb.commandCalls(StartReplayCommand);
    assert.deepEqual(start!.args[0].input, {
      ReplayName: 'clickstream-dev-20250610T120000',
      Description: 'Clickstream dev: 1 rule(s)',
      EventSourceArn: `${ACCOUNT}:archive/clickstream-dev`,
      EventStartTime: new Date('2025-06-09T00:00:00Z'),
      EventEndTime: new Date('2025-06-10T00:00:00Z'),
      Destination: { Arn: `${ACCOUNT}:event-bus/clickstream-dev`, FilterArns: [`${ACCOUNT}:rule/clickstream-dev/custom`] },
    });
    assert.equal(eb.commandCalls(DescribeRuleCommand).length, 0);
    assert.ok(out.lines.some((l) => l.includes('(50%)')), out.lines.join('\n'));
    assert.ok(out.lines.some((l) => l.includes('COMPLETED') && l.includes('(100%)')));
    assert.deepEqual(out.sleeps, [5000, 5000]);
  });

  test('without targets the whole bus is replayed; a failed replay exits 1', async () => {
    eb.on(StartReplayCommand).resolves({ State: 'STARTING' });
    eb.on(DescribeReplayCommand).resolves({ State: 'FAILED', StateReason: 'boom' });
    const out = io();
    assert.equal(await runReplay(client, args(), out), 1);
    assert.deepEqual(eb.commandCalls(StartReplayCommand)[0]!.args[0].input.Destination, { Arn: `${ACCOUNT}:event-bus/clickstream-dev` });
    assert.ok(out.lines.some((l) => l.includes('ended FAILED: boom')));
  });

  test('a range older than the archive keeps is refused before anything starts', async () => {
    const o = parseReplayArgs(['--stage', 'dev', '--from', '2025-05-01T00:00:00Z', '--to', '2025-05-02T00:00:00Z'], NOW);
    await assert.rejects(runReplay(client, o, io()), /older than the archive keeps \(30 days/);
    assert.equal(eb.commandCalls(StartReplayCommand).length, 0);
  });

  test('cancel', async () => {
    eb.on(CancelReplayCommand, { ReplayName: 'clickstream-dev-1' }).resolves({ State: 'CANCELLING' });
    const out = io();
    assert.equal(await runReplay(client, parseReplayArgs(['--stage', 'dev', '--cancel', 'clickstream-dev-1'], NOW), out), 0);
    assert.deepEqual(out.lines, ['replay clickstream-dev-1: CANCELLING']);
  });
});

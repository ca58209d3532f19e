import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ManifestError, parseServiceManifest, readServiceManifest } from '../src/manifest/index.js';

const sampleDir = fileURLToPath(new URL('./fixtures/manifest-sample', import.meta.url));

/** A one-function serverless.yml around the given `events:` list (indented YAML). */
function withEvents(events: string): string {
  return `service: svc\nfunctions:\n  fn:\n    handler: src/fn.handler\n    events:\n${events}`;
}

function fnOf(yaml: string) {
  const [fn] = parseServiceManifest(yaml, 'test.yml').functions;
  assert.ok(fn);
  return fn;
}

describe('readServiceManifest', () => {
  it('reads functions, routes, rules and schedules from serverless.yml', () => {
    assert.deepEqual(readServiceManifest(sampleDir), {
      service: 'sample',
      functions: [
        {
          name: 'collect',
          handler: 'src/handlers/collect.handler',
          eventRules: [],
          schedules: [],
          httpRoutes: [
            { method: 'POST', path: '/collect' },
            { method: 'GET', path: '/apps/{appId}' },
            { method: '*', path: '*' },
          ],
        },
        {
          name: 'onPipelineEvent',
          handler: 'src/handlers/on-pipeline-event.handler',
          eventRules: [
            { pattern: { source: ['clickstream.process'], 'detail-type': ['ProcessingCompleted.v1'] }, maxRetries: 2 },
            {
              pattern: {
                source: ['clickstream.console-api'],
                'detail-type': [{ prefix: 'App' }],
                detail: { appId: [{ 'anything-but': { prefix: 'test_' } }] },
              },
            },
          ],
          schedules: [],
          httpRoutes: [],
        },
        {
          name: 'processBatch',
          handler: 'src/handlers/process-batch.handler',
          eventRules: [],
          schedules: [
            { expression: 'rate(15 minutes)' },
            { expression: 'cron(0 23 * * ? *)', input: { mode: 'full' } },
            { expression: 'cron(30 6 ? * MON-FRI *)', input: { mode: 'full' } },
          ],
          httpRoutes: [],
        },
        {
          name: 'compact',
          handler: 'src/handlers/compact.handler',
          eventRules: [],
          schedules: [{ expression: 'rate(1 day)' }],
          httpRoutes: [],
        },
      ],
    });
  });

  it('names the file when it cannot be read', () => {
    assert.throws(() => readServiceManifest('/nonexistent/svc'), /cannot read service manifest \/nonexistent\/svc\/serverless\.yml/);
  });
});

describe('parseServiceManifest: event rules', () => {
  it('rejects a pattern that uses a Serverless variable: the embedded bus cannot resolve it', () => {
    const yaml = withEvents(`      - eventBridge:\n          pattern:\n            source: ['\${self:custom.source}']\n`);
    assert.throws(
      () => parseServiceManifest(yaml, 'test.yml'),
      /test\.yml: functions\.fn\.events\[0\]\.eventBridge\.pattern: uses \$\{self:custom\.source\}, which the embedded bus cannot resolve/,
    );
  });

  it('rejects a pattern that uses a CloudFormation intrinsic, short or long form', () => {
    const short = withEvents(`      - eventBridge:\n          pattern:\n            source: [!Ref Source]\n`);
    assert.throws(() => parseServiceManifest(short), /uses !Ref "Source"/);
    const long = withEvents(`      - eventBridge:\n          pattern:\n            source:\n              Fn::GetAtt: [A, B]\n`);
    assert.throws(() => parseServiceManifest(long), /uses Fn::GetAtt/);
  });

  it('rejects a malformed pattern at start-up, with the file and path', () => {
    const yaml = withEvents(`      - eventBridge:\n          pattern:\n            detail:\n              state: running\n`);
    assert.throws(
      () => parseServiceManifest(yaml, 'test.yml'),
      (err: unknown) =>
        err instanceof ManifestError &&
        /test\.yml: functions\.fn\.events\[0\]\.eventBridge\.pattern: invalid event pattern at detail\.state/.test(err.message),
    );
  });

  it('rejects an unknown content filter (a typo)', () => {
    const yaml = withEvents(`      - eventBridge:\n          pattern:\n            source: [{ prefx: clickstream }]\n`);
    assert.throws(() => parseServiceManifest(yaml), /unknown operator "prefx"/);
  });

  it('resolves a retry count given as a variable with a default', () => {
    const fn = fnOf(
      withEvents(
        `      - eventBridge:\n          pattern: { source: [a] }\n          retryPolicy:\n            maximumRetryAttempts: \${param:retries, 4}\n`,
      ),
    );
    assert.deepEqual(fn.eventRules, [{ pattern: { source: ['a'] }, maxRetries: 4 }]);
  });

  it('requires a pattern or a schedule on an eventBridge event', () => {
    assert.throws(() => parseServiceManifest(withEvents(`      - eventBridge:\n          eventBus: bus\n`)), /needs a pattern or a schedule/);
  });
});

describe('parseServiceManifest: schedules', () => {
  const cases: [string, string, { expression: string; input?: unknown }[]][] = [
    ['a plain rate', `      - schedule: rate(5 minutes)\n`, [{ expression: 'rate(5 minutes)' }]],
    ['a plain cron', `      - schedule: cron(0 23 * * ? *)\n`, [{ expression: 'cron(0 23 * * ? *)' }]],
    [
      'a variable with a single-quoted default',
      `      - schedule: \${param:processSchedule, 'rate(15 minutes)'}\n`,
      [{ expression: 'rate(15 minutes)' }],
    ],
    [
      'a variable with a double-quoted default',
      `      - schedule: '\${param:processSchedule, "rate(2 hours)"}'\n`,
      [{ expression: 'rate(2 hours)' }],
    ],
    [
      'a default holding commas',
      `      - schedule: \${param:s, 'cron(0 1,13 * * ? *)'}\n`,
      [{ expression: 'cron(0 1,13 * * ? *)' }],
    ],
    [
      'a default that is itself a variable with a default',
      `      - schedule: \${param:a, \${env:B, 'rate(3 days)'}}\n`,
      [{ expression: 'rate(3 days)' }],
    ],
    [
      'an object with a list of rates and an input',
      `      - schedule:\n          rate: [rate(1 hour), 'cron(0 0 1 * ? *)']\n          input: { full: true }\n`,
      [
        { expression: 'rate(1 hour)', input: { full: true } },
        { expression: 'cron(0 0 1 * ? *)', input: { full: true } },
      ],
    ],
    ['a disabled schedule (skipped)', `      - schedule:\n          rate: rate(1 hour)\n          enabled: false\n`, []],
    [
      'enabled given as a variable defaulting to false (skipped)',
      `      - schedule:\n          rate: rate(1 hour)\n          enabled: \${param:nightly, false}\n`,
      [],
    ],
    [
      'an eventBridge schedule with its input',
      `      - eventBridge:\n          schedule: rate(10 minutes)\n          input: { a: 1 }\n`,
      [{ expression: 'rate(10 minutes)', input: { a: 1 } }],
    ],
  ];
  for (const [description, events, expected] of cases) {
    it(`reads ${description}`, () => {
      assert.deepEqual(fnOf(withEvents(events)).schedules, expected);
    });
  }

  it('rejects a variable without a default', () => {
    assert.throws(
      () => parseServiceManifest(withEvents(`      - schedule: \${param:processSchedule}\n`), 'test.yml'),
      /functions\.fn\.events\[0\]\.schedule uses \$\{param:processSchedule\}, which the embedded runtime cannot resolve; give it a default/,
    );
  });

  it('rejects an expression AWS would reject', () => {
    assert.throws(
      () => parseServiceManifest(withEvents(`      - schedule: rate(1 minutes)\n`), 'test.yml'),
      /test\.yml: functions\.fn\.events\[0\]\.schedule: invalid schedule "rate\(1 minutes\)": write rate\(1 minute\)/,
    );
  });

  it('rejects a non-UTC timezone rather than firing at the wrong hour', () => {
    const yaml = withEvents(`      - schedule:\n          rate: cron(0 8 * * ? *)\n          timezone: Europe/Paris\n`);
    assert.throws(() => parseServiceManifest(yaml), /timezone Europe\/Paris is not supported/);
  });
});

describe('parseServiceManifest: HTTP routes', () => {
  const cases: [string, string, { method: string; path: string }][] = [
    ['"METHOD /path"', `'POST /collect'`, { method: 'POST', path: '/collect' }],
    ['a lower-case method', `'get /health'`, { method: 'GET', path: '/health' }],
    ['the catch-all "*"', `'*'`, { method: '*', path: '*' }],
    ['{ method, path }', `{ method: delete, path: '/apps/{appId}' }`, { method: 'DELETE', path: '/apps/{appId}' }],
    ['method ANY', `{ method: ANY, path: /proxy }`, { method: '*', path: '/proxy' }],
  ];
  for (const [description, spec, expected] of cases) {
    it(`reads ${description}`, () => {
      assert.deepEqual(fnOf(withEvents(`      - httpApi: ${spec}\n`)).httpRoutes, [expected]);
    });
  }

  it('rejects a path without a leading slash and unknown methods', () => {
    assert.throws(() => parseServiceManifest(withEvents(`      - httpApi: 'GET health'\n`)), /must start with \//);
    assert.throws(() => parseServiceManifest(withEvents(`      - httpApi: 'FETCH /x'\n`)), /unknown HTTP method FETCH/);
  });
});

describe('parseServiceManifest: the rest of the file', () => {
  it('tolerates variables and CloudFormation tags everywhere else', () => {
    const yaml = [
      'service: svc',
      'provider:',
      '  environment:',
      '    BUS: ${param:eventBusName}',
      '    QUEUE: !GetAtt Queue.Arn',
      '    JOINED: !Join [":", [a, !Ref B]]',
      'functions:',
      '  fn:',
      '    handler: src/fn.handler',
      '    role: !Sub arn:aws:iam::${AWS::AccountId}:role/x',
      '    events:',
      '      - eventBridge:',
      '          eventBus: ${param:eventBusArn}',
      '          deadLetterQueueArn: !GetAtt Dlq.Arn',
      '          pattern: { source: [a] }',
      '      - sqs: { arn: !GetAtt Queue.Arn }',
      '',
    ].join('\n');
    assert.deepEqual(fnOf(yaml).eventRules, [{ pattern: { source: ['a'] } }]);
  });

  it('accepts `service: { name }` and a file without functions', () => {
    assert.deepEqual(parseServiceManifest('service:\n  name: legacy\n'), { service: 'legacy', functions: [] });
  });

  const invalid: [string, string, RegExp][] = [
    ['invalid YAML', 'service: [unclosed\n', /test\.yml: invalid YAML/],
    ['a missing service name', 'functions: {}\n', /service: a service name is required/],
    ['a function without a handler', 'service: s\nfunctions:\n  fn:\n    events: []\n', /functions\.fn\.handler: a handler is required/],
    ['functions from a file include', 'service: s\nfunctions: ${file(./functions.yml)}\n', /file includes are not resolved/],
    ['an event with two types', withEvents('      - httpApi: "*"\n        schedule: rate(1 day)\n'), /exactly one event type/],
    ['events that are not a list', 'service: s\nfunctions:\n  fn:\n    handler: h\n    events: {}\n', /events: expected a list/],
  ];
  for (const [description, yaml, message] of invalid) {
    it(`rejects ${description}`, () => {
      assert.throws(() => parseServiceManifest(yaml, 'test.yml'), message);
    });
  }
});

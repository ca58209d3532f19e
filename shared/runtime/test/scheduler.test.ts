import { afterEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { readServiceManifest } from '../src/manifest/index.js';
import { bindServiceSchedules, parseScheduleExpression, Scheduler } from '../src/schedule/index.js';

const sampleDir = fileURLToPath(new URL('./fixtures/manifest-sample', import.meta.url));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const flush = () => new Promise((resolve) => setImmediate(resolve));

function nextTimes(expression: string, after: string, count = 3): (string | undefined)[] {
  const schedule = parseScheduleExpression(expression);
  assert.equal(schedule.kind, 'cron');
  const out: (string | undefined)[] = [];
  let from = new Date(after);
  for (let i = 0; i < count; i++) {
    const next = schedule.next(from);
    out.push(next?.toISOString());
    if (!next) break;
    from = next;
  }
  return out;
}

describe('parseScheduleExpression: rate', () => {
  const valid: [string, number][] = [
    ['rate(1 minute)', 60_000],
    ['rate(5 minutes)', 300_000],
    ['rate(1 hour)', 3_600_000],
    ['rate(12 hours)', 43_200_000],
    ['rate(1 day)', 86_400_000],
    ['rate(7 days)', 604_800_000],
  ];
  for (const [expression, intervalMs] of valid) {
    it(`${expression} is every ${intervalMs} ms`, () => {
      assert.deepEqual(parseScheduleExpression(expression), { kind: 'rate', expression, intervalMs });
    });
  }

  const invalid: [string, RegExp][] = [
    ['rate(1 minutes)', /write rate\(1 minute\)/],
    ['rate(5 minute)', /write rate\(5 minutes\)/],
    ['rate(2 day)', /write rate\(2 days\)/],
    ['rate(0 minutes)', /positive integer/],
    ['rate(-5 minutes)', /positive integer/],
    ['rate(1.5 hours)', /positive integer/],
    ['rate(30 seconds)', /minute\(s\)\|hour\(s\)\|day\(s\)/],
    ['rate(5minutes)', /positive integer/],
    ['every 5 minutes', /expected rate\(\.\.\.\) or cron\(\.\.\.\)/],
    ['at(2026-01-01T00:00:00)', /expected rate\(\.\.\.\) or cron\(\.\.\.\)/],
  ];
  for (const [expression, message] of invalid) {
    it(`rejects ${expression}`, () => {
      assert.throws(() => parseScheduleExpression(expression), message);
    });
  }
});

describe('parseScheduleExpression: AWS cron, all times UTC', () => {
  // 2026-01-01 is a Thursday.
  const cases: [string, string, string, (string | undefined)[]][] = [
    [
      'every day at 23:00',
      'cron(0 23 * * ? *)',
      '2026-01-01T12:00:00Z',
      ['2026-01-01T23:00:00.000Z', '2026-01-02T23:00:00.000Z', '2026-01-03T23:00:00.000Z'],
    ],
    [
      'never the current instant, always strictly after it',
      'cron(0 23 * * ? *)',
      '2026-01-01T23:00:00Z',
      ['2026-01-02T23:00:00.000Z', '2026-01-03T23:00:00.000Z', '2026-01-04T23:00:00.000Z'],
    ],
    [
      'every 15 minutes',
      'cron(*/15 * * * ? *)',
      '2026-01-01T10:07:00Z',
      ['2026-01-01T10:15:00.000Z', '2026-01-01T10:30:00.000Z', '2026-01-01T10:45:00.000Z'],
    ],
    [
      'steps from an offset inside an hour range',
      'cron(0/30 8-9 * * ? *)',
      '2026-01-01T00:00:00Z',
      ['2026-01-01T08:00:00.000Z', '2026-01-01T08:30:00.000Z', '2026-01-01T09:00:00.000Z'],
    ],
    [
      'weekdays by name',
      'cron(0 9 ? * MON-FRI *)',
      '2026-01-02T10:00:00Z',
      ['2026-01-05T09:00:00.000Z', '2026-01-06T09:00:00.000Z', '2026-01-07T09:00:00.000Z'],
    ],
    [
      'weekdays by AWS number (1 = Sunday, so 2-6 = MON-FRI)',
      'cron(0 9 ? * 2-6 *)',
      '2026-01-02T10:00:00Z',
      ['2026-01-05T09:00:00.000Z', '2026-01-06T09:00:00.000Z', '2026-01-07T09:00:00.000Z'],
    ],
    [
      '1 is Sunday and 7 is Saturday',
      'cron(0 12 ? * 1,7 *)',
      '2026-01-01T00:00:00Z',
      ['2026-01-03T12:00:00.000Z', '2026-01-04T12:00:00.000Z', '2026-01-10T12:00:00.000Z'],
    ],
    [
      'the first Monday of each month',
      'cron(0 10 ? * 2#1 *)',
      '2026-01-01T00:00:00Z',
      ['2026-01-05T10:00:00.000Z', '2026-02-02T10:00:00.000Z', '2026-03-02T10:00:00.000Z'],
    ],
    [
      'a day of the month, months by name',
      'cron(15 6 1 JAN,JUL ? *)',
      '2026-01-01T07:00:00Z',
      ['2026-07-01T06:15:00.000Z', '2027-01-01T06:15:00.000Z', '2027-07-01T06:15:00.000Z'],
    ],
    [
      'February 29th, in leap years only',
      'cron(0 12 29 2 ? *)',
      '2026-01-01T00:00:00Z',
      ['2028-02-29T12:00:00.000Z', '2032-02-29T12:00:00.000Z', '2036-02-29T12:00:00.000Z'],
    ],
    [
      'a year range, then nothing',
      'cron(0 0 1 1 ? 2027-2028)',
      '2026-06-01T00:00:00Z',
      ['2027-01-01T00:00:00.000Z', '2028-01-01T00:00:00.000Z', undefined],
    ],
    [
      'a year step',
      'cron(30 6 31 12 ? 2026/2)',
      '2026-12-31T12:00:00Z',
      ['2028-12-31T06:30:00.000Z', '2030-12-31T06:30:00.000Z', '2032-12-31T06:30:00.000Z'],
    ],
    ['a year already past', 'cron(0 0 1 1 ? 2020)', '2026-01-01T00:00:00Z', [undefined]],
  ];
  for (const [description, expression, after, expected] of cases) {
    it(`${expression}: ${description}`, () => {
      assert.deepEqual(nextTimes(expression, after, expected.length), expected);
    });
  }

  const invalid: [string, string, RegExp][] = [
    ['five fields (the Unix form)', 'cron(0 23 * * *)', /takes 6 fields/],
    ['both day fields restricted', 'cron(0 12 1 * MON *)', /exactly one of day-of-month and day-of-week must be \?/],
    ['neither day field a ?', 'cron(0 12 * * * *)', /exactly one of day-of-month and day-of-week must be \?/],
    ['both day fields ?', 'cron(0 12 ? * ? *)', /exactly one of day-of-month and day-of-week must be \?/],
    ['L (last day)', 'cron(0 12 L * ? *)', /uses L or W, which the embedded scheduler does not support/],
    ['W (nearest weekday)', 'cron(0 12 15W * ? *)', /uses L or W/],
    ['a last weekday (5L)', 'cron(0 12 ? * 5L *)', /uses L or W/],
    ['day-of-week 0', 'cron(0 12 ? * 0 *)', /day-of-week 0 is not 1-7 or SUN-SAT/],
    ['day-of-week 8', 'cron(0 12 ? * 8 *)', /day-of-week 8 is not 1-7/],
    ['a step in day-of-week (AWS forbids /)', 'cron(0 12 ? * */2 *)', /characters AWS does not allow/],
    ['a backwards weekday range', 'cron(0 12 ? * FRI-MON *)', /runs backwards/],
    ['hour 24', 'cron(0 24 * * ? *)', /invalid schedule "cron\(0 24 \* \* \? \*\)"/],
    ['a year before 1970', 'cron(0 0 1 1 ? 1969)', /outside 1970-2199/],
    ['a Jenkins-style H', 'cron(H 12 * * ? *)', /characters AWS does not allow/],
    ['a date that never exists', 'cron(0 12 31 2 ? *)', /invalid schedule/],
  ];
  for (const [description, expression, message] of invalid) {
    it(`rejects ${description}: ${expression}`, () => {
      assert.throws(() => parseScheduleExpression(expression), message);
    });
  }
});

describe('Scheduler', () => {
  const schedulers: Scheduler[] = [];
  const scheduler = (options?: ConstructorParameters<typeof Scheduler>[0]) => {
    const s = new Scheduler(options);
    schedulers.push(s);
    return s;
  };
  afterEach(async () => {
    await Promise.all(schedulers.splice(0).map((s) => s.stop()));
    mock.timers.reset();
  });

  it('fires a cron job at its UTC time with the scheduled time', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.parse('2026-01-01T22:59:00Z') });
    const fired: string[] = [];
    const s = scheduler();
    s.add('nightly', 'cron(0 23 * * ? *)', async (firedAt) => {
      fired.push(firedAt.toISOString());
    });
    s.start();
    mock.timers.tick(59_999);
    await flush();
    assert.deepEqual(fired, []);
    mock.timers.tick(1);
    await flush();
    assert.deepEqual(fired, ['2026-01-01T23:00:00.000Z']);
    mock.timers.tick(24 * 3_600_000);
    await flush();
    assert.deepEqual(fired, ['2026-01-01T23:00:00.000Z', '2026-01-02T23:00:00.000Z']);
  });

  it('counts a rate from start and keeps its cadence', async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.parse('2026-01-01T00:00:30Z') });
    const fired: string[] = [];
    const s = scheduler();
    s.add('often', 'rate(5 minutes)', async (firedAt) => {
      fired.push(firedAt.toISOString());
    });
    s.start();
    for (let i = 0; i < 3; i++) {
      mock.timers.tick(300_000);
      await flush();
    }
    assert.deepEqual(fired, ['2026-01-01T00:05:30.000Z', '2026-01-01T00:10:30.000Z', '2026-01-01T00:15:30.000Z']);
  });

  it("fires a yearly job on time despite setTimeout's 24.8-day ceiling", async () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.parse('2026-01-02T00:00:00Z') });
    const fired: string[] = [];
    const s = scheduler();
    s.add('yearly', 'cron(0 0 1 1 ? *)', async (firedAt) => {
      fired.push(firedAt.toISOString());
    });
    s.start();
    for (let day = 0; day < 365; day++) {
      mock.timers.tick(86_400_000);
      await flush();
    }
    assert.deepEqual(fired, ['2027-01-01T00:00:00.000Z']);
  });

  it('runs a job on an interval override (ms) for fast local runs, passing its input', async () => {
    const inputs: unknown[] = [];
    const s = scheduler({ overrides: { fast: 10 } });
    s.add('fast', [{ expression: 'rate(1 day)', input: { mode: 'full' } }], async (_firedAt, input) => {
      inputs.push(input);
    });
    s.start();
    await sleep(80);
    await s.stop();
    assert.ok(inputs.length >= 2, `ran ${inputs.length} times`);
    assert.deepEqual(inputs[0], { mode: 'full' });
  });

  it('replaces the schedule with an expression override', () => {
    const s = scheduler({ overrides: { job: 'rate(2 hours)' } });
    s.add('job', 'rate(1 day)', async () => {});
    assert.deepEqual(s.list()[0]?.schedules, ['rate(2 hours)']);
  });

  it('never runs a job concurrently with itself: ticks during a run are skipped', async () => {
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    const s = scheduler({ overrides: { slow: 5 } });
    s.add('slow', 'rate(1 day)', async () => {
      runs++;
      maxRunning = Math.max(maxRunning, ++running);
      await sleep(30);
      running--;
    });
    s.start();
    await sleep(80);
    await s.stop();
    assert.equal(maxRunning, 1);
    assert.ok(runs >= 1 && runs <= 4, `ran ${runs} times; without skipping it would be ~16`);
  });

  it('reports a failing run and keeps the schedule going', async () => {
    const errors: [string, unknown][] = [];
    let runs = 0;
    const s = scheduler({ overrides: { flaky: 10 }, onError: (job, error) => errors.push([job, error]) });
    s.add('flaky', 'rate(1 day)', async () => {
      runs++;
      throw new Error('boom');
    });
    s.start();
    await sleep(70);
    await s.stop();
    assert.ok(runs >= 2, `ran ${runs} times`);
    assert.equal(errors.length, runs);
    assert.equal(errors[0]?.[0], 'flaky');
  });

  it('logs failures to stderr by default', async (t) => {
    const logged = t.mock.method(console, 'error', () => {});
    const s = scheduler({ overrides: { job: 5 } });
    s.add('job', 'rate(1 day)', async () => {
      throw new Error('boom');
    });
    s.start();
    await sleep(20);
    await s.stop();
    assert.match(String(logged.mock.calls[0]?.arguments[0]), /scheduler: job job failed/);
  });

  it('stop() waits for running jobs and fires nothing afterwards', async () => {
    const events: string[] = [];
    const s = scheduler({ overrides: { job: 5 } });
    s.add('job', 'rate(1 day)', async () => {
      events.push('start');
      await sleep(25);
      events.push('end');
    });
    s.start();
    await sleep(10);
    await s.stop();
    assert.deepEqual(events, ['start', 'end']);
    await sleep(20);
    assert.deepEqual(events, ['start', 'end']);
  });

  it('runNow() runs at once, resolves when done and rejects with the error', async () => {
    const s = scheduler();
    let runs = 0;
    s.add('ok', 'rate(1 day)', async () => {
      await sleep(5);
      runs++;
    });
    s.add('bad', 'rate(1 day)', async () => {
      throw new Error('bad run');
    });
    await s.runNow('ok');
    assert.equal(runs, 1);
    await assert.rejects(s.runNow('bad'), /bad run/);
    await assert.rejects(s.runNow('nope'), /no job named "nope"; known: ok, bad/);
  });

  it('runNow() waits for a run in progress instead of overlapping it', async () => {
    const events: string[] = [];
    const s = scheduler();
    s.add('job', 'rate(1 day)', async () => {
      events.push('start');
      await sleep(15);
      events.push('end');
    });
    await Promise.all([s.runNow('job'), s.runNow('job')]);
    assert.deepEqual(events, ['start', 'end', 'start', 'end']);
  });

  it('rejects bad jobs when they are added', () => {
    const s = scheduler({ overrides: { zero: 0 } });
    s.add('dup', 'rate(1 day)', async () => {});
    assert.throws(() => s.add('dup', 'rate(1 day)', async () => {}), /job "dup" is already added/);
    assert.throws(() => s.add('bad', 'rate(1 days)', async () => {}), /job "bad": invalid schedule "rate\(1 days\)"/);
    assert.throws(() => s.add('zero', 'rate(1 day)', async () => {}), /positive number of ms/);
    assert.throws(() => s.add('none', [], async () => {}), /has no schedule/);
  });

  it('lists jobs with their next run once started', () => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.parse('2026-01-01T12:00:00Z') });
    const s = scheduler();
    s.add('nightly', [{ expression: 'cron(0 23 * * ? *)' }, { expression: 'cron(0 13 * * ? *)' }], async () => {});
    assert.deepEqual(s.list(), [
      { name: 'nightly', schedules: ['cron(0 23 * * ? *)', 'cron(0 13 * * ? *)'], nextRunAt: undefined, running: false },
    ]);
    s.start();
    assert.equal(s.list()[0]?.nextRunAt?.toISOString(), '2026-01-01T13:00:00.000Z');
  });

  it('never keeps the process alive on its own (timers are unref’d)', async () => {
    const script = [
      `import { Scheduler } from ${JSON.stringify(fileURLToPath(new URL('../src/schedule/index.ts', import.meta.url)))};`,
      `const s = new Scheduler(); s.add('x', 'rate(1 minute)', async () => {}); s.start();`,
    ].join('\n');
    const started = Date.now();
    await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      timeout: 20_000,
    });
    assert.ok(Date.now() - started < 20_000);
  });
});

describe('bindServiceSchedules', () => {
  const manifest = readServiceManifest(sampleDir);
  const noop = async () => {};

  it('adds one job per scheduled function, named service.function, with all its schedules', () => {
    const s = new Scheduler();
    const names = bindServiceSchedules(s, manifest, { processBatch: noop, compact: noop });
    assert.deepEqual(names, ['sample.processBatch', 'sample.compact']);
    assert.deepEqual(
      s.list().map((job) => [job.name, job.schedules]),
      [
        ['sample.processBatch', ['rate(15 minutes)', 'cron(0 23 * * ? *)', 'cron(30 6 ? * MON-FRI *)']],
        ['sample.compact', ['rate(1 day)']],
      ],
    );
  });

  it('applies overrides by job name', async () => {
    const s = new Scheduler();
    let runs = 0;
    bindServiceSchedules(
      s,
      manifest,
      {
        processBatch: async () => {
          runs++;
        },
        compact: noop,
      },
      { 'sample.processBatch': 10 },
    );
    s.start();
    await sleep(70);
    await s.stop();
    assert.ok(runs >= 2, `ran ${runs} times`);
  });

  it('fails at start-up when a scheduled function has no job', () => {
    assert.throws(
      () => bindServiceSchedules(new Scheduler(), manifest, { processBatch: noop }),
      /service sample: function compact has a schedule in serverless.yml but no local job/,
    );
  });

  it('fails at start-up on a function serverless.yml does not declare', () => {
    assert.throws(
      () => bindServiceSchedules(new Scheduler(), manifest, { processBatch: noop, compact: noop, compcat: noop }),
      /declares no function named compcat/,
    );
  });
});

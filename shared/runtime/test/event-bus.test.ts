import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { AppRegistered, ProcessingCompleted, type BusEvent } from '@clickstream/contracts';
import { bindServiceRules, createLocalPublisher, LocalEventBus } from '../src/bus/index.js';
import { readServiceManifest } from '../src/manifest/index.js';

const sampleDir = fileURLToPath(new URL('./fixtures/manifest-sample', import.meta.url));

type Delivered = BusEvent<unknown>;

function recorder() {
  const events: Delivered[] = [];
  const target = async (event: Delivered) => {
    events.push(event);
  };
  return { events, target };
}

function failing(times: number, calls: number[] = []) {
  let n = 0;
  return {
    calls,
    target: async () => {
      calls.push(Date.now());
      if (n++ < times) throw new Error(`boom ${n}`);
    },
  };
}

const entry = (detail: unknown = { n: 1 }, detailType = 'Thing.v1') => ({ source: 'test.source', detailType, detail });

describe('LocalEventBus: publishing', () => {
  it('wraps each entry in a full EventBridge envelope', async () => {
    const bus = new LocalEventBus({ clock: { now: () => Date.parse('2026-11-29T10:00:00.123Z') } });
    const { events, target } = recorder();
    bus.subscribe('all', { source: ['test.source'] }, target);
    await bus.publish([entry({ n: 1 })]);
    await bus.drain();

    const [event] = events;
    assert.ok(event);
    assert.match(event.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(
      { ...event, id: 'x' },
      {
        version: '0',
        id: 'x',
        'detail-type': 'Thing.v1',
        source: 'test.source',
        account: '000000000000',
        time: '2026-11-29T10:00:00Z',
        region: 'local',
        resources: [],
        detail: { n: 1 },
      },
    );
  });

  it('serialises detail as PutEvents does: dates become strings, undefined fields vanish', async () => {
    const bus = new LocalEventBus();
    const { events, target } = recorder();
    bus.subscribe('all', { source: ['test.source'] }, target);
    await bus.publish([entry({ at: new Date('2026-01-01T00:00:00Z'), gone: undefined })]);
    await bus.drain();
    assert.deepEqual(events[0]?.detail, { at: '2026-01-01T00:00:00.000Z' });
  });

  it('returns once accepted; targets run afterwards, never inside publish', async () => {
    const bus = new LocalEventBus();
    const { events, target } = recorder();
    bus.subscribe('all', { source: ['test.source'] }, target);
    await bus.publish([entry()]);
    assert.equal(events.length, 0);
    await bus.drain();
    assert.equal(events.length, 1);
  });

  it('delivers to every matching rule and to no other', async () => {
    const bus = new LocalEventBus();
    const a = recorder();
    const b = recorder();
    const other = recorder();
    bus.subscribe('a', { source: ['test.source'] }, a.target);
    bus.subscribe('b', { 'detail-type': [{ prefix: 'Thing.' }] }, b.target);
    bus.subscribe('other', { source: ['elsewhere'] }, other.target);
    await bus.publish([entry(), entry({ n: 2 }, 'Other.v1')]);
    await bus.drain();
    assert.equal(a.events.length, 2);
    assert.deepEqual(
      b.events.map((e) => e['detail-type']),
      ['Thing.v1'],
    );
    assert.equal(other.events.length, 0);
  });

  it('routes on detail content with the full pattern language', async () => {
    const bus = new LocalEventBus();
    const { events, target } = recorder();
    bus.subscribe('big', { detail: { n: [{ numeric: ['>', 10] }] } }, target);
    await bus.publish([entry({ n: 5 }), entry({ n: 50 })]);
    await bus.drain();
    assert.deepEqual(
      events.map((e) => e.detail),
      [{ n: 50 }],
    );
  });

  it('gives each target its own copy, so one cannot corrupt what another sees', async () => {
    const bus = new LocalEventBus();
    const seen: unknown[] = [];
    bus.subscribe('mutator', { source: ['test.source'] }, async (event) => {
      (event.detail as { n: number }).n = 999;
    });
    bus.subscribe('reader', { source: ['test.source'] }, async (event) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(event.detail);
    });
    await bus.publish([entry({ n: 1 })]);
    await bus.drain();
    assert.deepEqual(seen, [{ n: 1 }]);
    assert.deepEqual(bus.history()[0]?.detail, { n: 1 });
  });

  it('refuses what PutEvents refuses, accepting none of the batch', async () => {
    const bus = new LocalEventBus();
    const cases: [unknown[], RegExp][] = [
      [Array.from({ length: 11 }, () => entry()), /at most 10 entries/],
      [[entry(), entry('not an object')], /entry 1: detail must be a JSON object/],
      [[entry([1, 2])], /detail must be a JSON object/],
      [[{ source: '', detailType: 'X.v1', detail: {} }], /source is required/],
      [[{ source: 's', detailType: '', detail: {} }], /detailType is required/],
      [[entry({ blob: 'x'.repeat(256 * 1024) })], /EventBridge accepts at most 262144/],
    ];
    for (const [entries, message] of cases) {
      await assert.rejects(bus.publish(entries as never), message);
    }
    assert.equal(bus.history().length, 0);
  });

  it('keeps a bounded history of published events, newest last', async () => {
    const bus = new LocalEventBus({ historyLimit: 3 });
    for (let n = 1; n <= 5; n++) await bus.publish([entry({ n })]);
    assert.deepEqual(
      bus.history().map((e) => e.detail),
      [{ n: 3 }, { n: 4 }, { n: 5 }],
    );
  });
});

describe('LocalEventBus: subscribing', () => {
  it('rejects a malformed pattern at subscription, naming the rule', () => {
    const bus = new LocalEventBus();
    assert.throws(
      () => bus.subscribe('svc.fn.0', { source: 'test.source' } as never, async () => {}),
      /rule "svc\.fn\.0": invalid event pattern at source/,
    );
  });

  it('rejects a second rule with the same name', () => {
    const bus = new LocalEventBus();
    bus.subscribe('r', { source: ['a'] }, async () => {});
    assert.throws(() => bus.subscribe('r', { source: ['b'] }, async () => {}), /already subscribed/);
  });
});

describe('LocalEventBus: failures', () => {
  it('retries a failing target until it succeeds, reporting each failed attempt', async () => {
    const errors: number[] = [];
    const deadLetters: string[] = [];
    const bus = new LocalEventBus({
      retryDelayMs: 1,
      onError: (_rule, _event, _error, attempt) => errors.push(attempt),
      onDeadLetter: (rule) => deadLetters.push(rule),
    });
    const flaky = failing(2);
    bus.subscribe('flaky', { source: ['test.source'] }, flaky.target);
    await bus.publish([entry()]);
    await bus.drain();
    assert.equal(flaky.calls.length, 3);
    assert.deepEqual(errors, [1, 2]);
    assert.deepEqual(deadLetters, []);
  });

  it('dead-letters after maxRetries retries with the rule, the event and the last error', async () => {
    const deadLetters: [string, Delivered, unknown][] = [];
    const bus = new LocalEventBus({ maxRetries: 2, retryDelayMs: 1, onDeadLetter: (...args) => deadLetters.push(args) });
    const broken = failing(Infinity);
    bus.subscribe('broken', { source: ['test.source'] }, broken.target);
    await bus.publish([entry({ n: 7 })]);
    await bus.drain();
    assert.equal(broken.calls.length, 3);
    assert.equal(deadLetters.length, 1);
    const [rule, event, error] = deadLetters[0] ?? [];
    assert.equal(rule, 'broken');
    assert.deepEqual(event?.detail, { n: 7 });
    assert.match((error as Error).message, /boom 3/);
  });

  it('lets a rule override the retry count (0 = a single attempt)', async () => {
    const bus = new LocalEventBus({ maxRetries: 5, retryDelayMs: 1, onDeadLetter: () => {} });
    const broken = failing(Infinity);
    bus.subscribe('once', { source: ['test.source'] }, broken.target, { maxRetries: 0 });
    await bus.publish([entry()]);
    await bus.drain();
    assert.equal(broken.calls.length, 1);
  });

  it('backs off exponentially between attempts', async () => {
    const bus = new LocalEventBus({ maxRetries: 2, retryDelayMs: 25, onDeadLetter: () => {} });
    const broken = failing(Infinity);
    bus.subscribe('slow', { source: ['test.source'] }, broken.target);
    await bus.publish([entry()]);
    await bus.drain();
    const [first = 0, second = 0, third = 0] = broken.calls;
    assert.ok(second - first >= 24, `first retry after ${second - first} ms`);
    assert.ok(third - second >= 49, `second retry after ${third - second} ms`);
  });

  it('never lets a failing target delay or break the others', async () => {
    const bus = new LocalEventBus({ maxRetries: 3, retryDelayMs: 50, onDeadLetter: () => {} });
    const healthy = recorder();
    bus.subscribe('broken', { source: ['test.source'] }, failing(Infinity).target);
    bus.subscribe('healthy', { source: ['test.source'] }, healthy.target);
    await bus.publish([entry()]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(healthy.events.length, 1, 'the healthy target ran while the broken one waits to retry');
    await bus.drain();
  });

  it('logs dead letters to stderr by default', async (t) => {
    const logged = t.mock.method(console, 'error', () => {});
    const bus = new LocalEventBus({ maxRetries: 0 });
    bus.subscribe('svc.fn.0', { source: ['test.source'] }, failing(Infinity).target);
    await bus.publish([entry()]);
    await bus.drain();
    assert.equal(logged.mock.callCount(), 1);
    assert.match(String(logged.mock.calls[0]?.arguments[0]), /rule svc\.fn\.0 gave up on Thing\.v1/);
  });

  it('survives hooks that throw', async (t) => {
    t.mock.method(console, 'error', () => {});
    const bus = new LocalEventBus({
      maxRetries: 0,
      onError: () => {
        throw new Error('hook');
      },
      onDeadLetter: () => {
        throw new Error('hook');
      },
    });
    const healthy = recorder();
    bus.subscribe('broken', { source: ['test.source'] }, failing(Infinity).target);
    bus.subscribe('healthy', { source: ['test.source'] }, healthy.target);
    await bus.publish([entry()]);
    await bus.drain();
    assert.equal(healthy.events.length, 1);
  });
});

describe('LocalEventBus: drain', () => {
  it('resolves at once when nothing is pending', async () => {
    await new LocalEventBus().drain();
  });

  it('waits for deliveries caused by targets that publish in turn', async () => {
    const bus = new LocalEventBus();
    const finals = recorder();
    bus.subscribe('step1', { 'detail-type': ['Step1.v1'] }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await bus.publish([entry({}, 'Step2.v1')]);
    });
    bus.subscribe('step2', { 'detail-type': ['Step2.v1'] }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      await bus.publish([entry({}, 'Step3.v1')]);
    });
    bus.subscribe('step3', { 'detail-type': ['Step3.v1'] }, finals.target);
    await bus.publish([entry({}, 'Step1.v1')]);
    await bus.drain();
    assert.equal(finals.events.length, 1);
  });

  it('waits for pending retries', async () => {
    const bus = new LocalEventBus({ retryDelayMs: 10 });
    const flaky = failing(1);
    bus.subscribe('flaky', { source: ['test.source'] }, flaky.target);
    await bus.publish([entry()]);
    await bus.drain();
    assert.equal(flaky.calls.length, 2);
  });
});

describe('bindServiceRules', () => {
  const manifest = readServiceManifest(sampleDir);

  it('subscribes every eventBridge rule of serverless.yml to the function of the same name', async () => {
    const bus = new LocalEventBus();
    const received = recorder();
    const names = bindServiceRules(bus, manifest, { onPipelineEvent: received.target });
    assert.deepEqual(names, ['sample.onPipelineEvent.0', 'sample.onPipelineEvent.1']);

    const publisher = createLocalPublisher(bus);
    await publisher.publish(ProcessingCompleted, ProcessingCompleted.example);
    await publisher.publish(AppRegistered, AppRegistered.example);
    await publisher.publish(AppRegistered, { ...AppRegistered.example, appId: 'test_app' });
    await bus.drain();
    assert.deepEqual(
      received.events.map((e) => [e['detail-type'], (e.detail as { appId?: string }).appId]),
      [
        ['ProcessingCompleted.v1', undefined],
        ['AppRegistered.v1', 'shop_web'],
      ],
    );
  });

  it("applies the rule's retryPolicy.maximumRetryAttempts", async () => {
    const bus = new LocalEventBus({ maxRetries: 10, retryDelayMs: 1, onDeadLetter: () => {} });
    const broken = failing(Infinity);
    bindServiceRules(bus, manifest, { onPipelineEvent: broken.target });
    await createLocalPublisher(bus).publish(ProcessingCompleted, ProcessingCompleted.example);
    await bus.drain();
    assert.equal(broken.calls.length, 3, 'maximumRetryAttempts: 2 means three attempts');
  });

  it('fails at start-up when a function with rules has no target', () => {
    assert.throws(
      () => bindServiceRules(new LocalEventBus(), manifest, {}),
      /service sample: function onPipelineEvent has 2 event rule\(s\) in serverless.yml but no local target/,
    );
  });

  it('fails at start-up on a target serverless.yml does not declare (a typo)', () => {
    const target = async () => {};
    assert.throws(
      () => bindServiceRules(new LocalEventBus(), manifest, { onPipelineEvent: target, onPipelineEvnt: target }),
      /declares no function named onPipelineEvnt/,
    );
  });
});

describe('createLocalPublisher', () => {
  it('publishes a contract event with the validated detail, matching the contract pattern', async () => {
    const bus = new LocalEventBus();
    const { events, target } = recorder();
    bus.subscribe('completed', ProcessingCompleted.pattern, target);
    await createLocalPublisher(bus).publish(ProcessingCompleted, ProcessingCompleted.example);
    await bus.drain();
    assert.equal(events.length, 1);
    assert.equal(events[0]?.source, 'clickstream.process');
    assert.deepEqual(events[0]?.detail, ProcessingCompleted.schema.parse(ProcessingCompleted.example));
  });

  it('refuses a detail that violates the contract, publishing nothing', async () => {
    const bus = new LocalEventBus();
    const publish = mock.fn(bus.publish.bind(bus));
    bus.publish = publish;
    await assert.rejects(
      createLocalPublisher(bus).publish(ProcessingCompleted, { ...ProcessingCompleted.example, jobId: '' }),
      /refusing to publish invalid ProcessingCompleted\.v1/,
    );
    assert.equal(publish.mock.callCount(), 0);
    assert.equal(bus.history().length, 0);
  });
});

// The local password sign-in is throttled per user name and per client address: a few failures,
// then 429 with Retry-After and growing delays; a success resets the user name; the counters live
// in SQLite (they survive a restart) and are pruned.
import { afterEach, beforeEach, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openConsoleDatabase } from '../src/adapters/local/sqlite-database.js';
import { SqliteSignInAttemptStore } from '../src/adapters/local/sqlite-sign-in-attempts.js';
import { afterFailure, clientAddressKey, expiryOf, signInRules, throttledSignIn, type ThrottleRule } from '../src/domain/sign-in-throttle.js';
import type { AttemptState } from '../src/ports/sign-in-attempts.js';
import { call, harness, PASSWORD, T0, type ApiResponse, type Harness } from './support/harness.js';

const S = 1_000;
const MIN = 60 * S;

describe('throttle rule (pure)', () => {
  const rule: ThrottleRule = { limit: 3, windowMs: 10 * MIN, baseDelayMs: 30 * S, maxDelayMs: 2 * MIN };
  // Each case: failure times (ms after T0) → failures counted and block end (ms after T0; 0 = none) after the last.
  const cases: { name: string; at: number[]; failures: number; blockedUntil: number }[] = [
    { name: 'one failure', at: [0], failures: 1, blockedUntil: 0 },
    { name: 'below the limit', at: [0, S], failures: 2, blockedUntil: 0 },
    { name: 'the limit-th failure blocks for the base delay', at: [0, S, 2 * S], failures: 3, blockedUntil: 2 * S + 30 * S },
    { name: 'a failure after the block doubles it', at: [0, S, 2 * S, 40 * S], failures: 4, blockedUntil: 40 * S + 60 * S },
    { name: 'then doubles again', at: [0, S, 2 * S, 40 * S, 110 * S], failures: 5, blockedUntil: 110 * S + 120 * S },
    { name: 'up to the cap', at: [0, S, 2 * S, 40 * S, 110 * S, 240 * S], failures: 6, blockedUntil: 240 * S + 2 * MIN },
    { name: 'failures a window apart never add up', at: [0, 10 * MIN + 1, 20 * MIN + 2], failures: 1, blockedUntil: 0 },
    { name: 'the window counts from the end of the block', at: [0, S, 2 * S, 32 * S + 10 * MIN], failures: 4, blockedUntil: 32 * S + 10 * MIN + 60 * S },
    { name: 'a window of quiet after the block starts over', at: [0, S, 2 * S, 32 * S + 10 * MIN + 1], failures: 1, blockedUntil: 0 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      let state: AttemptState | undefined;
      for (const t of c.at) state = afterFailure(state, rule, T0 + t);
      assert.deepEqual([state!.failures, state!.blockedUntil === 0 ? 0 : state!.blockedUntil - T0], [c.failures, c.blockedUntil]);
      assert.equal(expiryOf(state!, rule), Math.max(state!.lastFailureAt, state!.blockedUntil) + rule.windowMs);
    });
  }
});

describe('client address key', () => {
  const cases: [string | undefined, string][] = [
    ['203.0.113.9', '203.0.113.9'],
    ['::ffff:203.0.113.9', '203.0.113.9'],
    ['2001:db8:85a3:8d3:1319:8a2e:370:7348', '2001:db8:85a3:8d3::/64'],
    ['2001:db8:85a3:8d3:ffff::1', '2001:db8:85a3:8d3::/64'],
    ['2001:DB8::1', '2001:db8:0:0::/64'],
    ['2001:0db8:0000:0000::1%eth0', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['64:ff9b::192.0.2.33', '64:ff9b:0:0::/64'],
    ['not an address', 'unknown'],
    ['', 'unknown'],
    [undefined, 'unknown'],
  ];
  for (const [ip, key] of cases) it(`${JSON.stringify(ip)} → ${key}`, () => assert.equal(clientAddressKey(ip), key));
});

describe('sign-in throttle through the API', () => {
  let h: Harness;
  beforeEach(async () => {
    h = harness();
    await h.addUser('ops', 'Operator');
    await h.addUser('ana', 'Analyst');
  });
  afterEach(() => h.close());

  const signIn = (username: string, password: string, sourceIp = '203.0.113.9') => call('POST', '/api/auth/sign-in', { body: { username, password }, sourceIp });
  const expectThrottled = (res: ApiResponse, seconds: number) => {
    assert.equal(res.status, 429, JSON.stringify(res.body));
    assert.equal(res.body.error.code, 'TOO_MANY_SIGN_IN_ATTEMPTS');
    assert.equal(res.body.error.details.retryAfterSeconds, seconds);
    assert.equal(res.raw.headers?.['retry-after'], String(seconds));
  };

  // Each step: advance the clock, try a password, expect a status (and Retry-After for 429).
  type Step = { after?: number; user?: string; password: 'right' | 'wrong'; ip?: string; status: 200 | 401 | 429; retryAfter?: number };
  const scenarios: { name: string; steps: Step[] }[] = [
    {
      name: 'five failures block the user name for 30 s, even for the right password; then it works',
      steps: [
        ...Array.from({ length: 5 }, (): Step => ({ password: 'wrong', status: 401 })),
        { password: 'right', status: 429, retryAfter: 30 },
        { after: 29 * S, password: 'right', status: 429, retryAfter: 1 },
        { after: S, password: 'right', status: 200 },
      ],
    },
    {
      name: 'each failure after a block doubles it: 30 s, 60 s, 120 s',
      steps: [
        ...Array.from({ length: 5 }, (): Step => ({ password: 'wrong', status: 401 })),
        { after: 30 * S, password: 'wrong', status: 401 },
        { password: 'wrong', status: 429, retryAfter: 60 },
        { after: 60 * S, password: 'wrong', status: 401 },
        { password: 'right', status: 429, retryAfter: 120 },
      ],
    },
    {
      name: 'a success resets the user name: four more failures do not block',
      steps: [
        ...Array.from({ length: 4 }, (): Step => ({ password: 'wrong', status: 401 })),
        { password: 'right', status: 200 },
        ...Array.from({ length: 4 }, (): Step => ({ password: 'wrong', status: 401 })),
        { password: 'right', status: 200 },
      ],
    },
    {
      name: 'a blocked user name is blocked from every address; other users are not',
      steps: [
        ...Array.from({ length: 5 }, (_, i): Step => ({ password: 'wrong', ip: `198.51.100.${i + 1}`, status: 401 })),
        { password: 'right', ip: '192.0.2.77', status: 429, retryAfter: 30 },
        { user: 'ana', password: 'right', status: 200 },
      ],
    },
    {
      name: 'failures spread wider than the window never block',
      steps: Array.from({ length: 8 }, (): Step => ({ after: 16 * MIN, password: 'wrong', status: 401 })),
    },
  ];
  for (const scenario of scenarios) {
    it(scenario.name, async () => {
      for (const [i, step] of scenario.steps.entries()) {
        h.now.value += step.after ?? 0;
        const user = step.user ?? 'ops';
        const res = await signIn(user, step.password === 'right' ? PASSWORD : 'wrong password!', step.ip);
        if (step.status === 429) expectThrottled(res, step.retryAfter!);
        else assert.equal(res.status, step.status, `step ${i}: ${JSON.stringify(res.body)}`);
      }
    });
  }

  it('per address: 20 failures over many user names (known or not) block that address only; a success does not reset it', async () => {
    const attacker = '198.51.100.66';
    for (let i = 0; i < 19; i++) assert.equal((await signIn(`guess${i}`, 'wrong password!', attacker)).status, 401);
    assert.equal((await signIn('ops', PASSWORD, attacker)).status, 200, 'a success from the address');
    assert.equal((await signIn('guess19', 'wrong password!', attacker)).status, 401, 'the 20th failure');
    expectThrottled(await signIn('ana', PASSWORD, attacker), 30);
    expectThrottled(await signIn('ana', PASSWORD, '::ffff:198.51.100.66'), 30);
    assert.equal((await signIn('ana', PASSWORD, '198.51.100.67')).status, 200, 'the neighbour is not blocked');
  });

  it('behind a trusted reverse proxy, counts the client X-Forwarded-For names, not the proxy', async () => {
    h.close();
    h = harness({ trustedProxies: ['10.0.0.1'] });
    await h.addUser('ana', 'Analyst');
    const viaProxy = (username: string, password: string, client: string) =>
      call('POST', '/api/auth/sign-in', { body: { username, password }, sourceIp: '10.0.0.1', headers: { 'x-forwarded-for': client } });
    for (let i = 0; i < 20; i++) assert.equal((await viaProxy(`guess${i}`, 'wrong password!', '198.51.100.66')).status, 401);
    expectThrottled(await viaProxy('ana', PASSWORD, '198.51.100.66'), 30);
    assert.equal((await viaProxy('ana', PASSWORD, '198.51.100.67')).status, 200, 'another client behind the same proxy is not blocked');
  });

  it('ignores X-Forwarded-For from a peer it does not trust: a spoofed header escapes no block', async () => {
    const attacker = '198.51.100.66';
    const spoofed = (i: number) =>
      call('POST', '/api/auth/sign-in', { body: { username: `guess${i}`, password: 'wrong password!' }, sourceIp: attacker, headers: { 'x-forwarded-for': `192.0.2.${i}` } });
    for (let i = 0; i < 20; i++) assert.equal((await spoofed(i)).status, 401);
    expectThrottled(await signIn('ana', PASSWORD, attacker), 30);
  });

  it('an IPv6 client is counted by its /64', async () => {
    for (let i = 1; i <= 20; i++) assert.equal((await signIn(`guess${i}`, 'wrong password!', `2001:db8:1:2::${i.toString(16)}`)).status, 401);
    expectThrottled(await signIn('ops', PASSWORD, '2001:db8:1:2:aaaa::1'), 30);
    assert.equal((await signIn('ops', PASSWORD, '2001:db8:1:3::1')).status, 200);
  });

  it('parallel guesses are counted one by one: only the first five get checked', async () => {
    const answers = await Promise.all(Array.from({ length: 12 }, () => signIn('ops', 'wrong password!')));
    assert.deepEqual(
      answers.map((a) => a.status).sort(),
      [...Array<number>(5).fill(401), ...Array<number>(7).fill(429)],
    );
  });

  it('an unknown user name gets the same answers as a known one (nothing to enumerate)', async () => {
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 6; i++) known.push((await signIn('ops', 'wrong password!', '192.0.2.1')).status);
    for (let i = 0; i < 6; i++) unknown.push((await signIn('nobody', 'wrong password!', '192.0.2.2')).status);
    assert.deepEqual(known, unknown);
  });

  it('the OpenAPI document lists the 429 with its Retry-After header', async () => {
    const doc = (await call('GET', '/api/openapi.json')).body;
    const answer = doc.paths['/api/auth/sign-in'].post.responses['429'];
    assert.match(answer.description, /Too many failed sign-ins/);
    assert.deepEqual(answer.headers['Retry-After'].schema, { type: 'integer', minimum: 1 });
    assert.equal(answer.content['application/json'].schema.$ref, '#/components/schemas/Error');
  });
});

describe('throttle counters in SQLite', () => {
  async function tempDir(t: TestContext): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'console-throttle-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }
  const fail = async () => undefined;

  it('survive a restart: a blocked user name is still blocked after reopening the database', async (t) => {
    const path = join(await tempDir(t), 'console.sqlite');
    const db = openConsoleDatabase(path);
    const who = { username: 'ops', clientIp: '203.0.113.9' };
    for (let i = 0; i < signInRules.username.limit; i++) await throttledSignIn(new SqliteSignInAttemptStore(db), who, () => T0, fail);
    db.close();
    const again = openConsoleDatabase(path);
    t.after(() => again.close());
    await assert.rejects(
      throttledSignIn(new SqliteSignInAttemptStore(again), who, () => T0 + S, async () => 'ok'),
      (e: { status?: number }) => e.status === 429,
    );
    assert.equal(await throttledSignIn(new SqliteSignInAttemptStore(again), who, () => T0 + 30 * S, async () => 'ok'), 'ok');
  });

  it('do not grow without bound: expired rows go, and the table stays under its cap (running blocks last)', async () => {
    const db = openConsoleDatabase(':memory:');
    const store = new SqliteSignInAttemptStore(db);
    const rows = () => (db.prepare('SELECT key FROM sign_in_attempts ORDER BY key').all() as { key: string }[]).map((r) => r.key);
    await store.put('user:old', { failures: 1, lastFailureAt: T0, blockedUntil: 0 }, T0 + 15 * MIN);
    await store.put('user:blocked', { failures: 5, lastFailureAt: T0, blockedUntil: T0 + 20 * MIN }, T0 + 35 * MIN);
    await store.put('ip:a', { failures: 1, lastFailureAt: T0 + MIN, blockedUntil: 0 }, T0 + 16 * MIN);
    await store.put('ip:b', { failures: 1, lastFailureAt: T0 + 2 * MIN, blockedUntil: 0 }, T0 + 17 * MIN);
    assert.equal(await store.prune(T0 + 15 * MIN, 10), 1, 'the expired row');
    assert.deepEqual(rows(), ['ip:a', 'ip:b', 'user:blocked']);
    assert.equal(await store.prune(T0 + 15 * MIN, 1), 2, 'down to the cap, soonest to expire first, the running block kept');
    assert.deepEqual(rows(), ['user:blocked']);
    // Through the throttle: every failure prunes, so a spray of names leaves only live rows.
    const spray = (i: number) => throttledSignIn(store, { username: `u${i}`, clientIp: `192.0.2.${i}` }, () => T0 + 40 * MIN + i * 16 * MIN, fail);
    for (let i = 0; i < 5; i++) await spray(i);
    assert.deepEqual(rows(), ['ip:192.0.2.4', 'user:u4']);
    db.close();
  });
});

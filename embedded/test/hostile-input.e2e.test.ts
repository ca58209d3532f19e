import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { EmbeddedConfig } from '../src/config.js';
import { startEmbedded, type EmbeddedRuntime } from '../src/runtime.js';
import { signIn, TEST_ADMIN_PASSWORD, type ConsoleSession } from './support/console-session.js';

const quiet = { info: () => undefined, error: (m: string, e?: unknown) => console.error(m, e) };
// 401: an anonymous caller on a route that needs sign-in.
const ALLOWED = new Set([200, 204, 400, 401, 403, 404, 405, 413]);

/** A JSON value built to hurt: prototype keys, deep nesting, wrong types, huge strings, odd numbers. */
const hostileJson = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, 0, -1, 1e308, Number.MAX_SAFE_INTEGER + 2, ''),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constant('x'.repeat(70_000)),
    fc.constant("'; DROP TABLE events; --"),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'prototype', 'event_id', 'event_type', 'timestamp', 'app_id', 'attributes', 'user', 'items', 'toString'), tie('value'), { maxKeys: 6 }),
  ),
})).value;

const deepNesting = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

const hostileBody = fc.oneof(
  fc.uint8Array({ maxLength: 2_000 }).map((b) => Buffer.from(b)),
  hostileJson.map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
  hostileJson.map((v) => gzipSync(JSON.stringify(v) ?? 'null').subarray(0, 12)),
  fc.integer({ min: 1_000, max: 200_000 }).map((d) => Buffer.from(deepNesting(d))),
  fc.constant(Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28, 0xa1])),
  fc.constant(Buffer.from(JSON.stringify([{ event_type: 'x', event_id: 'not-a-uuid', timestamp: 'yesterday', app_id: 'demo_web' }]))),
);

const hostileQuery = fc.record({
  appId: fc.oneof(fc.constant('demo_web'), fc.string({ maxLength: 80 }), fc.constant('../../etc/passwd'), fc.constant('a'.repeat(3000))),
  compression: fc.oneof(fc.constant(undefined), fc.constant('gzip'), fc.string({ maxLength: 8 })),
  hashCode: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 12 })),
  upload_timestamp: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 20 })),
});

describe('hostile input never crashes the platform nor costs the good events', () => {
  let dataDir: string;
  let runtime: EmbeddedRuntime;
  const goodIds: string[] = [];

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'clickstream-hostile-'));
    runtime = await startEmbedded(EmbeddedConfig.parse({ PORT: '0', DATA_DIR: dataDir, PROCESS_INTERVAL_SECONDS: '3600', ADMIN_PASSWORD: TEST_ADMIN_PASSWORD }), quiet);
  });
  after(async () => {
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function expectJsonVerdict(res: Response, what: string): Promise<void> {
    assert.ok(ALLOWED.has(res.status), `${what}: status ${res.status}`);
    const text = await res.text();
    if (res.status >= 400) {
      const body = JSON.parse(text) as { error?: { code?: string; message?: string; requestId?: string } };
      assert.ok(body.error?.code && body.error.message && body.error.requestId, `${what}: JSON reason missing in ${text.slice(0, 200)}`);
    }
  }

  async function sendGood(): Promise<void> {
    const id = randomUUID();
    const res = await fetch(`${runtime.url}/collect?appId=demo_web`, {
      method: 'POST',
      body: JSON.stringify([{ event_type: 'good', event_id: id, timestamp: Date.now(), app_id: 'demo_web' }]),
    });
    assert.equal(res.status, 200);
    goodIds.push(id);
  }

  it('answers every hostile upload to /collect with 200 or a 4xx JSON reason', async () => {
    await fc.assert(
      fc.asyncProperty(hostileQuery, hostileBody, fc.constantFrom('POST', 'OPTIONS', 'GET', 'PUT'), fc.string({ maxLength: 60 }), async (query, body, method, origin) => {
        const params = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined));
        const headers: Record<string, string> = { 'content-type': 'application/json', 'x-forwarded-for': `${origin}, 999.1.1.1, ::ffff:10.0.0.1` };
        if (/^[\x21-\x7e]+$/.test(origin)) headers.origin = origin;
        const res = await fetch(`${runtime.url}/collect?${params}`, { method, headers, ...(method === 'GET' ? {} : { body }) });
        await expectJsonVerdict(res, `${method} /collect?${params}`);
        if (Math.random() < 0.1) await sendGood();
      }),
      { numRuns: 300, seed: 20261129 },
    );
  });

  // Anonymous callers stop at sign-in (401); a signed-in read-only user reaches the routes' input
  // validation and gets 400/403/404 for whatever it sends (it cannot delete the demo app the good
  // events below need).
  for (const who of ['anonymous', 'a signed-in AnalystReader'] as const) {
    it(`answers hostile API paths, methods and values with a 4xx JSON reason, never a 500 (${who})`, async () => {
      let session: ConsoleSession | undefined;
      if (who !== 'anonymous') {
        const admin = await signIn(runtime.url);
        const created = await admin.fetch('/api/users', {
          method: 'POST',
          body: JSON.stringify({ username: 'reader', password: 'a reader password', role: 'AnalystReader' }),
        });
        assert.equal(created.status, 201);
        session = await signIn(runtime.url, 'reader', 'a reader password');
      }
      const segment = fc.oneof(
        fc.string({ maxLength: 30 }),
        fc.constantFrom(
          "demo_web' OR 1=1 --",
          '%00',
          '..',
          '%2e%2e',
          '__proto__',
          'event-count',
          'apps',
          '%E0%A4%A',
          'demo_web',
          'projects',
          'demo',
          'pipeline',
          'metadata',
          'events',
          'health',
          'users',
        ),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(segment, { maxLength: 5 }), fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE'), hostileJson, async (segments, method, body) => {
          const path = `/api/${segments.map((s) => (/^%|^\.\.$/.test(s) ? s : encodeURIComponent(s))).join('/')}`;
          const init: RequestInit = {
            method,
            headers: { 'content-type': 'application/json' },
            ...(method === 'GET' ? {} : { body: JSON.stringify(body) ?? 'null' }),
          };
          const res = session ? await session.fetch(path, init) : await fetch(`${runtime.url}${path}`, init);
          await expectJsonVerdict(res, `${who} ${method} ${path}`);
        }),
        { numRuns: 200, seed: 20261129 },
      );
    });
  }

  it('survives malformed HTTP: header injection, bad request lines, a stalled upload', async () => {
    const raw = (payload: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(Number(new URL(runtime.url).port), '127.0.0.1');
        let answer = '';
        socket.on('data', (d) => (answer += d.toString()));
        socket.on('close', () => resolve(answer));
        socket.on('error', () => resolve(answer));
        socket.write(payload);
        setTimeout(() => socket.end(), 300);
      });
    const answers = await Promise.all([
      raw('POST /collect?appId=demo_web HTTP/1.1\r\nHost: x\r\nX-Evil: a\rb\r\nContent-Length: 2\r\n\r\n[]'),
      raw('GARBAGE / HTTP/9.9\r\n\r\n'),
      raw('POST /collect?appId=demo_web HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n[{"event'),
      raw('\x00\x01\x02\r\n\r\n'),
    ]);
    for (const a of answers) assert.doesNotMatch(a, /^HTTP\/1\.1 5\d\d/);
    await sendGood();
    assert.equal((await fetch(`${runtime.url}/ping`)).status, 200);
  });

  it('still processes every good event that was accepted in between', async () => {
    await sendGood();
    await runtime.runJob('process.schedule-start-job');
    const rows = await runtime.warehouse.query<{ n: number }>(
      `SELECT count(DISTINCT event_id) AS n FROM events_deduped WHERE event_id IN (${goodIds.map((_, i) => `$${i + 1}`).join(', ')})`,
      goodIds,
    );
    assert.equal(Number(rows[0]?.n), goodIds.length);
    const memory = process.memoryUsage().rss / 1024 / 1024;
    assert.ok(memory < 1024, `rss ${memory.toFixed(0)} MB stays bounded`);
  });
});

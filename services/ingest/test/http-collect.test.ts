// The collect endpoint end to end: API Gateway v2 events into the real middy handler, with
// in-memory fakes behind the ports.
import { trustedProxyList } from '@clickstream/lambda-kit';
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { AppRegistered, AppSettings, RawEnvelopeV2 } from '@clickstream/contracts';
import { FsObjectStore } from '@clickstream/runtime';
import { ObjectStoreAppDirectory } from '../src/adapters/local/object-store-app-directory.js';
import type { StoredApp } from '../src/domain/app-copy.js';
import { IngestLimits } from '../src/domain/limits.js';
import type { EnvelopeRecord } from '../src/domain/envelope-records.js';
import type { AppDirectory } from '../src/ports/app-directory.js';
import type { EventSink } from '../src/ports/event-sink.js';

// Quiet the handler's logger unless asked otherwise (it is created when the wiring loads).
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
const { handler } = await import('../src/handlers/http-collect.js');
const { ports, useLocalPorts } = await import('../src/wiring.js');

// ---------- fakes ----------

class MemoryAppDirectory implements AppDirectory {
  readonly stored = new Map<string, StoredApp>();
  async get(appId: string): Promise<StoredApp | undefined> {
    return this.stored.get(appId);
  }
  async put(next: StoredApp, expectedRevision: number): Promise<boolean> {
    const id = next.deleted ? next.appId : next.app.appId;
    const current = this.stored.get(id);
    const revision = current === undefined ? -1 : current.deleted ? current.revision : current.app.revision;
    if (revision !== expectedRevision) return false;
    this.stored.set(id, next);
    return true;
  }
  register(app: AppSettings): void {
    this.stored.set(app.appId, { app });
  }
}

/** A stored envelope with its body as the exact JSON text the record holds (to check it is verbatim). */
type StoredEnvelope = Omit<RawEnvelopeV2, 'body'> & { body: string; bytes: number };

function stored(record: EnvelopeRecord): StoredEnvelope {
  const text = Buffer.from(record.data).toString('utf8');
  const { body: _body, ...header } = RawEnvelopeV2.parse(JSON.parse(text));
  const prefix = `${JSON.stringify(header).slice(0, -1)},"body":`;
  assert.ok(text.startsWith(prefix) && text.endsWith('}'), 'the body is the last member, spliced after the header');
  return { ...header, body: text.slice(prefix.length, -1), bytes: record.data.length };
}

class RecordingSink implements EventSink {
  readonly calls: StoredEnvelope[][] = [];
  failure: Error | undefined;
  /** When set, put waits for this before resolving (to observe when the handler answers). */
  gate: Promise<void> | undefined;
  async put(records: readonly EnvelopeRecord[]): Promise<void> {
    this.calls.push(records.map(stored));
    if (this.gate) await this.gate;
    if (this.failure) throw this.failure;
  }
  get envelopes(): StoredEnvelope[] {
    return this.calls.flat();
  }
}

// ---------- fixtures ----------

const NOW = Date.parse('2026-11-29T10:00:00.000Z');
const RECORD_LIMIT = 1000 * 1024;
const ORIGIN = 'https://shop.example.com';

const shop = AppSettings.parse(AppRegistered.example); // shop_web, allows https://shop.example.com
const disabled: AppSettings = { ...shop, appId: 'old_web', enabled: false };
const open: AppSettings = { ...shop, appId: 'open_web', allowedOrigins: ['*'] };
const mobile: AppSettings = { ...shop, appId: 'shop_android', platform: 'Android', allowedOrigins: [] };

let apps: MemoryAppDirectory;
let sink: RecordingSink;

beforeEach(() => {
  apps = new MemoryAppDirectory();
  for (const app of [shop, disabled, open, mobile]) apps.register(app);
  apps.stored.set('gone_web', { appId: 'gone_web', revision: 3, deleted: true });
  sink = new RecordingSink();
  useLocalPorts({
    apps,
    sink,
    clock: { now: () => NOW },
    trustedProxies: trustedProxyList(['10.0.0.0/8']),
    maxBodyBytes: IngestLimits.maxBodyBytes,
    maxRecordBytes: RECORD_LIMIT,
  });
});

function sdkEvent(i = 0): Record<string, unknown> {
  return {
    event_type: '_page_view',
    event_id: `4f1c2b7e-8a9d-4c3e-b5f6-${String(i).padStart(12, '0')}`,
    timestamp: NOW - 1000,
    app_id: 'shop_web',
    unique_id: 'user-1',
    platform: 'Web',
    attributes: { _session_id: 's-1', _page_url: 'https://shop.example.com/', _page_title: 'Home' },
  };
}

const batchText = `[\n  ${JSON.stringify(sdkEvent(0))},\n  ${JSON.stringify(sdkEvent(1))}\n]`;
const hashOf = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 8);

interface Req {
  method?: string;
  path?: string;
  /** null: no query string at all (queryStringParameters absent). */
  query?: Record<string, string> | null;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
  sourceIp?: string;
}

const defaultQuery = (): Record<string, string> => ({
  appId: 'shop_web',
  platform: 'Web',
  event_bundle_sequence_id: '12',
  upload_timestamp: String(NOW - 50),
});

/** An API Gateway HTTP API (payload 2.0) event, as Lambda receives it. */
function apiEvent({
  method = 'POST',
  path = '/collect',
  query = defaultQuery(),
  headers = { 'content-type': 'application/json; charset=utf-8', origin: ORIGIN, 'user-agent': 'Mozilla/5.0 (Test)' },
  body,
  isBase64Encoded = false,
  sourceIp = '203.0.113.7',
}: Req = {}): APIGatewayProxyEventV2 {
  const rawQueryString = new URLSearchParams(query ?? {}).toString();
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString,
    headers,
    ...(query === null ? {} : { queryStringParameters: query }),
    requestContext: {
      accountId: '123456789012',
      apiId: 'api1234567',
      domainName: 'api1234567.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'api1234567',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: 'apigw-request-id',
      routeKey: `${method} ${path}`,
      stage: '$default',
      time: '29/Nov/2026:10:00:00 +0000',
      timeEpoch: NOW,
    },
    ...(body === undefined ? {} : { body }),
    isBase64Encoded,
  };
}

let requestCounter = 0;
function lambdaContext(awsRequestId = `req-${++requestCounter}`): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: 'clickstream-ingest-test-http-collect',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:clickstream-ingest-test-http-collect',
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: '/aws/lambda/clickstream-ingest-test-http-collect',
    logStreamName: 'test',
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

async function call(req: Req = {}, context = lambdaContext()) {
  const res = await handler(apiEvent(req), context);
  return { status: res.statusCode ?? 0, headers: res.headers ?? {}, body: res.body ?? '' };
}

/** Asserts the JSON error body every route returns. */
function assertError(res: { status: number; headers: Record<string, unknown>; body: string }, status: number, code: string, requestId?: string) {
  assert.equal(res.status, status, res.body);
  assert.match(String(res.headers['content-type']), /^application\/json/);
  const parsed = JSON.parse(res.body) as { error: { code: string; message: string; requestId: string } };
  assert.equal(parsed.error.code, code);
  assert.equal(typeof parsed.error.message, 'string');
  assert.ok(parsed.error.message.length > 0);
  if (requestId) assert.equal(parsed.error.requestId, requestId);
  else assert.equal(typeof parsed.error.requestId, 'string');
}

// ---------- tests ----------

describe('POST /collect: accepted uploads', () => {
  it('answers 200 with an empty body after one durable put of a well-formed envelope', async () => {
    const res = await call({ body: batchText }, lambdaContext('req-accept'));
    assert.equal(res.status, 200);
    assert.equal(res.body, '');
    assert.equal(sink.calls.length, 1);
    assert.equal(sink.calls[0]?.length, 1);

    const { bytes: _bytes, ...envelope } = sink.calls[0]![0]!;
    assert.deepEqual(envelope, {
      v: 2,
      requestId: 'req-accept',
      ingestTime: NOW,
      appId: 'shop_web',
      platform: 'Web',
      clientIp: '203.0.113.7',
      userAgent: 'Mozilla/5.0 (Test)',
      query: defaultQuery(),
      body: batchText,
    });
  });

  it('keeps the body verbatim, whitespace and all', async () => {
    await call({ body: batchText });
    assert.equal(sink.envelopes[0]?.body, batchText);
  });

  it('answers only once the sink has made the batch durable', async () => {
    let release!: () => void;
    sink.gate = new Promise<void>((r) => (release = r));
    let answered = false;
    const pending = call({ body: batchText }).then((res) => {
      answered = true;
      return res;
    });
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(sink.calls.length, 1, 'the put started');
    assert.equal(answered, false, 'no answer before the put resolved');
    release();
    assert.equal((await pending).status, 200);
  });

  it('echoes the allowed Origin with credentials on the POST response, never *', async () => {
    const res = await call({ body: batchText });
    assert.equal(res.headers['access-control-allow-origin'], ORIGIN);
    assert.equal(res.headers['access-control-allow-credentials'], 'true');
    assert.equal(res.headers.vary, 'Origin');
  });

  it('matches the Origin case-insensitively and echoes it as sent', async () => {
    const origin = 'HTTPS://Shop.Example.com';
    const res = await call({ body: batchText, headers: { origin } });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], origin);
  });

  it('accepts uploads without an Origin (mobile SDKs) and adds no CORS headers', async () => {
    const res = await call({ query: { ...defaultQuery(), appId: 'shop_android', platform: 'Android' }, headers: {}, body: batchText });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    assert.equal(sink.envelopes[0]?.platform, 'Android');
    assert.equal(sink.envelopes[0]?.userAgent, undefined);
  });

  it('accepts text/plain bodies (navigator.sendBeacon)', async () => {
    const res = await call({ headers: { 'content-type': 'text/plain;charset=UTF-8', origin: ORIGIN }, body: batchText });
    assert.equal(res.status, 200);
    assert.equal(sink.envelopes[0]?.body, batchText);
  });

  it('accepts a single event object as the body', async () => {
    const body = JSON.stringify(sdkEvent());
    assert.equal((await call({ body })).status, 200);
    assert.equal(sink.envelopes[0]?.body, body);
  });

  it('inflates a base64 gzip body sent with compression=gzip and stores the decompressed text', async () => {
    const res = await call({
      query: { ...defaultQuery(), compression: 'gzip', hashCode: hashOf(batchText) },
      body: gzipSync(batchText).toString('base64'),
      isBase64Encoded: true,
    });
    assert.equal(res.status, 200, res.body);
    assert.equal(sink.envelopes[0]?.body, batchText);
    assert.equal(sink.envelopes[0]?.query.compression, 'gzip');
  });

  it('accepts a base64-encoded plain body', async () => {
    const res = await call({ body: Buffer.from(batchText).toString('base64'), isBase64Encoded: true });
    assert.equal(res.status, 200);
    assert.equal(sink.envelopes[0]?.body, batchText);
  });

  it('accepts a body whose hashCode matches', async () => {
    const res = await call({ query: { ...defaultQuery(), hashCode: hashOf(batchText) }, body: batchText });
    assert.equal(res.status, 200);
  });

  it('takes the client IP from X-Forwarded-For behind a trusted proxy, ignoring spoofed entries', async () => {
    await call({
      sourceIp: '10.0.0.5',
      headers: { origin: ORIGIN, 'x-forwarded-for': '6.6.6.6, 198.51.100.9, 10.1.1.1' },
      body: batchText,
    });
    assert.equal(sink.envelopes[0]?.clientIp, '198.51.100.9');
  });

  it('ignores X-Forwarded-For from an untrusted peer', async () => {
    await call({ sourceIp: '203.0.113.7', headers: { origin: ORIGIN, 'x-forwarded-for': '6.6.6.6' }, body: batchText });
    assert.equal(sink.envelopes[0]?.clientIp, '203.0.113.7');
  });

  it('reads headers case-insensitively', async () => {
    await call({ headers: { Origin: ORIGIN, 'User-Agent': 'UA/1' }, body: batchText });
    assert.equal(sink.envelopes[0]?.userAgent, 'UA/1');
  });
});

describe('POST /collect: envelopes too large for one stream record', () => {
  it('splits a body between the record limit (1000 KiB) and the body limit (1 MiB) into several envelopes within the record limit, with #n request ids', async () => {
    const events = Array.from({ length: 1000 }, (_, i) => ({ ...sdkEvent(i), attributes: { pad: 'p'.repeat(850) } }));
    const body = JSON.stringify(events);
    assert.ok(body.length > RECORD_LIMIT && body.length < IngestLimits.maxBodyBytes, `body is ${body.length} bytes`);

    const res = await call({ body }, lambdaContext('req-big'));
    assert.equal(res.status, 200, res.body);
    assert.equal(sink.calls.length, 1, 'one put, so the request is acknowledged only if every part is durable');

    const parts = sink.calls[0]!;
    assert.ok(parts.length >= 2, `${parts.length} parts`);
    assert.deepEqual(
      parts.map((p) => p.requestId),
      parts.map((_, n) => `req-big#${n}`),
    );
    for (const part of parts) {
      assert.ok(part.bytes <= RECORD_LIMIT, `${part.requestId}: ${part.bytes} bytes`);
      assert.equal(part.appId, 'shop_web');
      assert.equal(part.ingestTime, NOW);
    }
    assert.deepEqual(
      parts.flatMap((p) => JSON.parse(p.body) as unknown[]),
      events,
      'the parts add back up to the original batch',
    );
  });

  it('answers 413 when one event alone is larger than a stream record', async () => {
    const body = JSON.stringify([{ ...sdkEvent(), attributes: { quote: '"'.repeat(600 * 1024) } }]);
    assertError(await call({ body }), 413, 'PAYLOAD_TOO_LARGE');
    assert.equal(sink.calls.length, 0);
  });
});

describe('POST /collect: rejected uploads', () => {
  it('answers 400 with a JSON error (code, message, requestId) when appId is missing', async () => {
    const { appId: _omit, ...query } = defaultQuery();
    assertError(await call({ query, body: batchText }, lambdaContext('req-no-app')), 400, 'MISSING_APP_ID', 'req-no-app');
    assertError(await call({ query: null, body: batchText }), 400, 'MISSING_APP_ID');
    assert.equal(sink.calls.length, 0);
  });

  for (const [label, appId] of [
    ['unknown', 'nobody_web'],
    ['disabled', 'old_web'],
    ['deleted', 'gone_web'],
  ] as const) {
    it(`answers 403 for an ${label} app`, async () => {
      assertError(await call({ query: { ...defaultQuery(), appId }, body: batchText }), 403, 'UNKNOWN_APP');
      assert.equal(sink.calls.length, 0);
    });
  }

  it('answers 403 (not 500) for an appId no app could ever have, whatever directory backs it', async (t) => {
    const root = await mkdtemp(join(tmpdir(), 'ingest-apps-'));
    t.after(() => rm(root, { recursive: true, force: true }));
    const embedded = new ObjectStoreAppDirectory(new FsObjectStore(root));
    await embedded.put({ app: shop }, -1);
    for (const directory of [apps, embedded]) {
      useLocalPorts({ ...ports(), apps: directory });
      for (const appId of ['../../etc/passwd', 'a/../b', 'a/.tmp-x', 'x'.repeat(3000), 'shop web', 'shop_web\u0000']) {
        assertError(await call({ query: { ...defaultQuery(), appId }, body: batchText }), 403, 'UNKNOWN_APP');
      }
      assert.equal((await call({ body: batchText })).status, 200, 'a real app still passes');
    }
    assert.equal(sink.calls.length, 2);
  });

  it('answers 403 for an Origin the app does not allow', async () => {
    const res = await call({ headers: { origin: 'https://evil.example.net' }, body: batchText });
    assertError(res, 403, 'ORIGIN_NOT_ALLOWED');
    assert.equal(res.headers['access-control-allow-origin'], undefined);
    assert.equal(sink.calls.length, 0);
  });

  it('answers 403 for a browser Origin when the app allows none', async () => {
    assertError(await call({ query: { ...defaultQuery(), appId: 'shop_android' }, body: batchText }), 403, 'ORIGIN_NOT_ALLOWED');
  });

  it('answers 400 HASH_MISMATCH when hashCode does not match the body', async () => {
    assertError(await call({ query: { ...defaultQuery(), hashCode: 'deadbeef' }, body: batchText }), 400, 'HASH_MISMATCH');
    assert.equal(sink.calls.length, 0);
  });

  it('answers 400 BAD_GZIP when compression=gzip but the body is not gzip', async () => {
    assertError(await call({ query: { ...defaultQuery(), compression: 'gzip' }, body: batchText }), 400, 'BAD_GZIP');
  });

  it('answers 413 for a gzip bomb', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20)).toString('base64');
    assertError(await call({ query: { ...defaultQuery(), compression: 'gzip' }, body: bomb, isBase64Encoded: true }), 413, 'PAYLOAD_TOO_LARGE');
  });

  it('answers 413 for a plain body over 1 MB', async () => {
    const body = `[${JSON.stringify(sdkEvent())}${' '.repeat(IngestLimits.maxBodyBytes)}]`;
    assertError(await call({ body }), 413, 'PAYLOAD_TOO_LARGE');
    assert.equal(sink.calls.length, 0);
  });

  for (const body of ['"str"', '42', 'null', '{"event_type":', '']) {
    it(`answers 400 for the body ${JSON.stringify(body)}`, async () => {
      const res = await call({ body });
      assertError(res, 400, JSON.parse(res.body).error.code);
      assert.equal(sink.calls.length, 0);
    });
  }

  it('lets an allowed browser Origin read the reason of a rejected body (CORS headers on the error)', async () => {
    for (const [query, body, status, code] of [
      [{ ...defaultQuery(), hashCode: 'deadbeef' }, batchText, 400, 'HASH_MISMATCH'],
      [defaultQuery(), '{"event_type":', 400, 'INVALID_JSON'],
      [{ ...defaultQuery(), compression: 'gzip' }, batchText, 400, 'BAD_GZIP'],
    ] as const) {
      const res = await call({ query, body });
      assertError(res, status, code);
      assert.equal(res.headers['access-control-allow-origin'], ORIGIN, code);
      assert.equal(res.headers['access-control-allow-credentials'], 'true', code);
    }
    sink.failure = new Error('disk full');
    const unavailable = await call({ body: batchText });
    assertError(unavailable, 503, 'SINK_UNAVAILABLE');
    assert.equal(unavailable.headers['access-control-allow-origin'], ORIGIN);
  });

  it('adds no CORS headers to the error of a request without Origin, nor to a refused origin', async () => {
    const mobileError = await call({ query: { ...defaultQuery(), hashCode: 'deadbeef' }, body: batchText, headers: { 'content-type': 'application/json' } });
    assertError(mobileError, 400, 'HASH_MISMATCH');
    assert.equal(mobileError.headers['access-control-allow-origin'], undefined);
    const refused = await call({ body: batchText, headers: { 'content-type': 'application/json', origin: 'https://evil.example' } });
    assertError(refused, 403, 'ORIGIN_NOT_ALLOWED');
    assert.equal(refused.headers['access-control-allow-origin'], undefined);
  });

  it('answers 503 with a JSON error, never 200, when the sink cannot make the batch durable', async () => {
    sink.failure = new Error('ProvisionedThroughputExceededException');
    const res = await call({ body: batchText }, lambdaContext('req-503'));
    assertError(res, 503, 'SINK_UNAVAILABLE', 'req-503');
    assert.doesNotMatch(res.body, /ProvisionedThroughput/, 'the cause stays in the logs');
  });
});

describe('OPTIONS /collect: CORS preflight', () => {
  const preflightHeaders = (origin: string) => ({
    origin,
    'access-control-request-method': 'POST',
    'access-control-request-headers': 'content-type',
  });

  it('answers 204 with the Origin echoed, credentials allowed and Content-Type allowed, without touching the sink', async () => {
    const res = await call({ method: 'OPTIONS', headers: preflightHeaders(ORIGIN) });
    assert.equal(res.status, 204);
    assert.equal(res.body, '');
    assert.equal(res.headers['access-control-allow-origin'], ORIGIN);
    assert.equal(res.headers['access-control-allow-credentials'], 'true');
    assert.match(String(res.headers['access-control-allow-methods']), /\bPOST\b/);
    assert.match(String(res.headers['access-control-allow-headers']), /content-type/i);
    assert.equal(sink.calls.length, 0);
  });

  it('never answers * for a credentialed request, even when the app allows any origin', async () => {
    const origin = 'https://anything.example.org';
    const res = await call({ method: 'OPTIONS', query: { ...defaultQuery(), appId: 'open_web' }, headers: preflightHeaders(origin) });
    assert.equal(res.status, 204);
    assert.equal(res.headers['access-control-allow-origin'], origin);
    assert.equal(res.headers['access-control-allow-credentials'], 'true');
  });

  it('echoes any origin on the POST of an app whose allowlist is *', async () => {
    const origin = 'http://localhost:5173';
    const res = await call({ query: { ...defaultQuery(), appId: 'open_web' }, headers: { origin }, body: batchText });
    assert.equal(res.status, 200);
    assert.equal(res.headers['access-control-allow-origin'], origin);
    assert.notEqual(res.headers['access-control-allow-origin'], '*');
  });

  it('answers 403 to the preflight of an origin the app does not allow', async () => {
    const res = await call({ method: 'OPTIONS', headers: preflightHeaders('https://evil.example.net') });
    assertError(res, 403, 'ORIGIN_NOT_ALLOWED');
    assert.equal(res.headers['access-control-allow-origin'], undefined);
  });

  it('answers 403 to the preflight of an unknown app', async () => {
    assertError(await call({ method: 'OPTIONS', query: { ...defaultQuery(), appId: 'nobody_web' }, headers: preflightHeaders(ORIGIN) }), 403, 'UNKNOWN_APP');
  });
});

describe('routing', () => {
  it('answers GET /ping with 200', async () => {
    const res = await call({ method: 'GET', path: '/ping', query: null, headers: {} });
    assert.equal(res.status, 200);
    assert.deepEqual(JSON.parse(res.body), { ok: true });
  });

  it('answers HEAD /ping with 200', async () => {
    assert.equal((await call({ method: 'HEAD', path: '/ping', query: null, headers: {} })).status, 200);
  });

  it('answers 405 to other methods on /ping', async () => {
    assertError(await call({ method: 'POST', path: '/ping', body: '[]' }), 405, 'METHOD_NOT_ALLOWED');
  });

  for (const method of ['GET', 'PUT', 'DELETE', 'PATCH']) {
    it(`answers 405 to ${method} /collect`, async () => {
      const res = await call({ method, body: batchText });
      assertError(res, 405, 'METHOD_NOT_ALLOWED');
      assert.equal(res.headers.allow, 'POST, OPTIONS');
      assert.equal(sink.calls.length, 0);
    });
  }

  it('accepts a lower-case method name', async () => {
    assert.equal((await call({ method: 'post', body: batchText })).status, 200);
  });

  it('answers 404 to an unknown path', async () => {
    assertError(await call({ path: '/upload', body: batchText }), 404, 'NOT_FOUND');
  });
});

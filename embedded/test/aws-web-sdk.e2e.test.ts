// Browser compatibility: the published AWS Clickstream web SDK (`@aws/clickstream-web`, unchanged,
// bundled from node_modules) runs in headless Chromium on a page served from another origin and
// uploads to our embedded ingest. Proves the credentialed CORS exchange, that every upload is
// acknowledged and lands verbatim in the durable log, and that processing counts every event.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { DurableLog } from '@clickstream/runtime';
import { build } from 'esbuild';
import { type Browser, type Page } from 'playwright-core';
import { EmbeddedConfig } from '../src/config.js';
import { closeServer, launchChromium } from './support/browser.js';
import { startEmbedded, type EmbeddedRuntime } from '../src/runtime.js';
import { signIn, TEST_ADMIN_PASSWORD } from './support/console-session.js';

const SDK_VERSION = '0.12.6';
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const quiet = { info: () => undefined, error: (m: string, e?: unknown) => console.error(m, e) };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What a site does at its root entry: init the SDK once (endpoint and app id come from the page URL). */
const pageEntry = `
import { ClickstreamAnalytics, SendMode } from '@aws/clickstream-web';
const params = new URLSearchParams(location.search);
window.sdkInitialised = ClickstreamAnalytics.init({
  appId: params.get('appId'),
  endpoint: params.get('endpoint'),
  sendMode: SendMode.Immediate,
  isLogEvents: false,
});
window.clickstream = ClickstreamAnalytics;
`;

async function bundleSdkPage(): Promise<string> {
  const result = await build({
    stdin: { contents: pageEntry, resolveDir: repoRoot, sourcefile: 'page-entry.js', loader: 'js' },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'chrome110',
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
  });
  const file = result.outputFiles[0];
  assert.ok(file, 'esbuild produced no bundle');
  return file.text;
}

/** A plain static server on its own port: the page's origin differs from the collect endpoint's. */
async function startPageServer(script: string): Promise<{ server: Server; origin: string }> {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>SDK shop</title></head>
<body><h1>Shop</h1><script src="/sdk.js"></script></body></html>`;
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://page.local').pathname;
    if (path === '/sdk.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
      res.end(script);
    } else if (path === '/favicon.ico') {
      res.writeHead(204).end();
    } else {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

interface SdkEvent {
  event_type: string;
  event_id: string;
  timestamp: number;
  app_id: string;
  unique_id: string;
  device_id: string;
  platform: string;
  sdk_name: string;
  sdk_version: string;
  attributes: Record<string, string | number | boolean>;
  user: Record<string, { value: unknown; set_timestamp?: number }>;
  items?: Record<string, unknown>[];
  [field: string]: unknown;
}

/** One upload as the browser saw it. */
interface Upload {
  url: URL;
  status: number;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  body: string;
  events: SdkEvent[];
}

/** A CORS preflight as it went over the wire (from the DevTools protocol). */
interface Preflight {
  requestHeaders: Record<string, string>;
  status: number;
  responseHeaders: Record<string, string>;
}

interface WarehouseRow {
  event_id: string;
  event_type: string;
  platform: string | null;
  user_pseudo_id: string | null;
  user_id: string | null;
  device_id: string | null;
  session_id: string | null;
  page_url: string | null;
  page_title: string | null;
  sdk_name: string | null;
  sdk_version: string | null;
  client_ip: string | null;
  user_agent: string | null;
  items: string;
}

const lowerCase = (headers: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), String(v)]));

interface Envelope {
  v: number;
  requestId: string;
  ingestTime: number;
  appId: string;
  platform?: string;
  clientIp?: string;
  userAgent?: string;
  query: Record<string, string>;
  /** v2: the batch itself, embedded as JSON. */
  body: SdkEvent[];
  /** The record as stored, to check the body bytes are the ones sent. */
  line: string;
}

async function waitFor(what: string, condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sha256Prefix = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 8);

describe('AWS Clickstream web SDK (npm @aws/clickstream-web, unchanged) in headless Chromium', () => {
  let dataDir: string | undefined;
  let runtime: EmbeddedRuntime | undefined;
  let pages: { server: Server; origin: string } | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const uploads: Upload[] = [];
  const preflights = new Map<string, Preflight>();
  const pending = new Set<Promise<void>>();
  const browserErrors: string[] = [];
  const sent = () => uploads.flatMap((u) => u.events);
  const ofType = (type: string) => sent().filter((e) => e.event_type === type);
  const rt = () => {
    assert.ok(runtime, 'runtime not started');
    return runtime;
  };

  before(async () => {
    // Fail loudly instead of skipping: this test is the proof that the SDK works, it must not vanish.
    dataDir = await mkdtemp(join(tmpdir(), 'clickstream-web-sdk-'));
    runtime = await startEmbedded(EmbeddedConfig.parse({ PORT: '0', DATA_DIR: dataDir, PROCESS_INTERVAL_SECONDS: '3600', ADMIN_PASSWORD: TEST_ADMIN_PASSWORD }), quiet);
    pages = await startPageServer(await bundleSdkPage());
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    const collectUrl = `${runtime.url}/collect`;

    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') browserErrors.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => browserErrors.push(`page error: ${String(e)}`));
    page.on('requestfailed', (request) => {
      // The SDK never reads the (empty) response body, so Chromium cancels the finished fetch with
      // net::ERR_ABORTED after the response arrived; only a request without a response failed.
      void request.response().then(
        (response) => {
          if (!response) browserErrors.push(`${request.method()} ${request.url()} failed: ${request.failure()?.errorText}`);
        },
        (error: unknown) => browserErrors.push(`${request.url()}: ${String(error)}`),
      );
    });
    page.on('response', (response) => {
      const request = response.request();
      if (request.method() !== 'POST' || !request.url().startsWith(collectUrl)) return;
      const seen: Promise<void> = (async () => {
        const body = request.postData() ?? '';
        uploads.push({
          url: new URL(request.url()),
          status: response.status(),
          requestHeaders: await request.allHeaders(),
          responseHeaders: await response.allHeaders(),
          body,
          events: JSON.parse(body) as SdkEvent[],
        });
      })()
        .catch((error: unknown) => void browserErrors.push(`could not read upload ${request.url()}: ${String(error)}`))
        .finally(() => pending.delete(seen));
      pending.add(seen);
    });

    // Playwright hides CORS preflights; the DevTools protocol shows them with the headers on the wire.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    cdp.on('Network.requestWillBeSent', (e) => {
      if (e.request.method === 'OPTIONS' && e.request.url.startsWith(collectUrl)) {
        preflights.set(e.requestId, { requestHeaders: lowerCase(e.request.headers), status: 0, responseHeaders: {} });
      }
    });
    cdp.on('Network.responseReceivedExtraInfo', (e) => {
      const preflight = preflights.get(e.requestId);
      if (preflight) Object.assign(preflight, { status: e.statusCode, responseHeaders: lowerCase(e.headers) });
    });
  });

  after(async () => {
    await browser?.close();
    if (pages) {
      const { server } = pages;
      await closeServer(server);
    }
    await runtime?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('uploads the automatic and custom events cross-origin; every upload is answered 200 with credentialed CORS', async () => {
    const { url, demoAppId } = rt();
    const origin = pages!.origin;
    await page.goto(`${origin}/shop?${new URLSearchParams({ endpoint: `${url}/collect`, appId: demoAppId })}`);
    assert.equal(await page.evaluate('window.sdkInitialised'), true, 'ClickstreamAnalytics.init failed');
    await waitFor('the automatic events of a first visit', () => ['_first_open', '_session_start', '_page_view'].every((t) => ofType(t).length === 1));

    await page.evaluate(`(() => {
      clickstream.setUserId('user-42');
      clickstream.setUserAttributes({ userName: 'carl', userAge: 22, vip: true });
      clickstream.record({
        name: 'add_to_cart',
        attributes: { product_id: 'sku-123', category: 'shoes', _currency: 'EUR', _value: 279.9, in_stock: true },
        items: [{ id: 'sku-123', name: 'Running shoe', category: 'shoes', brand: 'Acme', price: 279.9, quantity: 1, currency: 'EUR', size: 42 }],
      });
      clickstream.record({ name: 'button_click', attributes: { button_name: 'checkout' } });
      history.pushState({}, '', '/checkout'); // SPA navigation: a second _page_view
    })()`);
    await waitFor(
      'the custom events, the profile updates and the SPA page view',
      () => ofType('add_to_cart').length === 1 && ofType('button_click').length === 1 && ofType('_profile_set').length === 2 && ofType('_page_view').length === 2,
    );
    await Promise.all(pending);

    assert.deepEqual(browserErrors, [], 'the browser reported no CORS, network or SDK error');
    for (const upload of uploads) {
      const where = `upload ${upload.url.search}`;
      assert.equal(upload.status, 200, `${where} was acknowledged`);
      assert.equal(upload.requestHeaders.origin, origin, `${where} is cross-origin`);
      assert.equal(upload.responseHeaders['access-control-allow-origin'], origin, `${where}: the concrete origin is echoed, not *`);
      assert.equal(upload.responseHeaders['access-control-allow-credentials'], 'true', where);
      assert.match(upload.responseHeaders.vary ?? '', /origin/i, where);
      assert.equal(upload.requestHeaders['content-type'], 'application/json; charset=utf-8', where);
      // The SDK's own `cookie` and `User-Agent` headers are forbidden in fetch: the browser drops them.
      assert.equal(upload.requestHeaders.cookie, undefined, where);
      assert.match(upload.requestHeaders['user-agent'] ?? '', /HeadlessChrome/, where);
    }

    // application/json makes every upload a non-simple request: each one was preflighted.
    const answered = [...preflights.values()];
    assert.ok(answered.length >= 1, 'the browser sent CORS preflights');
    for (const preflight of answered) {
      assert.equal(preflight.requestHeaders.origin, origin);
      assert.equal(preflight.requestHeaders['access-control-request-method'], 'POST');
      assert.equal(preflight.requestHeaders['access-control-request-headers'], 'content-type');
      assert.equal(preflight.status, 204);
      assert.equal(preflight.responseHeaders['access-control-allow-origin'], origin);
      assert.equal(preflight.responseHeaders['access-control-allow-credentials'], 'true');
      assert.match(preflight.responseHeaders['access-control-allow-methods'] ?? '', /\bPOST\b/);
      assert.match(preflight.responseHeaders['access-control-allow-headers'] ?? '', /\bcontent-type\b/i);
    }
  });

  it('sends the AWS Clickstream request format: query parameters and hashCode of the body', () => {
    const { demoAppId } = rt();
    const sequenceIds = uploads.map((u) => Number(u.url.searchParams.get('event_bundle_sequence_id'))).sort((a, b) => a - b);
    assert.deepEqual(sequenceIds, sequenceIds.map((_, i) => i + 1), 'one bundle sequence id per upload, counting from 1');
    for (const upload of uploads) {
      const q = upload.url.searchParams;
      assert.deepEqual([...q.keys()].sort(), ['appId', 'event_bundle_sequence_id', 'hashCode', 'platform', 'upload_timestamp']);
      assert.equal(q.get('platform'), 'Web');
      assert.equal(q.get('appId'), demoAppId);
      assert.ok(Math.abs(Number(q.get('upload_timestamp')) - Date.now()) < 60_000, 'upload_timestamp is the client clock in ms');
      assert.equal(q.get('hashCode'), sha256Prefix(upload.body), 'hashCode = first 8 hex of SHA-256 of the body');
      assert.equal(upload.events.length, 1, 'Immediate mode sends one event per upload');
    }
  });

  it('sends events with ids, device, SDK, page, session and user fields', () => {
    const { demoAppId } = rt();
    const events = sent();
    const types = new Set(events.map((e) => e.event_type));
    for (const t of ['_first_open', '_session_start', '_page_view', '_profile_set', 'add_to_cart', 'button_click']) assert.ok(types.has(t), `sent ${t}`);
    assert.equal(new Set(events.map((e) => e.event_id)).size, events.length, 'event ids are unique');
    const deviceIds = new Set(events.map((e) => e.device_id));
    const sessionIds = new Set(events.map((e) => e.attributes._session_id));
    assert.equal(deviceIds.size, 1, 'one device');
    assert.equal(sessionIds.size, 1, 'one session');
    for (const e of events) {
      assert.match(e.event_id, UUID);
      assert.equal(e.app_id, demoAppId);
      assert.equal(e.platform, 'Web');
      assert.equal(e.sdk_name, 'aws-solution-clickstream-sdk');
      assert.equal(e.sdk_version, SDK_VERSION);
      assert.ok(typeof e.unique_id === 'string' && e.unique_id.length > 0, 'unique_id');
      assert.ok(typeof e.device_id === 'string' && e.device_id.length > 0, 'device_id');
      assert.ok(Math.abs(e.timestamp - Date.now()) < 60_000, 'timestamp is client ms');
      assert.equal(e.host_name, '127.0.0.1');
      assert.ok(Number(e.screen_width) > 0 && Number(e.viewport_width) > 0);
      assert.equal(typeof e.zone_offset, 'number');
      assert.ok(typeof e.attributes._page_url === 'string' && e.attributes._page_url.startsWith(pages!.origin), '_page_url');
      assert.equal(e.attributes._page_title, 'SDK shop');
      assert.equal(typeof e.attributes._session_start_timestamp, 'number');
      assert.equal(e.attributes._session_number, 1);
    }
    const [firstView, spaView] = ofType('_page_view');
    assert.equal(new URL(String(firstView?.attributes._page_url)).pathname, '/shop');
    assert.equal(new URL(String(spaView?.attributes._page_url)).pathname, '/checkout');
    assert.equal(new URL(String(spaView?.attributes._page_referrer)).pathname, '/shop');
    assert.equal(firstView?.attributes._entrances, 1);
    assert.equal(spaView?.attributes._entrances, 0);
    assert.equal(typeof spaView?.attributes._engagement_time_msec, 'number');
    assert.equal(typeof ofType('_first_open')[0]?.user._user_first_touch_timestamp?.value, 'number');

    const cart = ofType('add_to_cart')[0]!;
    assert.equal(cart.attributes.product_id, 'sku-123');
    assert.equal(cart.attributes._value, 279.9);
    assert.equal(cart.attributes.in_stock, true);
    assert.deepEqual(cart.items, [{ id: 'sku-123', name: 'Running shoe', category: 'shoes', brand: 'Acme', price: 279.9, quantity: 1, currency: 'EUR', size: 42 }]);
    assert.equal(cart.user._user_id?.value, 'user-42');
    const profile = ofType('_profile_set').at(-1)!;
    assert.deepEqual(
      Object.fromEntries(['_user_id', 'userName', 'userAge', 'vip'].map((k) => [k, profile.user[k]?.value])),
      { _user_id: 'user-42', userName: 'carl', userAge: 22, vip: true },
    );
    if (process.env.SHOW_SDK_TRAFFIC) {
      const upload = uploads.find((u) => u.events[0] === cart)!;
      console.log(JSON.stringify({ query: Object.fromEntries(upload.url.searchParams), headers: upload.requestHeaders, event: cart }, null, 2));
    }
  });

  it('counts every acknowledged event after processing, with no bad rows', async () => {
    const runtime = rt();
    const acknowledged = new Set(sent().map((e) => e.event_id));
    await runtime.runJob('process.schedule-start-job');

    const res = await (await signIn(runtime.url)).fetch(`/api/apps/${runtime.demoAppId}/event-count`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { events: number }).events, acknowledged.size);
    const bad = await runtime.warehouse.query<{ reason_code: string; reason: string }>(
      'SELECT reason_code, reason FROM bad_rows WHERE app_id = $app',
      { app: runtime.demoAppId },
    );
    assert.deepEqual(bad, [], 'no SDK event became a bad row');

    const rows = await runtime.warehouse.query<WarehouseRow>(
      `SELECT event_id, event_type, platform, user_pseudo_id, user_id, device_id, session_id, page_url, page_title,
              sdk_name, sdk_version, client_ip, user_agent, items
       FROM events_deduped WHERE app_id = $app ORDER BY client_timestamp`,
      { app: runtime.demoAppId },
    );
    assert.deepEqual(new Set(rows.map((r) => r.event_id)), acknowledged);
    for (const row of rows) {
      const event = sent().find((e) => e.event_id === row.event_id)!;
      assert.equal(row.event_type, event.event_type);
      assert.equal(row.platform, 'Web');
      assert.equal(row.user_pseudo_id, event.unique_id);
      assert.equal(row.device_id, event.device_id);
      assert.equal(row.session_id, event.attributes._session_id);
      assert.equal(row.page_url, event.attributes._page_url);
      assert.equal(row.page_title, 'SDK shop');
      assert.equal(row.sdk_name, 'aws-solution-clickstream-sdk');
      assert.equal(row.sdk_version, SDK_VERSION);
      assert.equal(row.client_ip, '127.0.0.1');
      assert.match(row.user_agent ?? '', /HeadlessChrome/);
    }
    const cart = rows.find((r) => r.event_type === 'add_to_cart')!;
    assert.equal(cart.user_id, 'user-42');
    assert.equal((JSON.parse(cart.items) as { id: string }[])[0]?.id, 'sku-123');
  });

  it('keeps every upload verbatim in the durable log as a RawEnvelopeV2 with its query', async () => {
    const runtime = rt();
    await runtime.close(); // the log admits one process at a time: read it after the runtime let go
    const log = await DurableLog.open(join(runtime.dataDir, 'stream'));
    let envelopes: Envelope[];
    try {
      envelopes = (await log.read(0, 10_000)).records.map((r) => {
        const line = r.data.toString('utf8');
        return { ...(JSON.parse(line) as Omit<Envelope, 'line'>), line };
      });
    } finally {
      await log.close();
    }

    for (const upload of uploads) {
      const envelope = envelopes.find((e) => e.query.hashCode === upload.url.searchParams.get('hashCode'));
      assert.ok(envelope, `upload ${upload.url.search} is in the log`);
      assert.equal(envelope.v, 2);
      assert.ok(envelope.line.endsWith(`,"body":${upload.body}}`), 'body stored verbatim, as the last member');
      assert.equal(envelope.appId, runtime.demoAppId);
      assert.equal(envelope.platform, 'Web');
      assert.deepEqual(envelope.query, Object.fromEntries(upload.url.searchParams));
      assert.equal(envelope.clientIp, '127.0.0.1');
      assert.equal(envelope.userAgent, upload.requestHeaders['user-agent']);
      assert.ok(Math.abs(envelope.ingestTime - Number(envelope.query.upload_timestamp)) < 10_000, 'ingestTime ≈ upload_timestamp');
      assert.equal(envelope.query.hashCode, sha256Prefix(upload.body));
      assert.match(envelope.query.event_bundle_sequence_id ?? '', /^\d+$/);
    }

    const logged = envelopes.flatMap((e) => e.body);
    assert.deepEqual(new Set(logged.map((e) => e.event_id)), new Set(sent().map((e) => e.event_id)));
    for (const e of logged) {
      assert.match(e.event_id, UUID);
      assert.equal(e.app_id, runtime.demoAppId);
      assert.equal(e.platform, 'Web');
      assert.equal(e.sdk_name, 'aws-solution-clickstream-sdk');
      assert.equal(e.sdk_version, SDK_VERSION);
      for (const field of ['unique_id', 'device_id', 'locale', 'make', 'host_name']) assert.equal(typeof e[field], 'string', field);
      for (const attribute of ['_session_id', '_page_url', '_page_title']) assert.equal(typeof e.attributes[attribute], 'string', attribute);
    }
    const types = logged.map((e) => e.event_type);
    for (const t of ['_first_open', '_session_start', '_page_view', '_profile_set', 'add_to_cart', 'button_click']) assert.ok(types.includes(t), `logged ${t}`);
  });
});

// Our web SDK (sdk/web, bundled from source as the <script> build) in headless Chromium against
// the embedded platform: pages come from another origin, uploads go to the real ingest, and the
// server's deduplicated view is the judge of "delivered once". Failures the network or the server
// would cause (offline, 500, 400) are made with Playwright, not mocked inside the SDK.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { type Browser, type BrowserContext, type Page, type Request } from 'playwright-core';
import { EmbeddedConfig } from '../src/config.js';
import { closeServer, launchChromium } from './support/browser.js';
import { startEmbedded, type EmbeddedRuntime } from '../src/runtime.js';

const sdkRoot = fileURLToPath(new URL('../../sdk/web/', import.meta.url));
const quiet = { info: () => undefined, error: (m: string, e?: unknown) => console.error(m, e) };

interface SentEvent {
  event_type: string;
  event_id: string;
  device_id: string;
  sdk_name: string;
  attributes: Record<string, string | number | boolean>;
}

/** One upload as it left the browser (beacons included), and its status when the page lived to see it. */
interface Upload {
  url: URL;
  events: SentEvent[];
  status?: number;
}

async function bundleSdk(): Promise<string> {
  const result = await build({
    entryPoints: [join(sdkRoot, 'src/script-tag.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2020',
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

/**
 * A site on its own origin: every path is a page that loads the SDK and inits it against the
 * runtime; the `o` query parameter (JSON) adds init options for that page.
 */
async function startSite(sdk: string, endpoint: string, appId: string): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://site.local');
    if (url.pathname === '/sdk.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(sdk);
      return;
    }
    if (url.pathname === '/favicon.ico') return void res.writeHead(204).end();
    const init = JSON.stringify({ appId, endpoint, flushInterval: 60_000 });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><head><meta charset="utf-8">
<title>Shop ${url.pathname}</title><script src="/sdk.js"></script>
<script>clickstream.init(Object.assign(${init}, JSON.parse(new URLSearchParams(location.search).get('o') || '{}')));</script>
</head><body><h1>${url.pathname}</h1><a id="next" href="/cart${url.search}">cart</a></body></html>`);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Runs page code (the SDK is the page's global `clickstream`) and answers what it returns. */
const inPage = (page: Page, code: string): Promise<unknown> => page.evaluate(`(async () => { ${code} })()`);

async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Clickstream web SDK (sdk/web) in headless Chromium against the embedded platform', () => {
  let dataDir: string | undefined;
  let runtime: EmbeddedRuntime;
  let site: { server: Server; origin: string } | undefined;
  let browser: Browser | undefined;
  let collectUrl: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'clickstream-our-web-sdk-'));
    runtime = await startEmbedded(EmbeddedConfig.parse({ PORT: '0', DATA_DIR: dataDir, PROCESS_INTERVAL_SECONDS: '3600' }), quiet);
    collectUrl = `${runtime.url}/collect`;
    site = await startSite(await bundleSdk(), collectUrl, runtime.demoAppId);
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    if (site) {
      const { server } = site;
      await closeServer(server);
    }
    await runtime?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** A new visitor (fresh storage) whose uploads to the collect endpoint are recorded. */
  async function visitor(): Promise<{ context: BrowserContext; page: Page; uploads: Upload[]; errors: string[] }> {
    const context = await browser!.newContext();
    const page = await context.newPage();
    const uploads: Upload[] = [];
    const errors: string[] = [];
    const seen = new Map<Request, Upload>();
    page.on('pageerror', (e) => errors.push(String(e)));
    context.on('request', (request) => {
      if (request.method() !== 'POST' || !request.url().startsWith(collectUrl)) return;
      const url = new URL(request.url());
      const raw = request.postDataBuffer() ?? Buffer.alloc(0);
      const json = url.searchParams.get('compression') === 'gzip' ? gunzipSync(raw).toString('utf8') : raw.toString('utf8');
      const upload: Upload = { url, events: JSON.parse(json) as SentEvent[] };
      seen.set(request, upload);
      uploads.push(upload);
    });
    context.on('response', (response) => {
      const upload = seen.get(response.request());
      if (upload) upload.status = response.status();
    });
    return { context, page, uploads, errors };
  }

  const pageUrl = (path: string, options: Record<string, unknown> = {}) => `${site!.origin}${path}?o=${encodeURIComponent(JSON.stringify(options))}`;
  const sent = (uploads: Upload[]) => uploads.flatMap((u) => u.events);
  const ofType = (uploads: Upload[], type: string) => sent(uploads).filter((e) => e.event_type === type);

  /** Processes what ingest has, and answers the events the server keeps (deduplicated) for a device. */
  async function storedFor(deviceId: string): Promise<{ event_id: string; event_type: string }[]> {
    await runtime.runJob('process.schedule-start-job');
    return runtime.warehouse.query<{ event_id: string; event_type: string }>(
      'SELECT event_id, event_type FROM events_deduped WHERE app_id = $app AND device_id = $device',
      { app: runtime.demoAppId, device: deviceId },
    );
  }
  const countByType = (rows: { event_type: string }[]) =>
    rows.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.event_type]: (acc[r.event_type] ?? 0) + 1 }), {});

  it('counts multi-page and SPA (History API and popstate) page views in one session', async () => {
    const { context, page, uploads, errors } = await visitor();
    try {
      await page.goto(pageUrl('/shop', { sendMode: 'immediate' }));
      await page.click('#next'); // a real navigation: a second document
      await page.waitForURL(/\/cart/);
      await inPage(page, `history.pushState({}, '', '/checkout'); history.pushState({}, '', '/done');`);
      await page.goBack(); // popstate back to /checkout
      await waitFor('five page views', () => ofType(uploads, '_page_view').length === 5);
      await inPage(page, 'await clickstream.flush()');

      const views = ofType(uploads, '_page_view');
      assert.deepEqual(views.map((e) => new URL(String(e.attributes._page_url)).pathname), ['/shop', '/cart', '/checkout', '/done', '/checkout']);
      assert.deepEqual(views.map((e) => e.attributes._entrances), [1, 0, 0, 0, 0]);
      assert.equal(new URL(String(views[1]!.attributes._page_referrer)).pathname, '/shop');
      assert.equal(new Set(sent(uploads).map((e) => e.attributes._session_id)).size, 1, 'one session');
      assert.ok(uploads.every((u) => u.status === undefined || u.status === 200), 'every upload acknowledged');
      assert.deepEqual(errors, []);

      const stored = countByType(await storedFor(views[0]!.device_id));
      assert.equal(stored._page_view, 5);
      assert.equal(stored._session_start, 1);
      assert.equal(stored._first_open, 1);
    } finally {
      await context.close();
    }
  });

  it('delivers events still queued when the page unloads (sendBeacon)', async () => {
    const { context, page, uploads } = await visitor();
    try {
      await page.goto(pageUrl('/shop', { autoTrack: false }));
      await inPage(page, `for (let i = 0; i < 20; i++) clickstream.record({ name: 'unload_event', attributes: { i } })`);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(uploads.length, 0, 'batch mode: nothing sent before the interval');
      const deviceId = JSON.parse(String(await inPage(page, `return localStorage.getItem('clickstream:device')`))) as string;
      await page.goto('about:blank');

      // Playwright does not report a beacon sent by a page that is going away: the server is the witness.
      let stored: Record<string, number> = {};
      for (let tries = 0; tries < 10 && stored.unload_event !== 20; tries++) {
        await new Promise((r) => setTimeout(r, 100));
        stored = countByType(await storedFor(deviceId));
      }
      assert.equal(stored.unload_event, 20);
    } finally {
      await context.close();
    }
  });

  it('keeps events recorded offline and delivers each exactly once when back online', async () => {
    const { context, page, uploads } = await visitor();
    try {
      await page.goto(pageUrl('/shop', { sendMode: 'immediate', autoTrack: false }));
      await context.setOffline(true);
      await inPage(page, `for (let i = 0; i < 10; i++) clickstream.record({ name: 'offline_event', attributes: { i } }); await clickstream.flush();`);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(ofType(uploads, 'offline_event').length, 0, 'nothing left the browser while offline');
      await context.setOffline(false);
      await waitFor('the offline events', () => ofType(uploads, 'offline_event').length >= 10);

      const recorded = new Set(ofType(uploads, 'offline_event').map((e) => e.event_id));
      assert.equal(recorded.size, 10);
      const stored = (await storedFor(sent(uploads)[0]!.device_id)).filter((r) => r.event_type === 'offline_event');
      assert.equal(stored.length, 10);
      assert.deepEqual(new Set(stored.map((r) => r.event_id)), recorded);
    } finally {
      await context.close();
    }
  });

  it('retries a batch the server answered 500, and the server keeps it once', async () => {
    const { context, page, uploads } = await visitor();
    const answers = [500];
    await context.route(`${collectUrl}?*`, async (route) => {
      const status = answers.shift();
      if (status === undefined) return route.continue();
      const origin = route.request().headers().origin ?? '*';
      await route.fulfill({ status, headers: { 'access-control-allow-origin': origin }, body: '' });
    });
    try {
      await page.goto(pageUrl('/shop', { sendMode: 'immediate', autoTrack: false }));
      await inPage(page, `clickstream.record({ name: 'after_500' })`);
      await waitFor('the retry to succeed', () => uploads.some((u) => u.status === 200 && u.events.some((e) => e.event_type === 'after_500'))).catch(
        (error: unknown) => {
          throw new Error(`${String(error)}; uploads: ${JSON.stringify(uploads.map((u) => [u.status, u.events.map((e) => e.event_type)]))}`);
        },
      );
      assert.deepEqual(uploads.map((u) => u.status), [500, 200]);
      const [first, second] = uploads;
      assert.equal(first!.events[0]!.event_id, second!.events[0]!.event_id, 'the retry carries the same event_id');

      const stored = await storedFor(first!.events[0]!.device_id);
      assert.deepEqual(stored.map((r) => r.event_type), ['after_500']);
    } finally {
      await context.close();
    }
  });

  it('does not retry a batch the server refused with 400', async () => {
    const { context, page, uploads } = await visitor();
    const answers = [400];
    await context.route(`${collectUrl}?*`, async (route) => {
      const status = answers.shift();
      if (status === undefined) return route.continue();
      const origin = route.request().headers().origin ?? '*';
      await route.fulfill({ status, headers: { 'access-control-allow-origin': origin }, body: '{"error":{"code":"BAD"}}' });
    });
    try {
      await page.goto(pageUrl('/shop', { sendMode: 'immediate', autoTrack: false }));
      await inPage(page, `clickstream.record({ name: 'refused' })`);
      await waitFor('the refused upload', () => uploads[0]?.status === 400);
      await new Promise((r) => setTimeout(r, 2_500)); // longer than the first two retries would wait
      await inPage(page, 'await clickstream.flush()');
      assert.equal(uploads.length, 1, 'sent once, never again');
    } finally {
      await context.close();
    }
  });

  it('sends nothing after optOut, on this page or the next', async () => {
    const { context, page, uploads } = await visitor();
    try {
      await page.goto(pageUrl('/shop'));
      await waitFor('the first visit', () => uploads.length > 0);
      await inPage(page, 'clickstream.optOut()');
      const before = uploads.length;
      await inPage(page, `clickstream.record({ name: 'secret' })`);
      await page.click('#next');
      await page.waitForURL(/\/cart/);
      await inPage(page, `clickstream.record({ name: 'secret' }); await clickstream.flush();`);
      await page.goto('about:blank');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(uploads.length, before);
      // Beacons of a page going away are invisible to Playwright; the server confirms none came.
      const stored = countByType(await storedFor(sent(uploads)[0]!.device_id));
      assert.equal(stored.secret, undefined);
      assert.equal(stored._page_view, 1, 'only the page view before the opt-out');
    } finally {
      await context.close();
    }
  });

  it('serves a demo page at /demo whose snippet-loaded SDK sends to the demo app', async () => {
    const { context, page, uploads, errors } = await visitor();
    try {
      await page.goto(`${runtime.url}/demo/`);
      await page.click('#add');
      await page.click('a[href="/demo/cart"]');
      await inPage(page, 'await clickstream.flush()');
      await waitFor('the demo events', () => ['_page_view', 'add_to_cart'].every((t) => ofType(uploads, t).length > 0));
      assert.equal(ofType(uploads, '_page_view').length, 2, 'landing plus the SPA cart view');
      assert.ok(uploads.every((u) => u.status === 200));
      assert.deepEqual(errors, []);
      const stored = countByType(await storedFor(sent(uploads)[0]!.device_id));
      assert.equal(stored.add_to_cart, 1);
    } finally {
      await context.close();
    }
  });
});

// The web console (console/) in headless Chromium against the embedded platform, as a user meets it:
// sign in → create an app → a page with the app's copied snippet (and the SDK demo page) sends
// events → "received!" → the dashboards show the right numbers for a seeded dataset → build a
// funnel → edit the pipeline configuration → see the change in the version history → manage users.
// Every console page runs under the Content-Security-Policy CloudFront sends on AWS (read from
// services/console-api/serverless.yml), and the layout is checked on a tablet. Screenshots of each
// main screen land in docs/screenshots/ (the README shows them).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { parse as parseYaml } from 'yaml';
import { EmbeddedConfig } from '../src/config.js';
import { startEmbedded, type EmbeddedRuntime } from '../src/runtime.js';
import { closeServer, launchChromium } from './support/browser.js';
import { signIn, TEST_ADMIN_PASSWORD, type ConsoleSession } from './support/console-session.js';

const screenshots = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
const quiet = { info: () => undefined, error: (m: string, e?: unknown) => console.error(m, e) };
const SEED_APP = 'e2e_seed';

/** The Content-Security-Policy the console gets from CloudFront (console-api's serverless.yml), for us-east-1. */
function awsConsoleCsp(): string {
  const service = parseYaml(readFileSync(fileURLToPath(new URL('../../services/console-api/serverless.yml', import.meta.url)), 'utf8')) as {
    params: { default: Record<string, string> };
    resources: { Resources: Record<string, { Properties: { ResponseHeadersPolicyConfig: { SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: { 'Fn::Sub': string } } } } } }> };
  };
  const template = service.resources.Resources.ConsoleAppShellHeadersPolicy!.Properties.ResponseHeadersPolicyConfig.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy['Fn::Sub'];
  return template
    .replace(/\$\{param:(\w+)\}/g, (_m, name: string) => service.params.default[name] ?? '')
    .replace(/\$\{AWS::Region\}/g, 'us-east-1');
}

/** A console page (what CloudFront answers with index.html): no file extension, not the API or the ingest. */
const isConsolePage = (url: URL) => !/\.[^/]*$/.test(url.pathname) && !/^\/(api|collect|demo)(\/|$)/.test(url.pathname);

/** A site on its own origin whose page carries whatever snippet was pasted into it. */
async function startSite(): Promise<{ server: Server; origin: string; paste: (snippet: string) => void }> {
  let snippet = '';
  const server = createServer((req, res) => {
    if (req.url === '/favicon.ico') return void res.writeHead(204).end();
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>
${snippet}
</head><body><h1>Shop</h1><button id="buy" onclick="clickstream.record({ name: 'add_to_cart' }); clickstream.flush()">Add to cart</button></body></html>`);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, paste: (text) => void (snippet = text) };
}

/**
 * A dataset whose numbers are known: four users, one session each, yesterday (UTC). Everyone views
 * the home page; u1–u3 also view a product and add it to the cart; u1 buys.
 */
function seededEvents(appId: string): { events: Record<string, unknown>[]; expected: { users: number; sessions: number; views: number; events: number; funnel: number[] } } {
  const day = Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()) - 86_400_000;
  const events: Record<string, unknown>[] = [];
  const journeys: Record<string, string[]> = {
    u1: ['_page_view:/', '_page_view:/product', 'add_to_cart', 'purchase'],
    u2: ['_page_view:/', '_page_view:/product', 'add_to_cart'],
    u3: ['_page_view:/', '_page_view:/product', 'add_to_cart'],
    u4: ['_page_view:/'],
  };
  Object.entries(journeys).forEach(([user, steps], u) => {
    const start = day + 10 * 3_600_000 + u * 600_000;
    steps.forEach((step, i) => {
      const [type, path] = step.split(':');
      events.push({
        event_type: type,
        event_id: crypto.randomUUID(),
        timestamp: start + i * 20_000,
        app_id: appId,
        unique_id: user,
        platform: 'Web',
        attributes: { _session_id: `${user}-s1`, _session_start_timestamp: start, ...(path ? { _page_url: `https://shop.example${path}`, _page_title: path } : {}) },
      });
    });
  });
  const views = events.filter((e) => e.event_type === '_page_view').length;
  return { events, expected: { users: 4, sessions: 4, views, events: events.length, funnel: [4, 3, 1] } };
}

describe('web console in headless Chromium against the embedded platform', () => {
  let dataDir: string | undefined;
  let runtime: EmbeddedRuntime;
  let browser: Browser | undefined;
  let page: Page;
  let api: ConsoleSession;
  let site: Awaited<ReturnType<typeof startSite>> | undefined;
  let appId = '';
  const errors: string[] = [];
  const cspViolations: string[] = [];
  let cspPages = 0;
  const seeded = seededEvents(SEED_APP);

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'clickstream-console-'));
    runtime = await startEmbedded(EmbeddedConfig.parse({ PORT: '0', DATA_DIR: dataDir, PROCESS_INTERVAL_SECONDS: '3600', ADMIN_PASSWORD: TEST_ADMIN_PASSWORD }), quiet);
    api = await signIn(runtime.url);
    await mkdir(screenshots, { recursive: true });
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: runtime.url });
    page = await context.newPage();
    page.on('pageerror', (e) => errors.push(String(e)));
    // The console's pages carry the CSP of the AWS deployment; whatever it would block is reported.
    const csp = awsConsoleCsp();
    await page.route(
      (url) => url.origin === runtime.url && isConsolePage(url),
      async (route) => {
        const response = await route.fetch();
        cspPages++;
        await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': csp } });
      },
    );
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
  });

  after(async () => {
    await browser?.close();
    if (site) await closeServer(site.server);
    await runtime?.close();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  /** The whole page; a modal dialog is shot as the screen shows it (its backdrop covers the viewport only). */
  const shot = async (name: string, options: { fullPage?: boolean } = {}) => {
    // Sticky bars would be drawn where the page was scrolled to.
    if (options.fullPage !== false) await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: options.fullPage ?? true });
  };
  const runProcessing = () => runtime.runJob('process.schedule-start-job');

  it('signs in with the local admin account', async () => {
    await page.goto(`${runtime.url}/projects`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot('sign-in');
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Wrong username or password.').waitFor();
    await page.getByLabel('Password').fill(TEST_ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    // The deep link survives the sign-in.
    await page.getByRole('heading', { name: 'Projects & apps' }).waitFor();
    assert.equal(new URL(page.url()).pathname, '/projects');
    await page.getByRole('navigation').getByRole('link', { name: 'Pipeline' }).waitFor(); // an Admin sees the pipeline
  });

  it('creates an app and hands out its snippet with the app id and endpoint', async () => {
    site = await startSite();
    await page.getByRole('button', { name: 'New app' }).first().click();
    const dialog = page.getByRole('dialog', { name: /New app/ });
    await dialog.getByLabel('Name').fill('Shop website');
    await dialog.getByLabel('Allowed origins').fill(site.origin);
    await dialog.getByRole('button', { name: 'Create app' }).click();
    await page.waitForURL(/\/projects\/demo\/apps\/[A-Za-z0-9_]+/);
    appId = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!);
    const snippet = (await page.getByTestId('snippet').textContent()) ?? '';
    assert.match(snippet, new RegExp(`appId: "${appId}"`));
    assert.ok(snippet.includes(`endpoint: "${runtime.url}/collect"`));
    await page.getByText('Waiting for the first event…').waitFor();
    await page.getByRole('button', { name: 'Copy' }).click();
    const copied = String(await page.evaluate('navigator.clipboard.readText()'));
    assert.equal(copied, snippet, 'the copy button copies the snippet');
    await shot('app-snippet');

    // The site now serves exactly what was copied.
    site.paste(copied);
  });

  it('receives the events the pasted snippet and the SDK demo page send, and says so', async () => {
    const visitor = await browser!.newContext();
    const uploads: { app: string; status: number }[] = [];
    visitor.on('response', (r) => {
      const url = new URL(r.url());
      if (url.origin === runtime.url && url.pathname === '/collect') uploads.push({ app: url.searchParams.get('appId') ?? '', status: r.status() });
    });
    const uploaded = async (app: string) => {
      for (let i = 0; i < 100 && !uploads.some((u) => u.app === app); i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(uploads.some((u) => u.app === app), `an upload for ${app}`);
    };
    try {
      const shop = await visitor.newPage();
      await shop.goto(`${site!.origin}/`);
      await shop.click('#buy'); // the snippet queues calls made before the SDK has loaded
      await uploaded(appId);
      const demo = await visitor.newPage();
      await demo.goto(`${runtime.url}/demo/`);
      await demo.click('#add');
      await demo.click('#flush');
      await uploaded(runtime.demoAppId);
      assert.deepEqual(uploads.filter((u) => u.status !== 200), [], 'every upload acknowledged');
    } finally {
      await visitor.close();
    }
    await runProcessing();
    await page.getByTestId('first-event').filter({ hasText: 'Received!' }).waitFor({ timeout: 15_000 });
    await shot('app-received');
    const demoCount = (await (await api.fetch(`/api/apps/${runtime.demoAppId}/event-count`)).json()) as { events: number };
    assert.ok(demoCount.events > 0, 'the demo page sent to the demo app');
  });

  it('shows the right numbers of a seeded dataset on the Overview dashboard', async () => {
    const created = await api.fetch('/api/projects/demo/apps', { method: 'POST', body: JSON.stringify({ appId: SEED_APP, name: 'Seeded shop', platform: 'Web', timezone: 'UTC' }) });
    assert.equal(created.status, 201, await created.text());
    await runtime.bus.drain(); // ingest learns about the app from AppRegistered.v1
    const res = await fetch(`${runtime.url}/collect?appId=${SEED_APP}&platform=Web`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(seeded.events) });
    assert.equal(res.status, 200);
    // One event processing must refuse (for the bad-row browser below).
    const bad = await fetch(`${runtime.url}/collect?appId=${SEED_APP}&platform=Web`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([{ event_id: 'broken-1', timestamp: 'yesterday', app_id: SEED_APP }]) });
    assert.equal(bad.status, 200, 'ingest accepts the batch; processing judges the event');
    await runProcessing();

    await page.goto(`${runtime.url}/apps/${SEED_APP}/dashboards/overview?range=7d`);
    await page.getByTestId('dashboard').waitFor({ timeout: 20_000 });
    const tile = (id: string) => page.locator(`[data-kpi="${id}"] .value`).textContent();
    assert.equal(await tile('active_users'), String(seeded.expected.users));
    assert.equal(await tile('sessions'), String(seeded.expected.sessions));
    assert.equal(await tile('views'), String(seeded.expected.views));
    assert.equal(await tile('events'), String(seeded.expected.events));
    await page.locator('.chart svg').first().waitFor();
    await shot('dashboard-overview');

    // The state is in the URL: a comparison and a filter survive a reload.
    await page.getByLabel('Compare to').selectOption('previous');
    await page.waitForURL(/compare=previous/);
    await page.reload();
    await page.getByTestId('dashboard').waitFor();
    assert.equal(await page.getByLabel('Compare to').inputValue(), 'previous');

    for (const board of ['acquisition', 'engagement', 'retention', 'devices', 'geo', 'events', 'pages']) {
      await page.goto(`${runtime.url}/apps/${SEED_APP}/dashboards/${board}?range=7d`);
      await page.locator('[data-testid="dashboard"], .state').first().waitFor({ timeout: 20_000 });
      assert.equal(await page.locator('.state.error').count(), 0, `${board} shows no error`);
      await shot(`dashboard-${board}`);
    }
  });

  it('builds a funnel with the form and shows its conversions', async () => {
    await page.goto(`${runtime.url}/apps/${SEED_APP}/explore/funnel?range=7d`);
    const form = page.getByRole('form', { name: 'Funnel exploration' });
    await form.getByLabel('Step 1', { exact: true }).fill('_page_view');
    await form.getByLabel('Step 2', { exact: true }).fill('add_to_cart');
    await form.getByRole('button', { name: '+ Add step' }).click();
    await form.getByLabel('Step 3', { exact: true }).fill('purchase');
    await form.getByRole('button', { name: 'Run' }).click();
    await page.getByTestId('funnel-table').waitFor({ timeout: 20_000 });
    const users = await page.getByTestId('funnel-table').locator('tbody tr td:nth-child(2)').allTextContents();
    assert.deepEqual(users, seeded.expected.funnel.map(String));
    assert.match((await page.getByTestId('funnel-summary').textContent()) ?? '', /25\.0% of 4 users completed all 3 steps/);
    assert.match(page.url(), /spec=/, 'the funnel is in the URL');
    await page.locator('.chart svg').first().waitFor();
    await shot('exploration-funnel');

    // Saved with the project, it is listed for everyone in it.
    await page.getByRole('button', { name: 'Save…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save exploration' });
    await dialog.getByLabel('Name').fill('Checkout funnel');
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await page.waitForURL(/saved=/);
    await page.getByRole('link', { name: 'Explorations' }).first().click();
    await page.getByRole('link', { name: 'Checkout funnel' }).waitFor();
    await shot('explorations');
  });

  it('lists event metadata with counts and edits a display name', async () => {
    await page.goto(`${runtime.url}/apps/${SEED_APP}/data/events`);
    const row = page.locator('tr', { has: page.locator('td.mono', { hasText: /^add_to_cart$/ }) });
    await row.waitFor({ timeout: 20_000 });
    assert.equal(await row.locator('td.num').first().textContent(), '3');
    await row.getByRole('button', { name: 'Edit add_to_cart' }).click();
    const dialog = page.getByRole('dialog', { name: 'Edit event add_to_cart' });
    await dialog.getByLabel('Display name').fill('Add to cart');
    await dialog.getByLabel('Description').fill('A product went into the cart.');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await row.getByText('Add to cart', { exact: true }).waitFor();
    await shot('data-events');
  });

  it('browses bad rows by reason, with samples', async () => {
    await page.goto(`${runtime.url}/apps/${SEED_APP}/data/bad-rows`);
    await page.getByTestId('bad-row-samples').waitFor({ timeout: 20_000 });
    assert.match((await page.getByTestId('bad-row-samples').textContent()) ?? '', /broken-1/);
    await shot('data-bad-rows');
  });

  it('edits the pipeline configuration with a diff before saving, and shows it in the history', async () => {
    await page.goto(`${runtime.url}/projects/demo/pipeline`);
    const interval = page.getByLabel('Processing interval');
    await interval.fill('5');
    await page.getByText('Interval must be between 10 and 86400').waitFor();
    assert.equal(await interval.getAttribute('aria-invalid'), 'true');
    await interval.fill('300');
    await page.getByRole('checkbox', { name: 'Anonymise IP addresses' }).check();
    await shot('pipeline-builder');
    await page.getByRole('button', { name: 'Review and save…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save version 1' });
    const diff = (await dialog.getByTestId('diff').textContent()) ?? '';
    assert.match(diff, /process\.intervalSeconds- 900\+ 300/);
    assert.match(diff, /process\.anonymiseIp- false\+ true/);
    await dialog.getByLabel('Comment (optional)').fill('process every 5 minutes');
    await shot('pipeline-diff', { fullPage: false });
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText(/Saved version 1\./).waitFor({ timeout: 5_000 });

    await page.getByRole('link', { name: /History/ }).click();
    const history = page.getByTestId('pipeline-history');
    await history.waitFor();
    assert.match((await history.locator('tbody tr').first().textContent()) ?? '', /v1admin.*process every 5 minutes/);
    await page.getByTestId('diff').waitFor();
    assert.match((await page.getByTestId('diff').textContent()) ?? '', /process\.intervalSeconds/);
    await shot('pipeline-history');
  });

  it('manages users: adds one with a role and an initial password, changes, disables, resets, and keeps the last Admin', async () => {
    await page.getByRole('navigation').getByRole('link', { name: 'Users' }).click();
    await page.getByTestId('users-table').waitFor();
    const notice = (text: string | RegExp) => page.getByTestId('users-notice').filter({ hasText: text }).waitFor();

    await page.getByRole('button', { name: 'New user' }).click();
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.getByLabel('Username').fill('Ana Lyst');
    await dialog.getByLabel('Role').selectOption('Analyst');
    await dialog.getByLabel('Initial password').fill('short');
    await dialog.getByRole('button', { name: 'Add user' }).click();
    await dialog.getByText('at least 12 characters', { exact: true }).waitFor();
    assert.equal(await dialog.getByLabel('Username').getAttribute('aria-invalid'), 'true', 'the API refused the name: the error is on its field');
    await dialog.getByLabel('Username').fill('ana');
    await dialog.getByRole('button', { name: 'Generate' }).click();
    const password = await dialog.getByLabel('Initial password').inputValue();
    await dialog.getByRole('button', { name: 'Add user' }).click();
    await notice('User ana added as Analyst');

    // The account signs in with what was handed out, and gets its role.
    const ana = await signIn(runtime.url, 'ana', password);
    assert.deepEqual(((await (await ana.fetch('/api/auth/me')).json()) as { roles: string[] }).roles, ['Analyst']);

    // The only enabled Admin cannot be disabled or demoted; the API's reason is shown.
    await page.getByRole('button', { name: 'Disable admin' }).click();
    await notice('This is the last enabled Admin: make someone else Admin first.');
    await shot('users');

    await page.getByLabel('Role of ana').selectOption('AnalystReader');
    await notice('ana is now AnalystReader.');
    assert.equal((await ana.fetch('/api/auth/me')).status, 401, 'a role change ends the sessions of that user');
    await page.getByRole('button', { name: 'Disable ana' }).click();
    await notice('ana is disabled and signed out.');
    const refused = await fetch(`${runtime.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'ana', password }) });
    assert.equal(refused.status, 401, 'a disabled user cannot sign in');
    await page.getByRole('button', { name: 'Enable ana' }).click();
    await notice('ana can sign in again.');

    await page.getByRole('button', { name: 'Reset the password of ana' }).click();
    const reset = page.getByRole('dialog', { name: 'Reset the password of ana' });
    await reset.getByLabel('New password').fill('ana has a new password');
    await reset.getByRole('button', { name: 'Set password' }).click();
    await notice('New password set for ana');
    const again = await signIn(runtime.url, 'ana', 'ana has a new password');
    assert.deepEqual(((await (await again.fetch('/api/auth/me')).json()) as { roles: string[] }).roles, ['AnalystReader']);
  });

  it('works on a tablet (768 px): no sideways scrolling, the navigation is a drawer reachable by keyboard', async () => {
    await page.setViewportSize({ width: 768, height: 1024 });
    try {
      for (const path of [`/apps/${SEED_APP}/dashboards/overview?range=7d`, `/apps/${SEED_APP}/explore/funnel?range=7d`, '/projects', '/projects/demo/pipeline', '/projects/demo/pipeline/history', '/users', `/apps/${SEED_APP}/data/events`, `/apps/${SEED_APP}/data/bad-rows`]) {
        await page.goto(`${runtime.url}${path}`);
        await page.locator('main h1').first().waitFor();
        await page.waitForLoadState('networkidle');
        const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
        assert.ok(overflow <= 0, `${path} scrolls sideways by ${overflow}px at 768px`);
      }
      await page.goto(`${runtime.url}/apps/${SEED_APP}/dashboards/overview?range=7d`);
      await page.getByTestId('dashboard').waitFor();
      await page.locator('.chart svg').first().waitFor();
      const nav = page.getByRole('navigation').getByRole('link', { name: 'Pipeline' });
      assert.equal(await nav.isVisible(), false, 'the sidebar is a closed drawer');
      await shot('tablet-dashboard-overview');

      // Keyboard only: the menu button opens the drawer, its links take focus, Escape closes it.
      const toggle = page.getByRole('button', { name: 'Open navigation' });
      await toggle.focus();
      await page.keyboard.press('Enter');
      await nav.waitFor({ state: 'visible' });
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
      const inDrawer = () => page.evaluate('document.activeElement?.closest("aside")?.getAttribute("aria-label") ?? null');
      assert.equal(await inDrawer(), 'Main navigation', 'focus moves into the drawer');
      // Slid in. (Polled with evaluate: waitForFunction's string form would be an eval the CSP refuses.)
      for (let i = 0; i < 50 && (await page.evaluate('getComputedStyle(document.querySelector("aside.sidebar")).transform')) !== 'none'; i++) await page.waitForTimeout(20);
      await shot('tablet-navigation', { fullPage: false });
      for (let i = 0; i < 30; i++) await page.keyboard.press('Tab');
      assert.equal(await inDrawer(), 'Main navigation', 'Tab stays in the open drawer (the page behind is inert)');
      await page.keyboard.press('Escape');
      await nav.waitFor({ state: 'hidden' });
      assert.equal(await page.evaluate('document.activeElement?.getAttribute("aria-label")'), 'Open navigation', 'focus returns to the menu button');
    } finally {
      await page.setViewportSize({ width: 1280, height: 860 });
    }
  });

  it('raised no page errors and nothing the AWS Content-Security-Policy would block', async () => {
    assert.deepEqual(errors, []);
    assert.ok(cspPages > 0, 'the console pages were served with the CSP');
    assert.deepEqual(cspViolations, []);
    // The check can see a violation: an inline script is refused and reported.
    await page.evaluate("const s = document.createElement('script'); s.textContent = 'window.inlineRan = true'; document.head.append(s)");
    for (let i = 0; i < 50 && cspViolations.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(await page.evaluate('window.inlineRan ?? false'), false);
    assert.match(cspViolations[0] ?? '', /script-src/);
  });
});

import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { autoTrackers } from '../src/auto/index.js';
import { createClickstream, type Clickstream } from '../src/client.js';
import { SDK_NAME } from '../src/event.js';
import type { Options } from '../src/types.js';
import { fakeBrowser, settle, waitFor, type FakeBrowser } from './browser.js';

const ENDPOINT = 'https://ingest.example/collect';
let browser: FakeBrowser | undefined;
afterEach(() => {
  browser?.restore();
  browser = undefined;
});

/** A page load: a fresh document (sharing `storage` with earlier loads of the site) and an initialised SDK. */
function load(url = 'https://shop.example/', options: Partial<Options> = {}, storage?: Storage): { sdk: Clickstream; page: FakeBrowser } {
  browser?.restore();
  const page = fakeBrowser(url, { localStorage: storage });
  browser = page;
  const sdk = createClickstream(autoTrackers);
  sdk.init({ appId: 'demo_web', endpoint: ENDPOINT, flushInterval: 60_000, ...options });
  return { sdk, page };
}
const types = (page: FakeBrowser) => page.sent().map((e) => e.event_type);

describe('web SDK: ids and sessions', () => {
  it('sends _session_start, _first_open and _page_view on the first visit, in the wire format', async () => {
    const { sdk, page } = load();
    await sdk.flush();
    assert.deepEqual(types(page).sort(), ['_first_open', '_page_view', '_session_start']);
    const upload = page.uploads[0]!;
    const keys = [...upload.url.searchParams.keys()].filter((k) => k !== 'compression');
    assert.deepEqual(keys.sort(), ['appId', 'event_bundle_sequence_id', 'hashCode', 'platform', 'upload_timestamp']);
    assert.equal(upload.url.origin + upload.url.pathname, ENDPOINT);
    for (const e of page.sent()) {
      assert.equal(e.app_id, 'demo_web');
      assert.equal(e.platform, 'Web');
      assert.equal(e.sdk_name, SDK_NAME);
      assert.equal(e.attributes._session_number, 1);
      assert.equal(e.attributes._page_url, 'https://shop.example/');
      assert.equal(typeof e.user._user_first_touch_timestamp?.value, 'number');
    }
  });

  it('keeps device id, unique_id and the session across reloads, and sends _first_open only once', async () => {
    const first = load();
    await first.sdk.flush();
    const storage = first.page.window.localStorage as unknown as Storage;
    const [before] = first.page.sent();
    const second = load('https://shop.example/item', {}, storage);
    await second.sdk.flush();
    assert.deepEqual(types(second.page), ['_page_view']);
    const after = second.page.sent()[0]!;
    assert.equal(after.device_id, before!.device_id);
    assert.equal(after.unique_id, before!.unique_id);
    assert.equal(after.attributes._session_id, before!.attributes._session_id);
  });

  it('starts a new session (number 2, with its own entrance page view) after the inactivity timeout', async () => {
    const first = load('https://shop.example/', { sessionTimeout: 30 });
    await first.sdk.flush();
    await settle(50);
    first.sdk.record({ name: 'late_click' });
    await first.sdk.flush();
    const [start2] = first.page.ofType('_session_start').slice(1);
    assert.equal(start2?.attributes._session_number, 2);
    assert.equal(first.page.ofType('late_click')[0]?.attributes._session_id, start2?.attributes._session_id);
  });

  it('links page views: _entrances on the first of a session, then _page_referrer and _previous_timestamp', async () => {
    const first = load('https://shop.example/');
    await first.sdk.flush();
    const storage = first.page.window.localStorage as unknown as Storage;
    const landing = first.page.ofType('_page_view')[0]!;
    const second = load('https://shop.example/cart', {}, storage);
    await second.sdk.flush();
    const next = second.page.ofType('_page_view')[0]!;
    assert.equal(landing.attributes._entrances, 1);
    assert.equal(next.attributes._entrances, 0);
    assert.equal(next.attributes._page_referrer, 'https://shop.example/');
    assert.equal(next.attributes._previous_timestamp, landing.timestamp);
  });

  it('counts SPA navigations through pushState, replaceState and popstate, but not a replace to the same URL', async () => {
    const { sdk, page } = load('https://shop.example/');
    history.pushState({}, '', '/a');
    history.replaceState({}, '', '/a');
    history.replaceState({}, '', '/b');
    history.pushState({}, '', '/c');
    history.back();
    await settle(30);
    page.window.dispatchEvent(new page.window.PopStateEvent('popstate'));
    await sdk.flush();
    const urls = page.ofType('_page_view').map((e) => new URL(String(e.attributes._page_url)).pathname);
    assert.deepEqual(urls, ['/', '/a', '/b', '/c', '/b']);
  });

  it('puts UTM parameters and click ids on _session_start as _traffic_source_*', async () => {
    const { sdk, page } = load('https://shop.example/?utm_source=news&utm_medium=email&utm_campaign=spring&gclid=abc');
    await sdk.flush();
    const a = page.ofType('_session_start')[0]!.attributes;
    assert.equal(a._traffic_source_source, 'news');
    assert.equal(a._traffic_source_medium, 'email');
    assert.equal(a._traffic_source_campaign, 'spring');
    assert.equal(a._traffic_source_clid, 'abc');
    assert.equal(a._traffic_source_clid_platform, 'gclid');
  });

  it('records _search for configured query keys only', async () => {
    const { sdk, page } = load('https://shop.example/find?term=boots&q=x', { autoTrack: { searchKeys: ['term'] } });
    await sdk.flush();
    assert.deepEqual(page.ofType('_search').map((e) => [e.attributes._search_key, e.attributes._search_term]), [['term', 'boots']]);
  });

  it('switches automatic events off one by one, or all at once', async () => {
    const some = load('https://shop.example/?q=x', { autoTrack: { pageView: false, search: false } });
    await some.sdk.flush();
    assert.deepEqual(types(some.page).sort(), ['_first_open', '_session_start']);
    const none = load('https://shop.example/?q=x', { autoTrack: false });
    none.sdk.record({ name: 'only_me' });
    await none.sdk.flush();
    assert.deepEqual(types(none.page), ['only_me']);
  });
});

describe('web SDK: events and users', () => {
  it('records custom events with attributes, items and global attributes, within the protocol limits', async () => {
    const { sdk, page } = load('https://shop.example/', { globalAttributes: { site: 'eu' }, autoTrack: false });
    sdk.setGlobalAttributes({ plan: 'pro' });
    sdk.record({
      name: 'add_to_cart',
      attributes: { sku: 'a1', price: 9.5, ok: true, long: 'x'.repeat(2000), bad: { nested: 1 } as never, nan: NaN },
      items: [{ id: 'a1', name: 'Shoe', price: 9.5, quantity: 1 }],
    });
    sdk.record({ name: 'x'.repeat(51) });
    sdk.record(undefined as never);
    await sdk.flush();
    assert.deepEqual(types(page), ['add_to_cart']);
    const a = page.sent()[0]!.attributes;
    assert.equal(a.site, 'eu');
    assert.equal(a.plan, 'pro');
    assert.equal(a.sku, 'a1');
    assert.equal(a.ok, true);
    assert.equal(String(a.long).length, 1024);
    assert.equal('bad' in a || 'nan' in a, false);
    assert.deepEqual(page.sent()[0]!.items, [{ id: 'a1', name: 'Shoe', price: 9.5, quantity: 1 }]);
  });

  it('sets the user id and profile with _profile_set; ordinary events carry only the user id', async () => {
    const { sdk, page } = load('https://shop.example/', { autoTrack: false });
    sdk.setUserId('u-42');
    sdk.setUserAttributes({ name: 'carl', age: 22 });
    sdk.record({ name: 'buy' });
    sdk.setUserId(null);
    sdk.record({ name: 'after_logout' });
    await sdk.flush();
    const profile = page.ofType('_profile_set')[1]!;
    assert.equal(profile.user._user_id?.value, 'u-42');
    assert.equal(profile.user.name?.value, 'carl');
    assert.equal(profile.user.age?.value, 22);
    const buy = page.ofType('buy')[0]!;
    assert.deepEqual(Object.keys(buy.user).sort(), ['_user_first_touch_timestamp', '_user_id']);
    assert.equal(page.ofType('after_logout')[0]!.user._user_id, undefined);
  });

  it('queues calls made before init and plays them after', async () => {
    browser = fakeBrowser('https://shop.example/');
    const sdk = createClickstream([]);
    sdk.record({ name: 'early' });
    sdk.init({ appId: 'demo_web', endpoint: ENDPOINT, autoTrack: false });
    await sdk.flush();
    assert.deepEqual(types(browser), ['early']);
  });
});

describe('web SDK: delivery', () => {
  it('batches by interval: nothing goes out before flushInterval, then one upload', async () => {
    const { sdk, page } = load('https://shop.example/', { flushInterval: 200, autoTrack: false });
    await settle(20);
    page.uploads.length = 0;
    sdk.record({ name: 'a' });
    sdk.record({ name: 'b' });
    await settle(50);
    assert.equal(page.uploads.length, 0);
    await waitFor('the interval upload', () => page.uploads.length > 0);
    assert.deepEqual(page.uploads.map((u) => u.events.map((e) => e.event_type)), [['a', 'b']]);
  });

  it('immediate mode uploads right after the event', async () => {
    const { sdk, page } = load('https://shop.example/', { sendMode: 'immediate', autoTrack: false });
    sdk.record({ name: 'now' });
    await settle(30);
    assert.deepEqual(types(page), ['now']);
  });

  it('retries after a 500 and delivers the batch once when the server recovers', async () => {
    const { sdk, page } = load('https://shop.example/', { autoTrack: false });
    page.answers.push(500);
    sdk.record({ name: 'important' });
    await sdk.flush();
    assert.equal(page.uploads.length, 1, 'the 500 was seen');
    await waitFor('the retry, 0.5–1 s later', () => page.uploads.length === 2);
    const ids = page.uploads.flatMap((u) => u.events.map((e) => e.event_id));
    assert.equal(ids[0], ids[1], 'the retry resends the same event_id, which the server dedupes');
    await sdk.flush();
    assert.equal(page.uploads.length, 2, 'nothing is sent a third time');
  });

  it('retries after a network failure and a 429', async () => {
    const { sdk, page } = load('https://shop.example/', { autoTrack: false });
    page.answers.push(0, 429);
    sdk.record({ name: 'important' });
    await sdk.flush();
    await sdk.flush();
    await sdk.flush();
    assert.deepEqual(types(page), ['important', 'important']);
    await sdk.flush();
    assert.equal(page.uploads.length, 2);
  });

  it('drops a batch the server refuses with a 400 instead of retrying it', async () => {
    const { sdk, page } = load('https://shop.example/', { autoTrack: false });
    page.answers.push(400);
    sdk.record({ name: 'malformed' });
    await sdk.flush();
    await sdk.flush();
    await settle(1_100);
    assert.equal(page.uploads.length, 1);
  });

  it('gzips larger batches with hashCode of the uncompressed JSON', async () => {
    const { sdk, page } = load('https://shop.example/', { autoTrack: false });
    sdk.record({ name: 'big', attributes: { text: 'lorem ipsum '.repeat(80) } });
    await sdk.flush();
    const upload = page.uploads[0]!;
    assert.equal(upload.url.searchParams.get('compression'), 'gzip');
    const { createHash } = await import('node:crypto');
    assert.equal(upload.url.searchParams.get('hashCode'), createHash('sha256').update(upload.json).digest('hex').slice(0, 8));
  });

  it('hands what is queued to sendBeacon when the page is hidden or unloaded', async () => {
    const { sdk, page } = load('https://shop.example/', { autoTrack: false });
    await settle(20);
    sdk.record({ name: 'last_words' });
    page.hide();
    assert.deepEqual(page.uploads.map((u) => [u.via, u.events.map((e) => e.event_type)]), [['beacon', ['last_words']]]);
    await sdk.flush();
    assert.equal(page.uploads.length, 1, 'the beaconed events are not sent again');
  });

  it('keeps events through an offline spell and sends them when back online', async () => {
    const { sdk, page } = load('https://shop.example/', { autoTrack: false });
    Object.defineProperty(page.window.navigator, 'onLine', { value: false, configurable: true });
    sdk.record({ name: 'offline_event' });
    await sdk.flush();
    page.hide();
    assert.equal(page.uploads.length, 0);
    Object.defineProperty(page.window.navigator, 'onLine', { value: true, configurable: true });
    page.window.dispatchEvent(new page.window.Event('online'));
    await settle(30);
    assert.deepEqual(types(page), ['offline_event']);
  });

  it('keeps undelivered events for the next page load, which sends them', async () => {
    const first = load('https://shop.example/', { autoTrack: false });
    first.page.answers.push(0);
    first.sdk.record({ name: 'pending' });
    await first.sdk.flush();
    const storage = first.page.window.localStorage as unknown as Storage;
    const second = load('https://shop.example/', { autoTrack: false }, storage);
    await settle(30);
    await second.sdk.flush();
    assert.deepEqual(types(second.page), ['pending']);
  });

  it('reports events dropped for space in a _clickstream_error', async () => {
    const { sdk, page } = load('https://shop.example/', { autoTrack: false, maxQueue: 3 });
    for (let i = 0; i < 5; i++) sdk.record({ name: `e${i}` });
    await sdk.flush();
    assert.deepEqual(types(page), ['_clickstream_error', 'e2', 'e3', 'e4']);
    assert.equal(page.ofType('_clickstream_error')[0]!.attributes.dropped_events, 2);
  });
});

describe('web SDK: privacy', () => {
  it('sends and stores nothing after optOut, remembers it across visits, and resumes after optIn', async () => {
    const first = load('https://shop.example/', { autoTrack: false });
    first.sdk.record({ name: 'before' });
    first.sdk.optOut();
    first.sdk.record({ name: 'while_out' });
    await first.sdk.flush();
    assert.deepEqual(types(first.page), []);
    const storage = first.page.window.localStorage as unknown as Storage;
    const second = load('https://shop.example/', { autoTrack: false }, storage);
    second.sdk.record({ name: 'next_visit' });
    await second.sdk.flush();
    assert.deepEqual(types(second.page), []);
    second.sdk.optIn();
    second.sdk.record({ name: 'back_in' });
    await second.sdk.flush();
    assert.deepEqual(types(second.page), ['back_in']);
  });

  it('holds events in memory until consent, storing nothing; sends them once granted', async () => {
    const { sdk, page } = load('https://shop.example/', { consent: 'pending' });
    sdk.record({ name: 'held' });
    await sdk.flush();
    assert.equal(page.uploads.length, 0);
    assert.equal(page.window.localStorage.length, 0, 'nothing written before consent');
    sdk.setConsent('granted');
    await sdk.flush();
    assert.deepEqual(types(page).sort(), ['_first_open', '_page_view', '_session_start', 'held']);
    assert.ok(page.window.localStorage.length > 0, 'ids are stored once consent is given');
  });

  it('drops held events when consent is denied', async () => {
    const { sdk, page } = load('https://shop.example/', { consent: 'pending' });
    sdk.record({ name: 'held' });
    sdk.setConsent('denied');
    sdk.record({ name: 'after_denial' });
    await sdk.flush();
    assert.equal(page.uploads.length, 0);
    assert.equal(page.window.localStorage.length, 0);
  });

  it('honours Do-Not-Track and Global Privacy Control when respectDoNotTrack is set', async () => {
    for (const signal of ['doNotTrack', 'globalPrivacyControl'] as const) {
      browser?.restore();
      browser = fakeBrowser('https://shop.example/');
      Object.defineProperty(browser.window.navigator, signal, { value: signal === 'doNotTrack' ? '1' : true, configurable: true });
      const respecting = createClickstream([]);
      respecting.init({ appId: 'demo_web', endpoint: ENDPOINT, respectDoNotTrack: true });
      respecting.record({ name: 'x' });
      await respecting.flush();
      assert.equal(browser.uploads.length, 0, signal);
      const ignoring = createClickstream([]);
      ignoring.init({ appId: 'demo_web', endpoint: ENDPOINT });
      await ignoring.flush();
      assert.ok(browser.uploads.length > 0, `${signal} is ignored unless configured`);
    }
  });
});

describe('web SDK: never breaks the page', () => {
  it('survives localStorage that throws on every call', async () => {
    const broken = new Proxy({} as Storage, {
      get: () => () => {
        throw new Error('SecurityError');
      },
    });
    const { sdk, page } = load('https://shop.example/', { autoTrack: false }, broken);
    sdk.record({ name: 'still_works' });
    await sdk.flush();
    assert.deepEqual(types(page), ['still_works']);
  });

  it('swallows bad calls: init without options, twice, unknown input', async () => {
    browser = fakeBrowser('https://shop.example/');
    const sdk = createClickstream([]);
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      assert.doesNotThrow(() => {
        sdk.init(undefined as never);
        sdk.init({ appId: 'demo_web', endpoint: ENDPOINT });
        sdk.init({ appId: 'demo_web', endpoint: ENDPOINT });
        sdk.record(null as never);
        sdk.setUserAttributes(null as never);
        sdk.setGlobalAttributes(42 as never);
        sdk.setConsent('maybe' as never);
      });
    } finally {
      console.warn = warn;
    }
    await assert.doesNotReject(sdk.flush());
  });
});

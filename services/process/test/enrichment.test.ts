import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { continentOfCountry } from '../src/domain/geo/continents.js';
import { locateIp } from '../src/domain/geo/ip-locations.js';
import { anonymiseIp, normaliseIp } from '../src/domain/geo/ip-address.js';
import { LruCache } from '../src/domain/pipeline/lru-cache.js';
import { processEnvelopes } from '../src/domain/process-envelopes.js';
import { parseUserAgent } from '../src/domain/steps/user-agent.js';
import { settings, UA, upload, webEvent } from './fixtures.js';

const enrich = (over: Parameters<typeof upload>[1], event: Record<string, unknown> = webEvent(1)) => {
  const out = processEnvelopes([upload([event], over)], settings);
  assert.deepEqual(out.bad_rows, []);
  return out.events[0]!;
};

describe('user agent → browser, OS and device', () => {
  const cases = [
    ['iPhone Safari', UA.iPhoneSafari, { browser: 'Mobile Safari', browserVersion: '17.4', os: 'iOS', deviceCategory: 'mobile', deviceVendor: 'Apple', deviceModel: 'iPhone' }],
    ['Android Chrome', UA.androidChrome, { browser: 'Chrome', browserVersion: '124.0.0.0', os: 'Android', deviceCategory: 'mobile', deviceVendor: 'Google', deviceModel: 'Pixel 8' }],
    ['Windows Edge', UA.windowsEdge, { browser: 'Edge', browserVersion: '124.0.2478.51', os: 'Windows', deviceCategory: 'desktop', deviceVendor: null, deviceModel: null }],
    ['iPad Safari', UA.iPadSafari, { browser: 'Mobile Safari', browserVersion: '17.4', os: 'iOS', deviceCategory: 'tablet', deviceVendor: 'Apple', deviceModel: 'iPad' }],
    ['Googlebot', UA.googlebot, { browser: null, browserVersion: null, os: null, deviceCategory: null, deviceVendor: null, deviceModel: null }],
  ] as const;
  for (const [label, ua, expected] of cases) {
    it(`parses ${label}`, () => assert.deepEqual(parseUserAgent(ua), expected));
  }

  it('fills the event columns, and falls back to the SDK fields for an app upload', () => {
    const web = enrich({ userAgent: UA.iPhoneSafari });
    assert.deepEqual(
      [web.browser, web.browser_version, web.os, web.device_category, web.device_vendor, web.device_model],
      ['Mobile Safari', '17.4', 'iOS', 'mobile', 'Apple', 'iPhone'],
    );
    const app = enrich(
      { userAgent: 'amplify-android:2.16.1 md/Android/14 md/locale/en_US', platform: 'Android' },
      webEvent(2, { platform: 'Android', os_name: 'Android', make: 'samsung', model: 'SM-S918B' }),
    );
    assert.deepEqual([app.browser, app.os, app.device_category, app.device_vendor, app.device_model], [null, 'Android', 'mobile', 'samsung', 'SM-S918B']);
  });

  it('answers repeated agents from a bounded least-recently-used cache', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    assert.equal(cache.get('a'), 1, 'a is now the most recently used');
    cache.set('c', 3);
    assert.equal(cache.get('b'), undefined, 'b was the least recently used and is gone');
    assert.equal(cache.get('a'), 1);
    assert.equal(cache.size, 2);
    assert.equal(parseUserAgent(UA.windowsEdge), parseUserAgent(UA.windowsEdge), 'the same parsed object');
  });
});

describe('bots are flagged, not dropped', () => {
  it('flags Googlebot and headless Chrome, not a person’s browser', () => {
    assert.equal(enrich({ userAgent: UA.googlebot }).is_bot, true);
    assert.equal(enrich({ userAgent: UA.windowsEdge.replace('Chrome/', 'HeadlessChrome/') }).is_bot, true);
    assert.equal(enrich({ userAgent: UA.iPhoneSafari }).is_bot, false);
    assert.equal(enrich({ userAgent: undefined }).is_bot, false);
  });

  it('does not judge app uploads by their HTTP client (okhttp is on the bot lists)', () => {
    assert.equal(enrich({ userAgent: 'okhttp/4.12.0', platform: 'Android' }, webEvent(1, { platform: 'Android' })).is_bot, false);
  });
});

describe('client IP → country and continent (DB-IP Lite)', () => {
  const countryOfIp = (ip: string) => locateIp(ip).country;
  it('locates well-known public IPv4 and IPv6 addresses', () => {
    assert.equal(countryOfIp('8.8.8.8'), 'US');
    assert.equal(countryOfIp('1.1.1.1'), 'AU');
    assert.equal(countryOfIp('81.2.69.142'), 'GB');
    assert.equal(countryOfIp('2a00:1450:4001::1'), 'DE');
    assert.equal(countryOfIp('::ffff:8.8.8.8'), 'US', 'IPv4-mapped IPv6 is looked up as IPv4');
  });

  it('gives null for private, loopback, documentation and malformed addresses', () => {
    for (const ip of ['10.0.0.1', '192.168.1.1', '172.16.0.1', '127.0.0.1', '::1', 'fe80::1', '203.0.113.9', 'not-an-ip', '']) {
      assert.equal(countryOfIp(ip), null, ip);
    }
  });

  it('fills country and continent on the event', () => {
    const row = enrich({ clientIp: '8.8.8.8' });
    assert.deepEqual([row.country, row.continent], ['US', 'NA']);
    const v6 = enrich({ clientIp: '2a00:1450:4001::1' });
    assert.deepEqual([v6.country, v6.continent], ['DE', 'EU']);
    const private_ = enrich({ clientIp: '192.168.0.7' });
    assert.deepEqual([private_.country, private_.continent], [null, null]);
  });

  it('knows the continent of every country it may meet', () => {
    assert.deepEqual(['FR', 'us', 'BR', 'JP', 'NG', 'AU', 'AQ', 'XX'].map(continentOfCountry), ['EU', 'NA', 'SA', 'AS', 'AF', 'OC', 'AN', null]);
  });
});

describe('IP anonymisation', () => {
  it('zeroes the last octet of IPv4 and the last 80 bits of IPv6', () => {
    assert.equal(anonymiseIp('203.0.113.9'), '203.0.113.0');
    assert.equal(anonymiseIp('2001:4860:4860::8888'), '2001:4860:4860::');
    assert.equal(anonymiseIp('2a00:1450:4001:0829:0000:0000:0000:200e'), '2a00:1450:4001::');
    assert.equal(anonymiseIp('2001:db8::1'), '2001:db8:0::');
    assert.equal(anonymiseIp('::ffff:8.8.8.8'), '8.8.8.0');
    assert.equal(anonymiseIp('garbage'), null);
    assert.equal(normaliseIp(' 8.8.4.4 '), '8.8.4.4');
  });

  it('applies after the geo lookup, only when the pipeline asks for it', () => {
    const anonymised = processEnvelopes([upload([webEvent(1)], { clientIp: '8.8.8.8' })], {
      ...settings,
      defaultApp: { sessionTimeoutMs: 30 * 60_000, anonymiseIp: true, enrichers: ['geo'], plugins: [] },
    }).events[0]!;
    assert.deepEqual([anonymised.client_ip, anonymised.country], ['8.8.8.0', 'US']);
    assert.equal(enrich({ clientIp: '8.8.8.8' }).client_ip, '8.8.8.8', 'kept by default');
  });
});

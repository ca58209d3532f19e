import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { processEnvelopes } from '../src/domain/process-envelopes.js';
import { defaultAppProcessing, stepRegistry, stepsFor } from '../src/domain/pipeline/registry.js';
import { redact } from '../src/plugins/example-pii-redactor.js';
import { HOUR, INGEST, MIN, settings, UA, upload, webEvent } from './fixtures.js';

const withPlugins = (plugins: { name: string; options: Record<string, unknown> }[], app = 'shop_web') => ({
  ...settings,
  apps: { [app]: { ...defaultAppProcessing, plugins } },
});

describe('truncation instead of rejection', () => {
  it('cuts attribute, user attribute and item values over 1024 characters and flags the row', () => {
    const long = 'x'.repeat(1500);
    const out = processEnvelopes(
      [upload([webEvent(1, { attributes: { _page_url: `https://shop.example.com/?q=${long}`, note: long, n: 5 }, user: { bio: { value: long } }, items: [{ id: 'a', name: long }] })])],
      settings,
    );
    assert.deepEqual(out.bad_rows, []);
    const row = out.events[0]!;
    assert.equal(row.truncated, true);
    const attributes = JSON.parse(row.attributes) as Record<string, string | number>;
    assert.equal((attributes.note as string).length, 1024);
    assert.equal(attributes.n, 5);
    assert.equal(row.page_url?.length, 1024, 'the page column matches the stored attribute');
    assert.equal((JSON.parse(row.user_attributes) as { bio: { value: string } }).bio.value.length, 1024);
    assert.equal(out.items[0]!.item_name?.length, 1024);
  });

  it('leaves values of exactly 1024 characters alone', () => {
    const out = processEnvelopes([upload([webEvent(1, { attributes: { note: 'y'.repeat(1024) } })])], settings);
    assert.equal(out.events[0]!.truncated, false);
  });

  it('still rejects what the wire format forbids (an attribute name over 50 characters)', () => {
    const out = processEnvelopes([upload([webEvent(1, { attributes: { ['k'.repeat(51)]: 'v' } })])], settings);
    assert.deepEqual(out.bad_rows.map((r) => r.reason_code), ['INVALID_EVENT']);
  });
});

describe('the step registry and per-app configuration', () => {
  it('chains truncation, the enabled enrichers in their order, plugins, then IP anonymisation', () => {
    const names = (app: typeof defaultAppProcessing) => stepsFor(app).map((s) => s.step.name);
    assert.deepEqual(names(defaultAppProcessing), ['truncate', 'user-agent', 'bots', 'geo', 'traffic-source']);
    assert.deepEqual(
      names({ ...defaultAppProcessing, enrichers: ['geo'], anonymiseIp: true, plugins: [{ name: 'example-pii-redactor', options: { keys: ['email'] } }] }),
      ['truncate', 'geo', 'example-pii-redactor', 'anonymise-ip'],
    );
    assert.ok(stepRegistry.has('example-pii-redactor'));
  });

  it('switches enrichers off per app', () => {
    const off = { ...settings, apps: { shop_web: { ...defaultAppProcessing, enrichers: [] } } };
    const row = processEnvelopes([upload([webEvent(1)], { userAgent: UA.googlebot })], off).events[0]!;
    assert.deepEqual([row.browser, row.country, row.is_bot, row.channel_group], [null, null, false, null]);
    const other = processEnvelopes([upload([webEvent(1, { app_id: 'blog_web' })], { appId: 'blog_web', userAgent: UA.googlebot })], off).events[0]!;
    assert.equal(other.is_bot, true, 'other apps keep the defaults');
  });

  it('fails the run on a step name nobody registered rather than silently skipping it', () => {
    assert.throws(() => processEnvelopes([upload([webEvent(1)])], withPlugins([{ name: 'pii-redactor-typo', options: {} }])), /unknown processing step "pii-redactor-typo"/);
  });
});

describe('example plugin: example-pii-redactor', () => {
  const options = { keys: ['email', 'phone'], salt: 's3cret' };

  it('replaces the configured attribute and user attribute values by a salted SHA-256', () => {
    const out = processEnvelopes(
      [upload([webEvent(1, { attributes: { email: 'ann@example.com', plan: 'gold' }, user: { phone: { value: '+33 1 23 45 67 89' }, name: { value: 'Ann' } } })])],
      withPlugins([{ name: 'example-pii-redactor', options }]),
    );
    const row = out.events[0]!;
    assert.deepEqual(JSON.parse(row.attributes), { email: redact('ann@example.com', 's3cret'), plan: 'gold' });
    assert.deepEqual(JSON.parse(row.user_attributes), { phone: { value: redact('+33 1 23 45 67 89', 's3cret') }, name: { value: 'Ann' } });
    assert.match(redact('ann@example.com', 's3cret'), /^sha256:[0-9a-f]{64}$/);
    assert.notEqual(redact('ann@example.com', 's3cret'), redact('ann@example.com', ''), 'the salt matters');
  });

  it('only for the apps that enable it', () => {
    const out = processEnvelopes(
      [upload([webEvent(1, { app_id: 'blog_web', attributes: { email: 'ann@example.com' } })], { appId: 'blog_web' })],
      withPlugins([{ name: 'example-pii-redactor', options }]),
    );
    assert.deepEqual(JSON.parse(out.events[0]!.attributes), { email: 'ann@example.com' });
  });

  it('rejects options without keys when the run starts', () => {
    assert.throws(() => processEnvelopes([upload([webEvent(1)])], withPlugins([{ name: 'example-pii-redactor', options: {} }])), /keys/);
  });
});

describe('determinism', () => {
  it('the same input gives deep-equal rows in every table', () => {
    const records = [
      upload([
        webEvent(1, { timestamp: INGEST - 2 * HOUR, attributes: { _page_url: 'https://shop.example.com/?gclid=abc', _page_referrer: 'https://www.google.com/' } }),
        webEvent(2, { timestamp: INGEST - 90 * MIN, items: [{ id: 'sku', price: 1, quantity: 1 }] }),
        webEvent(3, { timestamp: INGEST - MIN, unique_id: 'other', attributes: { _session_id: 'sdk', _engagement_time_msec: 12_000 } }),
        42,
      ]),
      upload([webEvent(4, { timestamp: INGEST - 5 * MIN })], { requestId: 'req-2', clientIp: '2a00:1450:4001::1', userAgent: UA.iPhoneSafari }),
    ];
    const first = processEnvelopes(records, settings);
    const second = processEnvelopes([...records], { ...settings });
    assert.deepEqual(second, first);
    assert.deepEqual(
      Object.fromEntries(Object.entries(first).map(([k, v]) => [k, (v as unknown[]).length])),
      { events: 4, sessions: 3, users: 2, items: 1, bad_rows: 1 },
    );
  });
});

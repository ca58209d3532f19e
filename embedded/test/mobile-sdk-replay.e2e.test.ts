// Mobile compatibility: replays, byte for byte, the uploads the AWS Clickstream Android and Swift
// SDKs make (their NetRequest code, not only the protocol page), against the embedded platform.
//
// What the SDKs really send (Android NetRequest.java + StringUtil.java, Swift NetRequest.swift +
// CompressUtil.swift):
// - Android: POST {endpoint}?platform=Android&appId=…&hashCode=…&event_bundle_sequence_id=N
//   &upload_timestamp=MS&compression=gzip|"" with `Content-Type: application/json; charset=utf-8`.
//   With compression on (the SDK's default) the body is the gzip of the JSON array ENCODED AS
//   BASE64 TEXT, and hashCode is the first 8 hex of SHA-256 of that text (the bytes sent).
//   With compression off, `compression=` is still there (empty) and the body is the JSON.
// - Swift: POST {endpoint}?platform=iOS&appId=…&compression=gzip&event_bundle_sequence_id=N,
//   body = base64 text of the gzip, no hashCode or upload_timestamp; every event carries its own
//   `hashCode` field.
// The protocol page's form (raw gzip bytes, hashCode of the uncompressed JSON) is replayed too.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DurableLog } from '@clickstream/runtime';
import { EmbeddedConfig } from '../src/config.js';
import { startEmbedded, type EmbeddedRuntime } from '../src/runtime.js';
import { signIn, TEST_ADMIN_PASSWORD } from './support/console-session.js';

const quiet = { info: () => undefined, error: (m: string, e?: unknown) => console.error(m, e) };
const HOUR = 3600_000;
const ANDROID_UA = 'amplify-android:2.16.1 md/Android/14 md/locale/en_US';
const IOS_UA = 'ShopApp/3.2.0 CFNetwork/1494.0.7 Darwin/23.4.0';

const hash8 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex').slice(0, 8);
/** What the Android and Swift SDKs put on the wire when compression is on: base64 text of the gzip. */
const base64Gzip = (json: string) => gzipSync(Buffer.from(json, 'utf8')).toString('base64');

type Json = Record<string, unknown>;

function androidEvent(appId: string, eventType: string, at: number, extra: { attributes?: Json; items?: Json[] } = {}): Json {
  return {
    unique_id: '2d4f9f0e-5b7a-4c1e-9a43-7f1d3c2b8e61',
    event_type: eventType,
    event_id: randomUUID(),
    app_id: appId,
    timestamp: at,
    device_id: 'f24bec657ea8eff7',
    platform: 'Android',
    os_name: 'Android',
    os_version: '14',
    make: 'samsung',
    brand: 'samsung',
    model: 'SM-S918B',
    locale: 'en_US',
    carrier: 'Vodafone',
    network_type: 'WIFI',
    screen_height: 2340,
    screen_width: 1080,
    zone_offset: 3_600_000,
    system_language: 'en',
    country: 'United Kingdom',
    country_code: 'GB',
    sdk_version: '0.15.0',
    sdk_name: 'aws-solution-clickstream-sdk',
    app_version: '3.2.0',
    app_package_name: 'com.example.shop',
    app_title: 'Shop',
    items: extra.items ?? [],
    user: {
      _user_id: { value: 'android-user-7', set_timestamp: at - 60_000 },
      _user_first_touch_timestamp: { value: at - 86_400_000, set_timestamp: at - 86_400_000 },
    },
    attributes: {
      _session_id: '3c2b8e61-20261129-101500123',
      _session_start_timestamp: at - 120_000,
      _session_duration: 120_000,
      _session_number: 3,
      _screen_name: 'ProductActivity',
      _screen_unique_id: '108470453',
      ...extra.attributes,
    },
  };
}

function iosEvent(appId: string, eventType: string, at: number, attributes: Json = {}): Json {
  return {
    hashCode: createHash('sha256').update(`${eventType}${at}`).digest('hex').slice(0, 8).toUpperCase(),
    unique_id: '7B3E2F4A-1C5D-4E6F-8A9B-0C1D2E3F4A5B',
    event_type: eventType,
    event_id: randomUUID().toUpperCase(),
    app_id: appId,
    timestamp: at,
    device_id: 'A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D',
    device_unique_id: '',
    platform: 'iOS',
    os_name: 'iOS',
    os_version: '17.4.1',
    make: 'apple',
    brand: 'apple',
    model: 'iPhone15,2',
    locale: 'en_US (current)',
    carrier: 'UNKNOWN',
    network_type: 'WIFI',
    screen_height: 2556,
    screen_width: 1179,
    zone_offset: -18_000_000,
    system_language: 'en',
    country_code: 'US',
    sdk_version: '0.12.3',
    sdk_name: 'aws-solution-clickstream-sdk',
    app_version: '3.2.0',
    app_package_name: 'com.example.shop',
    app_title: 'Shop',
    user: { _user_first_touch_timestamp: { value: at - 3_600_000, set_timestamp: at - 3_600_000 } },
    attributes: {
      _session_id: '0C1D2E3F-20261129-101502456',
      _session_start_timestamp: at - 5_000,
      _session_duration: 5_000,
      _session_number: 1,
      _screen_name: 'ProductViewController',
      _screen_id: 'ProductViewController',
      _screen_unique_id: '5832195744',
      ...attributes,
    },
  };
}

interface Sent {
  status: number;
  body: string;
  events: Json[];
}

describe('AWS Clickstream Android and Swift SDK uploads, replayed byte for byte', () => {
  let dataDir: string;
  let runtime: EmbeddedRuntime;
  const accepted: Json[] = [];
  const skewed: Json[] = [];

  /** One SDK upload: the query in the SDK's order, the SDK's headers, the body as sent. */
  async function upload(query: [string, string][], body: string | Buffer, userAgent: string, events: Json[]): Promise<Sent> {
    const res = await fetch(`${runtime.url}/collect?${new URLSearchParams(query)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': userAgent, 'accept-encoding': 'gzip' },
      body,
    });
    const sent = { status: res.status, body: await res.text(), events };
    if (sent.status === 200) accepted.push(...events);
    return sent;
  }

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'clickstream-mobile-sdk-'));
    runtime = await startEmbedded(EmbeddedConfig.parse({ PORT: '0', DATA_DIR: dataDir, PROCESS_INTERVAL_SECONDS: '3600', ADMIN_PASSWORD: TEST_ADMIN_PASSWORD }), quiet);
  });
  after(async () => {
    await runtime.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('accepts the Android SDK upload with compression on (its default): base64 gzip text, hashCode of the text sent', async () => {
    const app = runtime.demoAppId;
    const now = Date.now();
    const events = [
      androidEvent(app, '_first_open', now - 9_000),
      androidEvent(app, '_session_start', now - 8_900),
      androidEvent(app, '_app_start', now - 8_800, { attributes: { _is_first_time: true } }),
      androidEvent(app, '_screen_view', now - 8_000, { attributes: { _previous_screen_name: 'MainActivity', _entrances: 0, _engagement_time_msec: 3_200 } }),
      androidEvent(app, 'add_to_cart', now - 5_000, {
        attributes: { product_id: 'sku-123', _currency: 'GBP', _value: 59.99, in_stock: true },
        items: [{ id: 'sku-123', name: 'Trail shoe', brand: 'Acme', category: 'shoes', category2: 'trail', price: 59.99, quantity: 1, currency: 'GBP', size: 44 }],
      }),
    ];
    const body = base64Gzip(JSON.stringify(events));
    const res = await upload(
      [['platform', 'Android'], ['appId', app], ['hashCode', hash8(body)], ['event_bundle_sequence_id', '7'], ['upload_timestamp', String(now)], ['compression', 'gzip']],
      body,
      ANDROID_UA,
      events,
    );
    assert.equal(res.status, 200, res.body);
    assert.equal(res.body, '');
  });

  it('accepts the protocol-page form too: raw gzip bytes, hashCode of the uncompressed body', async () => {
    const app = runtime.demoAppId;
    const now = Date.now();
    const events = [androidEvent(app, 'button_click', now - 2_000, { attributes: { button_name: 'checkout' } })];
    const json = JSON.stringify(events);
    const res = await upload(
      [['platform', 'Android'], ['appId', app], ['event_bundle_sequence_id', '8'], ['upload_timestamp', String(now)], ['hashCode', hash8(json)], ['compression', 'gzip']],
      gzipSync(json),
      ANDROID_UA,
      events,
    );
    assert.equal(res.status, 200, res.body);
  });

  it('accepts the Android SDK upload with compression off: JSON body, empty compression parameter', async () => {
    const app = runtime.demoAppId;
    const now = Date.now();
    const events = [androidEvent(app, '_user_engagement', now - 1_000, { attributes: { _engagement_time_msec: 12_500 } })];
    const json = JSON.stringify(events);
    const res = await upload(
      [['platform', 'Android'], ['appId', app], ['hashCode', hash8(json)], ['event_bundle_sequence_id', '9'], ['upload_timestamp', String(now)], ['compression', '']],
      json,
      ANDROID_UA,
      events,
    );
    assert.equal(res.status, 200, res.body);
  });

  it('accepts the Swift SDK upload: base64 gzip text, no hashCode, events with their own hashCode field', async () => {
    const app = runtime.demoAppId;
    const now = Date.now();
    const events = [
      iosEvent(app, '_session_start', now - 6_000),
      iosEvent(app, '_screen_view', now - 5_500, { _previous_screen_name: 'HomeViewController', _entrances: 1 }),
      iosEvent(app, 'purchase', now - 3_000, { transaction_id: 'T-1001', _currency: 'USD', _value: 120.5 }),
    ];
    const res = await upload(
      [['platform', 'iOS'], ['appId', app], ['compression', 'gzip'], ['event_bundle_sequence_id', '1']],
      base64Gzip(JSON.stringify(events)),
      IOS_UA,
      events,
    );
    assert.equal(res.status, 200, res.body);
  });

  it('answers 400 HASH_MISMATCH when the hashCode does not match (a corrupt upload), in every body form', async () => {
    const app = runtime.demoAppId;
    const now = Date.now();
    const json = JSON.stringify([androidEvent(app, 'corrupt', now)]);
    const query = (hashCode: string, compression: string): [string, string][] => [
      ['platform', 'Android'], ['appId', app], ['hashCode', hashCode], ['event_bundle_sequence_id', '10'], ['upload_timestamp', String(now)], ['compression', compression],
    ];
    const wrong = hash8(json.replace('corrupt', 'corrupT'));
    for (const [body, compression] of [[base64Gzip(json), 'gzip'], [gzipSync(json), 'gzip'], [json, '']] as const) {
      const res = await upload(query(wrong, compression), body, ANDROID_UA, []);
      assert.equal(res.status, 400, res.body);
      assert.equal((JSON.parse(res.body) as { error: { code: string } }).error.code, 'HASH_MISMATCH');
    }
  });

  it('accepts a device whose clock is 2 hours behind (upload_timestamp and event times alike)', async () => {
    const app = runtime.demoAppId;
    const deviceNow = Date.now() - 2 * HOUR;
    const events = [
      androidEvent(app, '_screen_view', deviceNow - 4_000, { attributes: { _screen_name: 'CartActivity' } }),
      androidEvent(app, 'begin_checkout', deviceNow - 1_000, { attributes: { _value: 59.99, _currency: 'GBP' } }),
    ];
    skewed.push(...events);
    const body = base64Gzip(JSON.stringify(events));
    const res = await upload(
      [['platform', 'Android'], ['appId', app], ['hashCode', hash8(body)], ['event_bundle_sequence_id', '11'], ['upload_timestamp', String(deviceNow)], ['compression', 'gzip']],
      body,
      ANDROID_UA,
      events,
    );
    assert.equal(res.status, 200, res.body);
  });

  it('counts every accepted event once processed, with no bad rows and the device fields kept', async () => {
    await runtime.runJob('process.schedule-start-job');
    const res = await (await signIn(runtime.url)).fetch(`/api/apps/${runtime.demoAppId}/event-count`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { events: number }).events, accepted.length);
    const bad = await runtime.warehouse.query('SELECT reason_code, reason, raw FROM bad_rows');
    assert.deepEqual(bad, [], 'no SDK event became a bad row');

    const rows = await runtime.warehouse.query<Record<string, string | number | null>>(
      `SELECT event_id, event_type, platform, os_name, os_version, make, model, app_version, screen_name,
              user_id, device_id, session_id, user_agent, items, attributes
       FROM events_deduped WHERE app_id = $app`,
      { app: runtime.demoAppId },
    );
    assert.deepEqual(new Set(rows.map((r) => r.event_id)), new Set(accepted.map((e) => e.event_id)));
    const byType = (t: string) => rows.find((r) => r.event_type === t)!;

    const cart = byType('add_to_cart');
    assert.deepEqual(
      { platform: cart.platform, os_name: cart.os_name, os_version: cart.os_version, make: cart.make, model: cart.model },
      { platform: 'Android', os_name: 'Android', os_version: '14', make: 'samsung', model: 'SM-S918B' },
    );
    assert.equal(cart.app_version, '3.2.0');
    assert.equal(cart.screen_name, 'ProductActivity');
    assert.equal(cart.user_id, 'android-user-7');
    assert.equal(cart.device_id, 'f24bec657ea8eff7');
    assert.equal(cart.session_id, '3c2b8e61-20261129-101500123');
    assert.equal(cart.user_agent, ANDROID_UA);
    assert.deepEqual(JSON.parse(String(cart.items)), (accepted.find((e) => e.event_id === cart.event_id) as { items: unknown }).items);
    assert.equal((JSON.parse(String(cart.attributes)) as Json).product_id, 'sku-123');

    const ios = rows.filter((r) => r.platform === 'iOS');
    assert.deepEqual(ios.map((r) => r.event_type).sort(), ['_screen_view', '_session_start', 'purchase']);
    const iosScreen = ios.find((r) => r.event_type === '_screen_view')!;
    assert.equal(iosScreen.screen_name, 'ProductViewController');
    assert.equal(iosScreen.model, 'iPhone15,2');
    assert.equal(iosScreen.os_version, '17.4.1');
    assert.equal(iosScreen.user_agent, IOS_UA);
    assert.equal(iosScreen.user_id, null, 'not logged in');
  });

  it('stores the skewed device\'s events at ≈ server time (clock skew corrected by upload_timestamp)', async () => {
    const ids = new Set(skewed.map((e) => e.event_id));
    const rows = (
      await runtime.warehouse.query<{ event_id: string; ms: number | string; client_timestamp: number | string }>(
        'SELECT event_id, epoch_ms(event_timestamp) AS ms, client_timestamp FROM events_deduped WHERE app_id = $app',
        { app: runtime.demoAppId },
      )
    ).filter((r) => ids.has(r.event_id));
    assert.equal(rows.length, skewed.length);
    for (const row of rows) {
      const sent = skewed.find((e) => e.event_id === row.event_id)!;
      assert.ok(Math.abs(Number(row.ms) - Date.now()) < 60_000, `event_timestamp ${new Date(Number(row.ms)).toISOString()} is within a minute of now`);
      assert.equal(Number(row.client_timestamp), sent.timestamp, 'the device clock value is kept as client_timestamp');
    }
  });

  it('keeps each upload in the durable log decompressed, with the SDK query verbatim', async () => {
    await runtime.close();
    const log = await DurableLog.open(join(runtime.dataDir, 'stream'));
    let envelopes: { v: number; platform?: string; userAgent?: string; query: Record<string, string>; body: Json[] }[];
    try {
      envelopes = (await log.read(0, 1_000)).records.map((r) => JSON.parse(r.data.toString('utf8')) as (typeof envelopes)[number]);
    } finally {
      await log.close();
    }
    assert.equal(envelopes.length, 5, 'five uploads were acknowledged; rejected ones left nothing');
    for (const envelope of envelopes) {
      assert.equal(envelope.v, 2);
      const events = envelope.body;
      assert.ok(Array.isArray(events) && events.length > 0, 'the body is the JSON array, decompressed and embedded as JSON');
      assert.equal(envelope.platform, events[0]?.platform);
    }
    const swift = envelopes.find((e) => e.platform === 'iOS')!;
    assert.deepEqual(swift.query, { platform: 'iOS', appId: runtime.demoAppId, compression: 'gzip', event_bundle_sequence_id: '1' });
    const android = envelopes.find((e) => e.query.event_bundle_sequence_id === '7')!;
    assert.equal(android.query.compression, 'gzip');
    assert.match(android.query.hashCode ?? '', /^[0-9a-f]{8}$/);
    assert.match(android.query.upload_timestamp ?? '', /^\d{13}$/);
    assert.equal(android.userAgent, ANDROID_UA);
  });
});

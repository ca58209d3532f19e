import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadRowsTable, EventsTable, type RawEnvelopeV1 } from '@clickstream/contracts';
import { defaultSettings, processEnvelopes, type ProcessingSettings } from '../src/domain/process-envelopes.js';
import type { BadRow, BadRowReason } from '../src/domain/rows.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
/** The server received the upload at 2026-11-29T10:00:00Z. */
const INGEST = Date.UTC(2026, 10, 29, 10, 0, 0);
/** The job started a little later; records too broken to carry a time are partitioned by it. */
const RUN_TIME = Date.UTC(2026, 10, 29, 10, 15, 0);
const settings: ProcessingSettings = { ...defaultSettings, runTime: RUN_TIME };

const uuid = (n: number) => `6f1c2b1e-8d4a-4c3b-9a2f-${String(n).padStart(12, '0')}`;

function event(n: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_type: '_page_view',
    event_id: uuid(n),
    timestamp: INGEST - MIN,
    app_id: 'shop_web',
    unique_id: 'pseudo-1',
    device_id: 'device-1',
    platform: 'Web',
    locale: 'fr-FR',
    os_name: 'Mac OS',
    os_version: '14',
    make: 'Apple',
    model: 'MacBook',
    app_version: '1.2.3',
    sdk_name: 'aws-solution-clickstream-sdk',
    sdk_version: '0.12.0',
    screen_width: 1440,
    screen_height: 900,
    attributes: {
      _session_id: 'session-1',
      _page_url: 'https://shop.example.com/cart',
      _page_title: 'Cart',
      _page_referrer: 'https://shop.example.com/',
      _screen_name: 'CartScreen',
      coupon: 'XMAS',
    },
    user: { _user_id: { value: 'user-42', set_timestamp: INGEST - HOUR }, plan: { value: 'gold' } },
    items: [{ id: 'sku-1', price: 9.5, quantity: 2 }],
    ...over,
  };
}

function envelope(body: unknown, over: Partial<RawEnvelopeV1> = {}): string {
  return JSON.stringify({
    v: 1,
    requestId: 'req-1',
    ingestTime: INGEST,
    appId: 'shop_web',
    platform: 'Web',
    clientIp: '203.0.113.9',
    userAgent: 'Mozilla/5.0',
    query: { upload_timestamp: String(INGEST) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...over,
  } satisfies RawEnvelopeV1);
}

const run = (...records: string[]) => processEnvelopes(records, settings);
const codes = (rows: readonly BadRow[]) => rows.map((r) => r.reason_code);
const columnsOf = (spec: typeof EventsTable) => [...spec.columns, ...spec.partitionKeys].map((c) => c.name).sort();

function onlyBadRow(records: string[], code: BadRowReason): BadRow {
  const out = processEnvelopes(records, settings);
  assert.equal(out.events.length, 0, 'no event is accepted');
  assert.deepEqual(codes(out.bad_rows), [code]);
  return out.bad_rows[0]!;
}

describe('processEnvelopes: valid events become rows of the events table', () => {
  it('maps every column from the event, its attributes and its envelope', () => {
    const out = run(envelope([event(1)]));
    assert.deepEqual(out.bad_rows, []);
    assert.deepEqual(out.events, [
      {
        event_id: uuid(1),
        event_type: '_page_view',
        event_timestamp: '2026-11-29 09:59:00.000',
        client_timestamp: INGEST - MIN,
        ingest_timestamp: '2026-11-29 10:00:00.000',
        app_id: 'shop_web',
        year: 2026,
        month: 11,
        day: 29,
        platform: 'Web',
        user_pseudo_id: 'pseudo-1',
        user_id: 'user-42',
        device_id: 'device-1',
        session_id: 'session-1',
        page_url: 'https://shop.example.com/cart',
        page_title: 'Cart',
        page_referrer: 'https://shop.example.com/',
        screen_name: 'CartScreen',
        locale: 'fr-FR',
        os_name: 'Mac OS',
        os_version: '14',
        make: 'Apple',
        model: 'MacBook',
        app_version: '1.2.3',
        sdk_name: 'aws-solution-clickstream-sdk',
        sdk_version: '0.12.0',
        client_ip: '203.0.113.9',
        user_agent: 'Mozilla/5.0',
        attributes: JSON.stringify(event(1).attributes),
        user_attributes: JSON.stringify(event(1).user),
        items: JSON.stringify(event(1).items),
        request_id: 'req-1',
        // What the default enrichers make of this fixture; their own tests cover the cases.
        browser: null,
        browser_version: null,
        os: 'Mac OS',
        device_category: null,
        device_vendor: 'Apple',
        device_model: 'MacBook',
        country: null,
        continent: null,
        is_bot: true,
        traffic_source_source: '(direct)',
        traffic_source_medium: '(none)',
        traffic_source_campaign: null,
        traffic_source_campaign_id: null,
        traffic_source_content: null,
        traffic_source_term: null,
        traffic_source_clid: null,
        traffic_source_clid_platform: null,
        channel_group: 'Direct',
        truncated: false,
        region: null,
        city: null,
        screen_width: 1440,
        screen_height: 900,
      },
    ]);
  });

  it('produces exactly the columns of the warehouse contract, for events and bad rows alike', () => {
    const out = run(envelope([event(1), 42]));
    assert.deepEqual(Object.keys(out.events[0]!).sort(), columnsOf(EventsTable));
    assert.deepEqual(Object.keys(out.bad_rows[0]!).sort(), columnsOf(BadRowsTable));
  });

  it('takes user_id from user._user_id.value, as text, and leaves it null when absent', () => {
    const numeric = run(envelope([event(1, { user: { _user_id: { value: 1234 } } })]));
    assert.equal(numeric.events[0]!.user_id, '1234');
    const nullValue = run(envelope([event(1, { user: { _user_id: { value: null } } })]));
    assert.equal(nullValue.events[0]!.user_id, null);
    const anonymous = run(envelope([event(1, { user: undefined })]));
    assert.equal(anonymous.events[0]!.user_id, null);
    assert.equal(anonymous.events[0]!.user_attributes, '{}');
  });

  it('leaves page columns null when the attributes do not carry them (the session is then made by processing)', () => {
    const [row] = run(envelope([event(1, { attributes: undefined, items: undefined })])).events;
    assert.match(row!.session_id ?? '', /^srv-/);
    assert.equal(row!.page_url, null);
    assert.equal(row!.page_title, null);
    assert.equal(row!.page_referrer, null);
    assert.equal(row!.screen_name, null);
    assert.equal(row!.attributes, '{}');
    assert.equal(row!.items, '[]');
  });

  it('falls back to the envelope platform and leaves unknown device fields null', () => {
    const minimal = { event_type: 'add_to_cart', event_id: uuid(7), timestamp: INGEST - MIN, app_id: 'shop_web' };
    const [row] = run(envelope([minimal], { platform: 'Android' })).events;
    assert.equal(row!.platform, 'Android');
    assert.equal(row!.user_pseudo_id, null);
    assert.equal(row!.device_id, null);
    assert.equal(row!.locale, null);
  });

  it('partitions an event by the UTC day of its event time, not of its ingest time', () => {
    const ingestAfterMidnight = Date.UTC(2026, 10, 30, 0, 5, 0);
    const justBeforeMidnight = Date.UTC(2026, 10, 29, 23, 59, 0);
    const out = run(
      envelope([event(1, { timestamp: justBeforeMidnight })], {
        ingestTime: ingestAfterMidnight,
        query: { upload_timestamp: String(ingestAfterMidnight) },
      }),
    );
    const row = out.events[0]!;
    assert.deepEqual({ year: row.year, month: row.month, day: row.day }, { year: 2026, month: 11, day: 29 });
    assert.equal(row.event_timestamp, '2026-11-29 23:59:00.000');
    assert.equal(row.ingest_timestamp, '2026-11-30 00:05:00.000');
  });

  it('accepts a body holding a single event object rather than an array', () => {
    const out = run(envelope(event(1)));
    assert.deepEqual(
      out.events.map((e) => e.event_id),
      [uuid(1)],
    );
  });

  it('accepts unknown top-level fields sent by newer SDKs', () => {
    const out = run(envelope([event(1, { some_future_field: { nested: true } })]));
    assert.equal(out.events.length, 1);
    assert.deepEqual(out.bad_rows, []);
  });
});

describe('processEnvelopes: everything rejected becomes a bad row with a reason code', () => {
  it('INVALID_ENVELOPE: a stream record that is not JSON, partitioned by the run time', () => {
    const row = onlyBadRow(['this is not json'], 'INVALID_ENVELOPE');
    assert.equal(row.request_id, 'unknown');
    assert.equal(row.app_id, '_unknown');
    assert.equal(row.raw, 'this is not json');
    assert.equal(row.event_id, null);
    assert.equal(row.ingest_timestamp, '2026-11-29 10:15:00.000');
    assert.deepEqual({ year: row.year, month: row.month, day: row.day }, { year: 2026, month: 11, day: 29 });
  });

  it('INVALID_ENVELOPE: JSON that does not satisfy RawEnvelopeV1 (wrong version, bad app id, missing body)', () => {
    const wrongVersion = JSON.stringify({ ...JSON.parse(envelope([event(1)])), v: 2 });
    const badAppId = envelope([event(1)], { appId: 'shop;drop' });
    const { body: _body, ...noBody } = JSON.parse(envelope([event(1)])) as RawEnvelopeV1;
    const out = run(wrongVersion, badAppId, JSON.stringify(noBody));
    assert.deepEqual(out.events, []);
    assert.deepEqual(codes(out.bad_rows), ['INVALID_ENVELOPE', 'INVALID_ENVELOPE', 'INVALID_ENVELOPE']);
    assert.equal(out.bad_rows[1]!.raw, badAppId, 'the whole record is kept verbatim');
  });

  it('INVALID_JSON: a body that is not JSON, kept verbatim with the request it came in', () => {
    const row = onlyBadRow([envelope('[{"event_type": "_page_view",')], 'INVALID_JSON');
    assert.equal(row.raw, '[{"event_type": "_page_view",');
    assert.equal(row.request_id, 'req-1');
    assert.equal(row.app_id, 'shop_web');
    assert.equal(row.ingest_timestamp, '2026-11-29 10:00:00.000');
  });

  it('NOT_AN_EVENT: each batch element that is not a JSON object', () => {
    const out = run(envelope([1, null, 'text', [event(1)], true]));
    assert.deepEqual(out.events, []);
    assert.deepEqual(codes(out.bad_rows), ['NOT_AN_EVENT', 'NOT_AN_EVENT', 'NOT_AN_EVENT', 'NOT_AN_EVENT', 'NOT_AN_EVENT']);
    assert.deepEqual(
      out.bad_rows.map((r) => r.raw),
      ['1', 'null', '"text"', JSON.stringify([event(1)]), 'true'],
    );
  });

  it('INVALID_EVENT: a required field is missing, naming the field', () => {
    const { event_type: _t, ...noType } = event(1);
    const row = onlyBadRow([envelope([noType])], 'INVALID_EVENT');
    assert.match(row.reason, /event_type/);
    assert.equal(row.event_id, uuid(1), 'the event id is kept when it could be read');
    assert.equal(row.raw, JSON.stringify(noType));
  });

  it('INVALID_EVENT: an event_id that is not a UUID', () => {
    const row = onlyBadRow([envelope([event(1, { event_id: 'not-a-uuid' })])], 'INVALID_EVENT');
    assert.match(row.reason, /event_id/);
    assert.match(row.reason, /UUID/);
    assert.equal(row.event_id, 'not-a-uuid');
  });

  it('INVALID_EVENT: an event_type longer than 50 characters (50 is fine)', () => {
    const row = onlyBadRow([envelope([event(1, { event_type: 'x'.repeat(51) })])], 'INVALID_EVENT');
    assert.match(row.reason, /event_type/);
    const ok = run(envelope([event(2, { event_type: 'x'.repeat(50) })]));
    assert.equal(ok.events.length, 1);
  });

  it('APP_ID_MISMATCH: an event whose app_id differs from the upload', () => {
    const row = onlyBadRow([envelope([event(1, { app_id: 'other_app' })])], 'APP_ID_MISMATCH');
    assert.equal(row.app_id, 'shop_web', 'the bad row belongs to the app that uploaded it');
    assert.equal(row.event_id, uuid(1));
    assert.match(row.reason, /other_app/);
  });

  it('LATE_EVENT: an event more than 72 hours older than its upload (exactly 72 hours is accepted)', () => {
    const row = onlyBadRow([envelope([event(1, { timestamp: INGEST - 72 * HOUR - 1 })])], 'LATE_EVENT');
    assert.equal(row.event_id, uuid(1));
    const edge = run(envelope([event(2, { timestamp: INGEST - 72 * HOUR })]));
    assert.equal(edge.events.length, 1);
  });

  it('FUTURE_EVENT: an event more than 10 minutes after its upload (exactly 10 minutes is accepted)', () => {
    const row = onlyBadRow([envelope([event(1, { timestamp: INGEST + 10 * MIN + 1 })])], 'FUTURE_EVENT');
    assert.equal(row.event_id, uuid(1));
    const edge = run(envelope([event(2, { timestamp: INGEST + 10 * MIN })]));
    assert.equal(edge.events.length, 1);
  });

  it('truncates the raw text of a bad row to 64 KiB', () => {
    const huge = `[${'x'.repeat(100 * 1024)}`;
    const row = onlyBadRow([envelope(huge)], 'INVALID_JSON');
    assert.equal(row.raw.length, 64 * 1024);
    assert.equal(row.raw, huge.slice(0, 64 * 1024));
  });

  it('keeps the rest of a batch when one element is bad', () => {
    const out = run(envelope([event(1), 42, event(2, { event_id: 'nope' }), event(3, { app_id: 'other' }), event(4)]));
    assert.deepEqual(
      out.events.map((e) => e.event_id),
      [uuid(1), uuid(4)],
    );
    assert.deepEqual(codes(out.bad_rows), ['NOT_AN_EVENT', 'INVALID_EVENT', 'APP_ID_MISMATCH']);
  });

  it('keeps the rest of the records when one record is bad', () => {
    const out = run(envelope([event(1)]), 'garbage', envelope('{'), envelope([event(2)], { requestId: 'req-2' }));
    assert.deepEqual(
      out.events.map((e) => [e.event_id, e.request_id]),
      [
        [uuid(1), 'req-1'],
        [uuid(2), 'req-2'],
      ],
    );
    assert.deepEqual(codes(out.bad_rows), ['INVALID_ENVELOPE', 'INVALID_JSON']);
  });
});

describe('processEnvelopes: clock-skew correction', () => {
  it('shifts events by the skew when upload_timestamp is more than 10 minutes off our receive time', () => {
    // The device clock runs 3 hours behind: it uploaded at "07:00" and the event happened at "06:59".
    const skew = 3 * HOUR;
    const out = run(envelope([event(1, { timestamp: INGEST - skew - MIN })], { query: { upload_timestamp: String(INGEST - skew) } }));
    const row = out.events[0]!;
    assert.equal(row.event_timestamp, '2026-11-29 09:59:00.000', 'event time is corrected');
    assert.equal(row.client_timestamp, INGEST - skew - MIN, 'the client clock is kept as sent');
  });

  it('rescues events from a device clock running ahead, and partitions them by the corrected day', () => {
    // One day ahead: uncorrected, the event would be in the future (and on the wrong day).
    const ahead = 24 * HOUR;
    const out = run(envelope([event(1, { timestamp: INGEST + ahead - MIN })], { query: { upload_timestamp: String(INGEST + ahead) } }));
    assert.deepEqual(out.bad_rows, []);
    const row = out.events[0]!;
    assert.equal(row.event_timestamp, '2026-11-29 09:59:00.000');
    assert.equal(row.day, 29);
  });

  it('judges lateness after the correction', () => {
    // 80 hours behind: the raw timestamp looks 80 h old, but relative to the device's clock it is 1 minute old.
    const behind = 80 * HOUR;
    const out = run(envelope([event(1, { timestamp: INGEST - behind - MIN })], { query: { upload_timestamp: String(INGEST - behind) } }));
    assert.equal(out.events.length, 1);
    assert.deepEqual(out.bad_rows, []);
  });

  it('does not correct a skew of 10 minutes or less (it is noise)', () => {
    for (const skew of [10 * MIN, 9 * MIN + 59_000, -5 * MIN]) {
      const out = run(envelope([event(1, { timestamp: INGEST - 20 * MIN })], { query: { upload_timestamp: String(INGEST - skew) } }));
      assert.equal(out.events[0]!.event_timestamp, '2026-11-29 09:40:00.000', `skew ${skew} ms is left alone`);
    }
  });

  it('does not correct when upload_timestamp is missing or not a number', () => {
    const queries: Record<string, string>[] = [{}, { upload_timestamp: 'yesterday' }, { upload_timestamp: '0' }];
    for (const query of queries) {
      const out = run(envelope([event(1, { timestamp: INGEST - 20 * MIN })], { query }));
      assert.equal(out.events[0]!.event_timestamp, '2026-11-29 09:40:00.000');
    }
  });
});

describe('processEnvelopes: duplicates and determinism', () => {
  it('keeps an event id once within a request, the first copy winning', () => {
    const out = run(envelope([event(1, { event_type: 'first' }), event(1, { event_type: 'second' })]));
    assert.deepEqual(
      out.events.map((e) => e.event_type),
      ['first'],
    );
    assert.deepEqual(out.bad_rows, [], 'a duplicate is not an error');
  });

  it('keeps an event id once across requests of the same run (an SDK retry)', () => {
    const out = run(envelope([event(1)]), envelope([event(1), event(2)], { requestId: 'req-retry' }));
    assert.deepEqual(
      out.events.map((e) => [e.event_id, e.request_id]),
      [
        [uuid(1), 'req-1'],
        [uuid(2), 'req-retry'],
      ],
    );
  });

  it('dedupes per app: the same event id in two apps is two events', () => {
    const out = run(
      envelope([event(1)]),
      envelope([event(1, { app_id: 'blog_web' })], { appId: 'blog_web', requestId: 'req-2' }),
    );
    assert.deepEqual(
      out.events.map((e) => e.app_id),
      ['shop_web', 'blog_web'],
    );
  });

  it('a rejected copy does not shadow a valid one with the same id', () => {
    const out = run(envelope([event(1, { timestamp: INGEST + HOUR }), event(1)]));
    assert.deepEqual(codes(out.bad_rows), ['FUTURE_EVENT']);
    assert.equal(out.events.length, 1);
  });

  it('is deterministic: the same input gives deep-equal output', () => {
    const records = [
      envelope([event(1), event(2, { timestamp: INGEST - 3 * HOUR }), 7, event(1)]),
      'garbage',
      envelope('{', { requestId: 'req-2' }),
      envelope([event(3, { timestamp: INGEST - 2 * HOUR - MIN })], { requestId: 'req-3', query: { upload_timestamp: String(INGEST - 2 * HOUR) } }),
    ];
    const first = processEnvelopes(records, settings);
    const second = processEnvelopes([...records], { ...settings });
    assert.deepEqual(second, first);
    assert.equal(first.events.length, 3);
    assert.equal(first.bad_rows.length, 3);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ItemsTable, SessionsTable, UsersTable, type TableSpec } from '@clickstream/contracts';
import { processEnvelopes } from '../src/domain/process-envelopes.js';
import { defaultAppProcessing } from '../src/domain/pipeline/registry.js';
import { serverSessionId } from '../src/domain/tables/sessions.js';
import { HOUR, INGEST, MIN, settings, upload, webEvent } from './fixtures.js';

const columnsOf = (spec: TableSpec) => [...spec.columns, ...spec.partitionKeys].map((c) => c.name).sort();
const T = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');

/** A page view of `user` at `at`, optionally in an SDK session. */
function view(n: number, at: number, over: { user?: string; session?: string; page?: string; type?: string; extra?: Record<string, unknown> } = {}) {
  return webEvent(n, {
    timestamp: at,
    event_type: over.type ?? '_page_view',
    unique_id: over.user ?? 'pseudo-1',
    attributes: {
      _page_url: over.page ?? `https://shop.example.com/p${n}`,
      ...(over.session ? { _session_id: over.session, _session_number: 3 } : {}),
      ...over.extra,
    },
  });
}

describe('sessions from the SDK session fields', () => {
  it('one row per session: start, end, duration, entry and exit pages, counts, engagement, source of the start', () => {
    const out = processEnvelopes(
      [
        upload([
          view(1, INGEST - 50 * MIN, { session: 'sdk-1', page: 'https://shop.example.com/landing?utm_source=google&utm_medium=cpc' }),
          view(2, INGEST - 45 * MIN, { session: 'sdk-1', type: '_user_engagement', extra: { _engagement_time_msec: 8000 } }),
          view(3, INGEST - 40 * MIN, { session: 'sdk-1', page: 'https://shop.example.com/cart' }),
          view(4, INGEST - 30 * MIN, { session: 'sdk-1', type: 'add_to_cart', extra: { _engagement_time_msec: 4000 } }),
        ]),
      ],
      settings,
    );
    assert.deepEqual(out.sessions, [
      {
        session_id: 'sdk-1',
        user_pseudo_id: 'pseudo-1',
        user_id: null,
        session_number: 3,
        is_server_session: false,
        session_start: T(INGEST - 50 * MIN),
        session_end: T(INGEST - 30 * MIN),
        duration_ms: 20 * MIN,
        entry_page: 'https://shop.example.com/landing?utm_source=google&utm_medium=cpc',
        exit_page: 'https://shop.example.com/cart',
        page_view_count: 2,
        event_count: 4,
        engagement_time_msec: 12_000,
        is_bounce: false,
        traffic_source_source: 'google',
        traffic_source_medium: 'cpc',
        traffic_source_campaign: null,
        channel_group: 'Paid Search',
        country: 'US',
        device_category: 'desktop',
        browser: 'Edge',
        os: 'Windows',
        platform: 'Web',
        region: 'California',
        city: 'Mountain View',
        app_id: 'shop_web',
        year: 2026,
        month: 11,
        day: 29,
      },
    ]);
    assert.deepEqual(Object.keys(out.sessions[0]!).sort(), columnsOf(SessionsTable));
  });

  it('keeps the SDK session even across a long gap, and events out of order still give the right start', () => {
    const out = processEnvelopes([upload([view(2, INGEST - 5 * MIN, { session: 's' }), view(1, INGEST - 2 * HOUR, { session: 's' })])], settings);
    assert.equal(out.sessions.length, 1);
    assert.equal(out.sessions[0]!.session_start, T(INGEST - 2 * HOUR));
    assert.equal(out.sessions[0]!.entry_page, 'https://shop.example.com/p1');
    assert.equal(out.sessions[0]!.is_bounce, false, 'two page views');
  });

  it('a single page view with little engagement is a bounce', () => {
    const out = processEnvelopes([upload([view(1, INGEST - MIN, { session: 's', extra: { _engagement_time_msec: 3000 } })])], settings);
    assert.equal(out.sessions[0]!.is_bounce, true);
  });
});

describe('sessions made by processing for events without SDK session fields', () => {
  it('splits a user’s events after 30 minutes without activity, with deterministic ids', () => {
    const out = processEnvelopes(
      [upload([view(1, INGEST - 3 * HOUR), view(2, INGEST - 3 * HOUR + 29 * MIN), view(3, INGEST - 3 * HOUR + 60 * MIN), view(4, INGEST - MIN)])],
      settings,
    );
    const first = serverSessionId('shop_web', 'pseudo-1', INGEST - 3 * HOUR);
    const second = serverSessionId('shop_web', 'pseudo-1', INGEST - 3 * HOUR + 60 * MIN);
    const third = serverSessionId('shop_web', 'pseudo-1', INGEST - MIN);
    assert.deepEqual(out.events.map((e) => e.session_id), [first, first, second, third], '29 min apart: same; 31 min: new');
    assert.match(first, /^srv-[0-9a-f]{32}$/);
    assert.deepEqual(
      out.sessions.map((s) => [s.session_id, s.event_count, s.duration_ms, s.is_server_session, s.session_number]),
      [
        [first, 2, 29 * MIN, true, null],
        [second, 1, 0, true, null],
        [third, 1, 0, true, null],
      ],
    );
  });

  it('sessionizes each user separately, by device_id when there is no user_pseudo_id', () => {
    const out = processEnvelopes(
      [upload([view(1, INGEST - 10 * MIN, { user: 'a' }), view(2, INGEST - 9 * MIN, { user: 'b' }), webEvent(3, { unique_id: undefined, device_id: 'dev-9' })])],
      settings,
    );
    assert.deepEqual(
      out.sessions.map((s) => s.user_pseudo_id),
      ['a', 'b', 'dev-9'],
    );
    assert.equal(out.events[2]!.session_id, serverSessionId('shop_web', 'dev-9', INGEST - MIN));
  });

  it('uses the app’s session timeout', () => {
    const events = [view(1, INGEST - 30 * MIN), view(2, INGEST - 19 * MIN)];
    const tenMinutes = { ...settings, defaultApp: { ...defaultAppProcessing, sessionTimeoutMs: 10 * MIN } };
    assert.equal(processEnvelopes([upload(events)], settings).sessions.length, 1);
    assert.equal(processEnvelopes([upload(events)], tenMinutes).sessions.length, 2);
  });

  it('leaves events without any user key out of sessions', () => {
    const out = processEnvelopes([upload([webEvent(1, { unique_id: undefined })])], settings);
    assert.equal(out.events[0]!.session_id, null);
    assert.deepEqual(out.sessions, []);
  });
});

describe('users', () => {
  it('first touch from the earliest event, latest user id and attributes, last seen', () => {
    const out = processEnvelopes(
      [
        upload(
          [
            view(2, INGEST - 10 * MIN, { extra: {} }),
            webEvent(1, {
              timestamp: INGEST - 2 * HOUR,
              attributes: { _page_url: 'https://shop.example.com/', _page_referrer: 'https://www.google.com/' },
              user: { plan: { value: 'free', set_timestamp: INGEST - 2 * HOUR } },
            }),
            webEvent(3, {
              timestamp: INGEST - 5 * MIN,
              user: { _user_id: { value: 'user-42' }, plan: { value: 'gold', set_timestamp: INGEST - 5 * MIN } },
            }),
          ],
          { clientIp: '81.2.69.142' },
        ),
      ],
      settings,
    );
    assert.deepEqual(out.users, [
      {
        user_pseudo_id: 'pseudo-1',
        user_id: 'user-42',
        first_touch_timestamp: T(INGEST - 2 * HOUR),
        first_traffic_source_source: 'google',
        first_traffic_source_medium: 'organic',
        first_traffic_source_campaign: null,
        first_channel_group: 'Organic Search',
        first_country: 'GB',
        first_device_category: 'desktop',
        first_platform: 'Web',
        user_attributes: JSON.stringify({ _user_id: { value: 'user-42' }, plan: { value: 'gold', set_timestamp: INGEST - 5 * MIN } }),
        event_count: 3,
        last_seen: T(INGEST - 5 * MIN),
        first_region: 'England',
        first_city: 'London',
        app_id: 'shop_web',
        year: 2026,
        month: 11,
        day: 29,
      },
    ]);
    assert.deepEqual(Object.keys(out.users[0]!).sort(), columnsOf(UsersTable));
  });

  it("takes the SDK's _user_first_touch_timestamp when it is earlier than anything in the run", () => {
    const firstVisit = INGEST - 20 * 24 * HOUR;
    const out = processEnvelopes([upload([webEvent(1, { user: { _user_first_touch_timestamp: { value: firstVisit } } })])], settings);
    assert.equal(out.users[0]!.first_touch_timestamp, T(firstVisit));
  });

  it('one row per user and app; events without user_pseudo_id make none', () => {
    const out = processEnvelopes([upload([view(1, INGEST - MIN, { user: 'a' }), view(2, INGEST - MIN, { user: 'b' }), webEvent(3, { unique_id: undefined })])], settings);
    assert.deepEqual(out.users.map((u) => u.user_pseudo_id), ['a', 'b']);
  });
});

describe('items', () => {
  it('one row per item, with the event, item fields, price, quantity and currency', () => {
    const out = processEnvelopes(
      [
        upload([
          webEvent(1, {
            event_type: 'add_to_cart',
            attributes: { _session_id: 's-1', _currency: 'EUR' },
            items: [
              { id: 'sku-1', name: 'Shoe', brand: 'Acme', category: 'shoes', category2: 'trail', price: 59.9, quantity: 2, size: 44 },
              { id: 'sku-2', price: 5, quantity: 1, currency: 'USD' },
            ],
          }),
          webEvent(2),
        ]),
      ],
      settings,
    );
    const common = { event_id: out.events[0]!.event_id, event_type: 'add_to_cart', event_timestamp: T(INGEST - MIN), user_pseudo_id: 'pseudo-1', session_id: 's-1', app_id: 'shop_web', year: 2026, month: 11, day: 29 };
    const none = { item_name: null, item_brand: null, item_category: null, item_category2: null, item_category3: null, item_category4: null, item_category5: null, location_id: null, creative_name: null, creative_slot: null };
    assert.deepEqual(out.items, [
      { ...common, ...none, item_index: 0, item_id: 'sku-1', item_name: 'Shoe', item_brand: 'Acme', item_category: 'shoes', item_category2: 'trail', price: 59.9, quantity: 2, currency: 'EUR', item_attributes: '{"size":44}' },
      { ...common, ...none, item_index: 1, item_id: 'sku-2', price: 5, quantity: 1, currency: 'USD', item_attributes: '{}' },
    ]);
    assert.deepEqual(Object.keys(out.items[0]!).sort(), columnsOf(ItemsTable));
  });
});

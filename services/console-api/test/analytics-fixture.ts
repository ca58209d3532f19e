// Small hand-made warehouses for the analytics tests: rows written as Parquet through DuckDB, and
// the relations console-api queries (events_deduped, sessions_merged, users_merged, bad_rows)
// declared over the files with exactly the warehouse contract's columns and types.
import { BadRowsTable, DuckDbType, EventsTable, SessionsTable, UsersTable, type Column } from '@clickstream/contracts';
import { DuckDbWarehouse, sqlString } from '@clickstream/runtime';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Value = string | number | boolean | null;
export type FixtureRow = Record<string, Value>;

const app: Column = { name: 'app_id', type: 'string', description: '' };
const sessionsMerged: Column[] = [app, ...SessionsTable.columns, { name: 'partial_rows', type: 'bigint', description: '' }];
const usersMerged: Column[] = [app, ...UsersTable.columns];

export const relations = {
  events_deduped: [...EventsTable.columns, ...EventsTable.partitionKeys],
  sessions_merged: sessionsMerged,
  users_merged: usersMerged,
  bad_rows: [...BadRowsTable.columns, ...BadRowsTable.partitionKeys],
} as const;
export type FixtureRelation = keyof typeof relations;

export interface Fixture {
  warehouse: DuckDbWarehouse;
  close(): Promise<void>;
}

/** Writes each relation's rows to a Parquet file and declares the relation as a view over it. */
export async function buildWarehouse(data: Partial<Record<FixtureRelation, FixtureRow[]>>): Promise<Fixture> {
  const dir = await mkdtemp(join(tmpdir(), 'console-analytics-'));
  const warehouse = await DuckDbWarehouse.open(':memory:', join(dir, 'warehouse'));
  for (const [name, columns] of Object.entries(relations) as [FixtureRelation, readonly Column[]][]) {
    const rows = (data[name] ?? []).map((r) => withDerived(name, r));
    const staging = `staging_${name}`;
    await warehouse.run(`CREATE TABLE ${staging} (${columns.map((c) => `"${c.name}" ${DuckDbType[c.type]}`).join(', ')})`);
    for (const row of rows) {
      for (const key of Object.keys(row)) if (!columns.some((c) => c.name === key)) throw new Error(`${name} has no column ${key}`);
      const values = columns.map((c) => row[c.name] ?? null);
      await warehouse.run(`INSERT INTO ${staging} VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`, values);
    }
    const file = join(dir, `${name}.parquet`);
    await warehouse.run(`COPY ${staging} TO ${sqlString(file)} (FORMAT parquet)`);
    await warehouse.run(`DROP TABLE ${staging}`);
    await warehouse.run(`CREATE VIEW ${name} AS SELECT * FROM read_parquet(${sqlString(file)})`);
  }
  return {
    warehouse,
    close: async () => {
      warehouse.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Fills the partition columns the way processing does (UTC parts of the row's partition time). */
function withDerived(name: FixtureRelation, row: FixtureRow): FixtureRow {
  const at = name === 'events_deduped' ? row.event_timestamp : name === 'bad_rows' ? row.ingest_timestamp : undefined;
  if (typeof at !== 'string') return row;
  const d = new Date(`${at.replace(' ', 'T')}Z`);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), ...row };
}

// ─── the shop: five users whose numbers are worked out by hand in analytics-queries.test.ts ───

export const SHOP = 'shop_web';

interface Visitor {
  user: string;
  country: string;
  region: string;
  city: string;
  /** Width x height the SDK reported; none for u5. */
  screen?: [number, number];
  browser: string;
  device: string;
  os: string;
  userAttributes?: string;
}

const visitors: Record<string, Visitor> = {
  u1: {
    user: 'u1', country: 'DE', region: 'Berlin', city: 'Berlin', screen: [1920, 1080], browser: 'Chrome', device: 'desktop', os: 'Windows',
    userAttributes: '{"_user_id":{"value":"alice","set_timestamp":1},"tier":{"value":2,"set_timestamp":1}}',
  },
  u2: { user: 'u2', country: 'FR', region: 'Île-de-France', city: 'Paris', screen: [390, 844], browser: 'Safari', device: 'mobile', os: 'iOS' },
  u3: { user: 'u3', country: 'US', region: 'California', city: 'San Francisco', screen: [1440, 900], browser: 'Firefox', device: 'desktop', os: 'Linux' },
  u4: { user: 'u4', country: 'DE', region: 'Bavaria', city: 'Munich', screen: [1920, 1080], browser: 'Chrome', device: 'desktop', os: 'macOS' },
  u5: { user: 'u5', country: 'GB', region: 'England', city: 'London', browser: 'Edge', device: 'desktop', os: 'Windows' },
};

interface Source {
  channel: string;
  source: string;
  medium: string;
  campaign?: string;
}
const organic: Source = { channel: 'Organic Search', source: 'google', medium: 'organic' };
const direct: Source = { channel: 'Direct', source: '(direct)', medium: '(none)' };
const paid: Source = { channel: 'Paid Search', source: 'google', medium: 'cpc', campaign: 'spring' };
const referral: Source = { channel: 'Referral', source: 'news.example', medium: 'referral' };
const email: Source = { channel: 'Email', source: 'newsletter', medium: 'email', campaign: 'march' };
const social: Source = { channel: 'Organic Social', source: 'facebook', medium: 'social' };

type Step = [time: string, type: string, page?: string, attributes?: Record<string, unknown>];

let eventSerial = 0;
const events: FixtureRow[] = [];
const sessions: FixtureRow[] = [];

function session(id: string, v: Visitor, src: Source, steps: Step[]): void {
  const rows = steps.map(([time, type, page, attributes]) => {
    eventSerial++;
    return {
      event_id: `e${String(eventSerial).padStart(3, '0')}`,
      event_type: type,
      event_timestamp: time,
      ingest_timestamp: time,
      platform: 'Web',
      user_pseudo_id: v.user,
      user_id: v.userAttributes ? 'alice' : null,
      session_id: id,
      page_url: page ? `https://shop.example${page}` : null,
      locale: v.country === 'FR' ? 'fr-FR' : 'en-US',
      browser: v.browser,
      os: v.os,
      device_category: v.device,
      country: v.country,
      continent: v.country === 'US' ? 'NA' : 'EU',
      region: v.region,
      city: v.city,
      screen_width: v.screen?.[0] ?? null,
      screen_height: v.screen?.[1] ?? null,
      is_bot: false,
      traffic_source_source: src.source,
      traffic_source_medium: src.medium,
      traffic_source_campaign: src.campaign ?? null,
      channel_group: src.channel,
      attributes: JSON.stringify({ _session_id: id, ...(page ? { _page_url: `https://shop.example${page}` } : {}), ...attributes }),
      user_attributes: v.userAttributes ?? '{}',
      items: '[]',
      request_id: `r-${id}`,
      app_id: SHOP,
    };
  });
  events.push(...rows);
  const views = rows.filter((r) => r.event_type === '_page_view');
  const engagement = steps.reduce((sum, [, , , a]) => sum + Number(a?._engagement_time_msec ?? 0), 0);
  const start = rows[0]!.event_timestamp;
  const end = rows[rows.length - 1]!.event_timestamp;
  sessions.push({
    app_id: SHOP,
    session_id: id,
    user_pseudo_id: v.user,
    is_server_session: false,
    session_start: start,
    session_end: end,
    duration_ms: Date.parse(`${end}Z`.replace(' ', 'T')) - Date.parse(`${start}Z`.replace(' ', 'T')),
    entry_page: views[0]?.page_url ?? null,
    exit_page: views[views.length - 1]?.page_url ?? null,
    page_view_count: views.length,
    event_count: rows.length,
    engagement_time_msec: engagement,
    is_bounce: views.length <= 1 && engagement < 10_000,
    traffic_source_source: src.source,
    traffic_source_medium: src.medium,
    traffic_source_campaign: src.campaign ?? null,
    channel_group: src.channel,
    country: v.country,
    device_category: v.device,
    browser: v.browser,
    os: v.os,
    platform: 'Web',
    region: v.region,
    city: v.city,
    partial_rows: 1,
  });
}

const { u1, u2, u3, u4, u5 } = visitors as Record<'u1' | 'u2' | 'u3' | 'u4' | 'u5', Visitor>;
session('s6', u4, direct, [
  ['2025-02-27 09:00:00', '_page_view', '/home'],
  ['2025-02-27 09:05:00', 'purchase', '/checkout'],
]);
session('s1', u1, organic, [
  ['2025-03-03 10:00:00', '_session_start'],
  ['2025-03-03 10:00:01', '_page_view', '/home'],
  ['2025-03-03 10:01:00', '_page_view', '/product?id=1'],
  ['2025-03-03 10:01:30', '_scroll', '/product?id=1'],
  ['2025-03-03 10:02:00', 'add_to_cart', '/product?id=1', { price: 20, currency: 'EUR' }],
  ['2025-03-03 10:03:00', '_user_engagement', '/product?id=1', { _engagement_time_msec: 15000 }],
  ['2025-03-03 10:05:00', 'purchase', '/checkout', { value: 20 }],
]);
session('s3', u2, paid, [
  ['2025-03-03 11:59:59', '_session_start'],
  ['2025-03-03 12:00:00', '_page_view', '/home'],
  ['2025-03-03 12:00:30', '_page_view', '/product'],
  ['2025-03-03 12:01:00', 'add_to_cart', '/product', { price: 'n/a', coupon: true }],
  ['2025-03-03 12:02:00', '_user_engagement', '/product', { _engagement_time_msec: 4000 }],
]);
session('s4', u3, referral, [['2025-03-04 20:00:00', '_page_view', '/blog']]);
session('s2', u1, direct, [
  ['2025-03-05 09:00:00', '_page_view', '/home'],
  ['2025-03-05 09:10:00', 'purchase', '/checkout', { value: 35.5 }],
]);
session('s7', u5, email, [['2025-03-06 08:00:00', '_page_view', '/home']]);
session('s8', u5, social, [['2025-03-07 08:00:00', '_page_view', '/blog']]);
session('s9', u5, paid, [
  ['2025-03-08 08:00:00', '_page_view', '/product'],
  ['2025-03-08 08:05:00', 'purchase', '/checkout', { value: 10 }],
]);
// 02:00 UTC on 10 March is 22:00 on 9 March in New York.
session('s5', u3, direct, [['2025-03-10 02:00:00', '_page_view', '/home']]);

const firstTouch = (user: string) => events.filter((e) => e.user_pseudo_id === user).map((e) => String(e.event_timestamp)).sort()[0]!;
const lastSeen = (user: string) => events.filter((e) => e.user_pseudo_id === user).map((e) => String(e.event_timestamp)).sort().at(-1)!;
const firstSession = (user: string) => sessions.filter((s) => s.user_pseudo_id === user).sort((a, b) => String(a.session_start).localeCompare(String(b.session_start)))[0]!;

const users: FixtureRow[] = Object.values(visitors).map((v) => ({
  app_id: SHOP,
  user_pseudo_id: v.user,
  user_id: v.userAttributes ? 'alice' : null,
  first_touch_timestamp: firstTouch(v.user),
  first_traffic_source_source: firstSession(v.user).traffic_source_source!,
  first_traffic_source_medium: firstSession(v.user).traffic_source_medium!,
  first_traffic_source_campaign: firstSession(v.user).traffic_source_campaign!,
  first_channel_group: firstSession(v.user).channel_group!,
  first_country: v.country,
  first_device_category: v.device,
  first_platform: 'Web',
  user_attributes: v.userAttributes ?? '{}',
  event_count: events.filter((e) => e.user_pseudo_id === v.user).length,
  last_seen: lastSeen(v.user),
  first_region: v.region,
  first_city: v.city,
}));

const badRows: FixtureRow[] = [
  { app_id: SHOP, request_id: 'rb1', ingest_timestamp: '2025-03-04 10:00:00', reason_code: 'INVALID_EVENT', reason: 'event_type missing', event_id: 'x1', raw: '{"event_id":"x1"}' },
  { app_id: SHOP, request_id: 'rb2', ingest_timestamp: '2025-03-05 10:00:00', reason_code: 'INVALID_EVENT', reason: 'timestamp not a number', event_id: 'x2', raw: 'y'.repeat(5000) },
  { app_id: SHOP, request_id: 'rb3', ingest_timestamp: '2025-03-06 10:00:00', reason_code: 'INVALID_EVENT', reason: 'event_type missing', event_id: 'x3', raw: '{}' },
  { app_id: SHOP, request_id: 'rb4', ingest_timestamp: '2025-03-06 11:00:00', reason_code: 'APP_ID_MISMATCH', reason: 'app id differs', event_id: null, raw: '{"app_id":"other"}' },
  { app_id: SHOP, request_id: 'rb0', ingest_timestamp: '2025-02-01 10:00:00', reason_code: 'INVALID_JSON', reason: 'not JSON', event_id: null, raw: '{' },
  { app_id: 'other_app', request_id: 'rb9', ingest_timestamp: '2025-03-06 10:00:00', reason_code: 'INVALID_EVENT', reason: 'x', event_id: null, raw: '' },
];

/** The shop's rows (copies, so a test may change its own). */
export function shopData(): Record<FixtureRelation, FixtureRow[]> {
  return {
    events_deduped: events.map((r) => ({ ...r })),
    sessions_merged: sessions.map((r) => ({ ...r })),
    users_merged: users.map((r) => ({ ...r })),
    bad_rows: badRows.map((r) => ({ ...r })),
  };
}

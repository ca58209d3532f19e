import type { TableName } from './common.js';

/**
 * The warehouse tables, column by column: a data contract between the process service (writes the
 * Parquet), the model services (declare Glue / Redshift / DuckDB tables over it) and console-api
 * (queries it). Types are neutral and mapped to each engine's names by `columnType`.
 *
 * Columns are only ever appended: files written before a column existed keep every other column
 * at its position, and a new column needs a model-redshift migration (ALTER TABLE … ADD COLUMN).
 */
export type ColumnType = 'string' | 'bigint' | 'int' | 'double' | 'boolean' | 'timestamp';
export interface Column {
  name: string;
  type: ColumnType;
  description: string;
}
export interface TableSpec {
  name: TableName;
  description: string;
  columns: readonly Column[];
  /** Hive partition keys, in path order. Always app_id/year/month/day. */
  partitionKeys: readonly Column[];
}

const partitionKeys: readonly Column[] = [
  { name: 'app_id', type: 'string', description: 'App the row belongs to.' },
  { name: 'year', type: 'int', description: 'UTC year of the partition time.' },
  { name: 'month', type: 'int', description: 'UTC month (1-12).' },
  { name: 'day', type: 'int', description: 'UTC day of month.' },
];

const c = (name: string, type: ColumnType, description: string): Column => ({ name, type, description });

export const EventsTable: TableSpec = {
  name: 'events',
  description: 'One row per accepted event, partitioned by the UTC day of event_timestamp.',
  partitionKeys,
  columns: [
    c('event_id', 'string', 'SDK-generated UUID; the dedupe key within an app.'),
    c('event_type', 'string', 'Event name, e.g. _page_view or add_to_cart.'),
    c('event_timestamp', 'timestamp', 'When the event happened (client time, corrected for clock skew), UTC.'),
    c('client_timestamp', 'bigint', 'The client clock as sent, epoch ms.'),
    c('ingest_timestamp', 'timestamp', 'When ingest accepted the request, UTC.'),
    c('platform', 'string', 'Web, Android, iOS, …'),
    c('user_pseudo_id', 'string', 'The SDK user key (unique_id): stable per browser or app install.'),
    c('user_id', 'string', 'Login id set by the app (_user_id user attribute), if any.'),
    c('device_id', 'string', 'Device id reported by the SDK.'),
    c('session_id', 'string', 'Session id (_session_id).'),
    c('page_url', 'string', 'Page URL (_page_url).'),
    c('page_title', 'string', 'Page title (_page_title).'),
    c('page_referrer', 'string', 'Referrer (_page_referrer).'),
    c('screen_name', 'string', 'Screen name (_screen_name) for apps.'),
    c('locale', 'string', 'Locale reported by the SDK.'),
    c('os_name', 'string', 'OS name reported by the SDK.'),
    c('os_version', 'string', 'OS version reported by the SDK.'),
    c('make', 'string', 'Device make.'),
    c('model', 'string', 'Device model.'),
    c('app_version', 'string', 'App version.'),
    c('sdk_name', 'string', 'SDK name.'),
    c('sdk_version', 'string', 'SDK version.'),
    c('client_ip', 'string', 'Client IP (first untrusted X-Forwarded-For hop).'),
    c('user_agent', 'string', 'User-Agent header of the upload.'),
    c('attributes', 'string', 'Custom and reserved attributes, JSON object.'),
    c('user_attributes', 'string', 'User attributes sent with the event, JSON object.'),
    c('items', 'string', 'Items, JSON array.'),
    c('request_id', 'string', 'Ingest request that carried the event.'),
    c('browser', 'string', 'Browser parsed from the user agent (web), e.g. Chrome, Mobile Safari, Edge.'),
    c('browser_version', 'string', 'Browser version parsed from the user agent.'),
    c('os', 'string', 'Operating system parsed from the user agent, else as reported by the SDK (os_name).'),
    c('device_category', 'string', 'desktop, mobile, tablet, smarttv, console, wearable or embedded; null when unknown.'),
    c('device_vendor', 'string', 'Device vendor from the user agent, else the SDK make.'),
    c('device_model', 'string', 'Device model from the user agent, else the SDK model.'),
    c('country', 'string', 'ISO 3166-1 alpha-2 country of client_ip (DB-IP Lite); null for private or unknown addresses.'),
    c('continent', 'string', 'Continent code of the country (AF, AN, AS, EU, NA, OC, SA).'),
    c('is_bot', 'boolean', 'The web user agent is a known bot, crawler or headless browser (flagged, not dropped).'),
    c('traffic_source_source', 'string', 'Traffic source: utm_source, the click id platform, the referring site, or (direct).'),
    c('traffic_source_medium', 'string', 'Traffic medium: utm_medium, cpc for ad click ids, organic/referral from the referrer, or (none).'),
    c('traffic_source_campaign', 'string', 'Campaign (utm_campaign).'),
    c('traffic_source_campaign_id', 'string', 'Campaign id (utm_id).'),
    c('traffic_source_content', 'string', 'Ad content (utm_content).'),
    c('traffic_source_term', 'string', 'Search term (utm_term).'),
    c('traffic_source_clid', 'string', 'Ad click id (gclid, fbclid, msclkid, ttclid, …).'),
    c('traffic_source_clid_platform', 'string', 'Which click id parameter clid came from, e.g. gclid.'),
    c('channel_group', 'string', 'Default channel group (ordered rules over source, medium and campaign), e.g. Organic Search.'),
    c('truncated', 'boolean', 'Some attribute, user attribute or item value was longer than its limit and was cut.'),
    // Added by model-redshift migration 003 (appended: Redshift's COPY from Parquet maps by position).
    c('region', 'string', 'Region (state or province) of client_ip, e.g. California (DB-IP Lite); null for private or unknown addresses.'),
    c('city', 'string', 'City of client_ip, e.g. Mountain View (DB-IP Lite); null for private or unknown addresses.'),
    c('screen_width', 'int', 'Screen width in pixels as the SDK reports it (screen_width); null when absent or not a whole number of pixels.'),
    c('screen_height', 'int', 'Screen height in pixels as the SDK reports it (screen_height); null when absent or not a whole number of pixels.'),
  ],
};

export const SessionsTable: TableSpec = {
  name: 'sessions',
  description:
    "One row per session and processing run, partitioned by the UTC day of session_start. A session spanning runs has a partial row per run; the view sessions_merged combines them by (app_id, session_id).",
  partitionKeys,
  columns: [
    c('session_id', 'string', 'The SDK session id (_session_id), or one made by processing (srv-…) for events without it.'),
    c('user_pseudo_id', 'string', 'User of the session (unique_id, else device_id for server-made sessions).'),
    c('user_id', 'string', 'Latest login id seen in the session.'),
    c('session_number', 'int', "The SDK's session counter for this user (_session_number); null for server-made sessions."),
    c('is_server_session', 'boolean', 'The session was made by processing (inactivity timeout), not by the SDK.'),
    c('session_start', 'timestamp', 'First event of the session in this row, UTC.'),
    c('session_end', 'timestamp', 'Last event of the session in this row, UTC.'),
    c('duration_ms', 'bigint', 'session_end − session_start, ms.'),
    c('entry_page', 'string', 'page_url (or screen_name) of the first page or screen view.'),
    c('exit_page', 'string', 'page_url (or screen_name) of the last page or screen view.'),
    c('page_view_count', 'int', 'Page and screen views (_page_view, _screen_view).'),
    c('event_count', 'int', 'Events.'),
    c('engagement_time_msec', 'bigint', 'Sum of _engagement_time_msec.'),
    c('is_bounce', 'boolean', 'At most one page or screen view and under 10 s of engagement.'),
    c('traffic_source_source', 'string', 'Source of the first event.'),
    c('traffic_source_medium', 'string', 'Medium of the first event.'),
    c('traffic_source_campaign', 'string', 'Campaign of the first event.'),
    c('channel_group', 'string', 'Channel group of the first event.'),
    c('country', 'string', 'Country of the first event.'),
    c('device_category', 'string', 'Device category of the first event.'),
    c('browser', 'string', 'Browser of the first event.'),
    c('os', 'string', 'Operating system of the first event.'),
    c('platform', 'string', 'Platform of the first event.'),
    c('region', 'string', 'Region of the first event.'),
    c('city', 'string', 'City of the first event.'),
  ],
};

export const UsersTable: TableSpec = {
  name: 'users',
  description:
    'One row per user (user_pseudo_id) and processing run, partitioned by the UTC day of last_seen. The view users_merged combines the runs: first touch from the earliest row, latest state from the newest.',
  partitionKeys,
  columns: [
    c('user_pseudo_id', 'string', 'The SDK user key (unique_id).'),
    c('user_id', 'string', 'Latest login id seen.'),
    c('first_touch_timestamp', 'timestamp', 'Earliest of the first event in the run and the SDK _user_first_touch_timestamp, UTC.'),
    c('first_traffic_source_source', 'string', 'Source of the earliest event.'),
    c('first_traffic_source_medium', 'string', 'Medium of the earliest event.'),
    c('first_traffic_source_campaign', 'string', 'Campaign of the earliest event.'),
    c('first_channel_group', 'string', 'Channel group of the earliest event.'),
    c('first_country', 'string', 'Country of the earliest event.'),
    c('first_device_category', 'string', 'Device category of the earliest event.'),
    c('first_platform', 'string', 'Platform of the earliest event.'),
    c('user_attributes', 'string', 'Latest value of every user attribute seen, JSON object.'),
    c('event_count', 'int', 'Events of the user in the run.'),
    c('last_seen', 'timestamp', 'Latest event, UTC.'),
    c('first_region', 'string', 'Region of the earliest event.'),
    c('first_city', 'string', 'City of the earliest event.'),
  ],
};

export const ItemsTable: TableSpec = {
  name: 'items',
  description: 'One row per item of an event, partitioned like its event.',
  partitionKeys,
  columns: [
    c('event_id', 'string', 'Event the item belongs to.'),
    c('event_type', 'string', 'Type of that event, e.g. add_to_cart.'),
    c('event_timestamp', 'timestamp', 'Time of that event, UTC.'),
    c('user_pseudo_id', 'string', 'User of that event.'),
    c('session_id', 'string', 'Session of that event.'),
    c('item_index', 'int', 'Position of the item in the event (0-based).'),
    c('item_id', 'string', 'Item id.'),
    c('item_name', 'string', 'Item name.'),
    c('item_brand', 'string', 'Item brand.'),
    c('item_category', 'string', 'Item category.'),
    c('item_category2', 'string', 'Second-level category.'),
    c('item_category3', 'string', 'Third-level category.'),
    c('item_category4', 'string', 'Fourth-level category.'),
    c('item_category5', 'string', 'Fifth-level category.'),
    c('price', 'double', 'Unit price.'),
    c('quantity', 'double', 'Quantity.'),
    c('currency', 'string', "Item currency, else the event's _currency."),
    c('location_id', 'string', 'Location id.'),
    c('creative_name', 'string', 'Creative name.'),
    c('creative_slot', 'string', 'Creative slot.'),
    c('item_attributes', 'string', 'Other item fields, JSON object.'),
  ],
};

export const BadRowsTable: TableSpec = {
  name: 'bad_rows',
  description: 'Everything processing could not accept, with the reason: nothing is dropped silently.',
  partitionKeys,
  columns: [
    c('request_id', 'string', 'Ingest request the row came from.'),
    c('ingest_timestamp', 'timestamp', 'When ingest accepted the request, UTC; also the partition time.'),
    c('reason_code', 'string', 'Stable reason code, e.g. INVALID_JSON, INVALID_EVENT, APP_ID_MISMATCH, LATE_EVENT, EXPIRED_EVENT.'),
    c('reason', 'string', 'Human explanation of what was wrong.'),
    c('event_id', 'string', 'The event id, when one could be read.'),
    c('raw', 'string', 'The offending text, verbatim (truncated to 64 KiB).'),
  ],
};

export const WarehouseTables = {
  events: EventsTable,
  sessions: SessionsTable,
  users: UsersTable,
  items: ItemsTable,
  bad_rows: BadRowsTable,
} as const;

export const DuckDbType: Record<ColumnType, string> = {
  string: 'VARCHAR',
  bigint: 'BIGINT',
  int: 'INTEGER',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
};

/** A row of the `events` table (see EventsTable in @clickstream/contracts and docs/DATA_MODEL.md). */
export interface EventRow {
  event_id: string;
  event_type: string;
  event_timestamp: string;
  client_timestamp: number;
  ingest_timestamp: string;
  app_id: string;
  year: number;
  month: number;
  day: number;
  platform: string | null;
  user_pseudo_id: string | null;
  user_id: string | null;
  device_id: string | null;
  session_id: string | null;
  page_url: string | null;
  page_title: string | null;
  page_referrer: string | null;
  screen_name: string | null;
  locale: string | null;
  os_name: string | null;
  os_version: string | null;
  make: string | null;
  model: string | null;
  app_version: string | null;
  sdk_name: string | null;
  sdk_version: string | null;
  client_ip: string | null;
  user_agent: string | null;
  attributes: string;
  user_attributes: string;
  items: string;
  request_id: string;
  browser: string | null;
  browser_version: string | null;
  os: string | null;
  device_category: string | null;
  device_vendor: string | null;
  device_model: string | null;
  country: string | null;
  continent: string | null;
  is_bot: boolean;
  traffic_source_source: string | null;
  traffic_source_medium: string | null;
  traffic_source_campaign: string | null;
  traffic_source_campaign_id: string | null;
  traffic_source_content: string | null;
  traffic_source_term: string | null;
  traffic_source_clid: string | null;
  traffic_source_clid_platform: string | null;
  channel_group: string | null;
  truncated: boolean;
  region: string | null;
  city: string | null;
  screen_width: number | null;
  screen_height: number | null;
}

interface PartitionColumns {
  app_id: string;
  year: number;
  month: number;
  day: number;
}

/** A row of the `sessions` table: one session as far as this run saw it. */
export interface SessionRow extends PartitionColumns {
  session_id: string;
  user_pseudo_id: string | null;
  user_id: string | null;
  session_number: number | null;
  is_server_session: boolean;
  session_start: string;
  session_end: string;
  duration_ms: number;
  entry_page: string | null;
  exit_page: string | null;
  page_view_count: number;
  event_count: number;
  engagement_time_msec: number;
  is_bounce: boolean;
  traffic_source_source: string | null;
  traffic_source_medium: string | null;
  traffic_source_campaign: string | null;
  channel_group: string | null;
  country: string | null;
  device_category: string | null;
  browser: string | null;
  os: string | null;
  platform: string | null;
  region: string | null;
  city: string | null;
}

/** A row of the `users` table: one user as far as this run saw them. */
export interface UserRow extends PartitionColumns {
  user_pseudo_id: string;
  user_id: string | null;
  first_touch_timestamp: string;
  first_traffic_source_source: string | null;
  first_traffic_source_medium: string | null;
  first_traffic_source_campaign: string | null;
  first_channel_group: string | null;
  first_country: string | null;
  first_device_category: string | null;
  first_platform: string | null;
  user_attributes: string;
  event_count: number;
  last_seen: string;
  first_region: string | null;
  first_city: string | null;
}

/** A row of the `items` table: one item of one event. */
export interface ItemRow extends PartitionColumns {
  event_id: string;
  event_type: string;
  event_timestamp: string;
  user_pseudo_id: string | null;
  session_id: string | null;
  item_index: number;
  item_id: string | null;
  item_name: string | null;
  item_brand: string | null;
  item_category: string | null;
  item_category2: string | null;
  item_category3: string | null;
  item_category4: string | null;
  item_category5: string | null;
  price: number | null;
  quantity: number | null;
  currency: string | null;
  location_id: string | null;
  creative_name: string | null;
  creative_slot: string | null;
  item_attributes: string;
}

/** A row of the `bad_rows` table: what could not be accepted, and why. */
export interface BadRow {
  request_id: string;
  ingest_timestamp: string;
  app_id: string;
  year: number;
  month: number;
  day: number;
  reason_code: BadRowReason;
  reason: string;
  event_id: string | null;
  raw: string;
}

export type BadRowReason =
  | 'INVALID_ENVELOPE'
  | 'INVALID_JSON'
  | 'NOT_AN_EVENT'
  | 'INVALID_EVENT'
  | 'APP_ID_MISMATCH'
  | 'LATE_EVENT'
  | 'FUTURE_EVENT'
  | 'EXPIRED_EVENT'
  | 'PLUGIN_REJECTED';

export interface TableRows {
  events: EventRow[];
  sessions: SessionRow[];
  users: UserRow[];
  items: ItemRow[];
  bad_rows: BadRow[];
}

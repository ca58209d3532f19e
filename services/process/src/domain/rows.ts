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
  | 'FUTURE_EVENT';

export interface TableRows {
  events: EventRow[];
  bad_rows: BadRow[];
}

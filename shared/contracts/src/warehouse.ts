import type { TableName } from './common.js';

/**
 * The warehouse tables, column by column: a data contract between the process service (writes the
 * Parquet), the model services (declare Glue / Redshift / DuckDB tables over it) and console-api
 * (queries it). Types are neutral and mapped to each engine's names by `columnType`.
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
  ],
};

export const BadRowsTable: TableSpec = {
  name: 'bad_rows',
  description: 'Everything processing could not accept, with the reason: nothing is dropped silently.',
  partitionKeys,
  columns: [
    c('request_id', 'string', 'Ingest request the row came from.'),
    c('ingest_timestamp', 'timestamp', 'When ingest accepted the request, UTC; also the partition time.'),
    c('reason_code', 'string', 'Stable reason code, e.g. INVALID_JSON, INVALID_EVENT, APP_ID_MISMATCH.'),
    c('reason', 'string', 'Human explanation of what was wrong.'),
    c('event_id', 'string', 'The event id, when one could be read.'),
    c('raw', 'string', 'The offending text, verbatim (truncated to 64 KiB).'),
  ],
};

export const WarehouseTables = { events: EventsTable, bad_rows: BadRowsTable } as const;

export const DuckDbType: Record<ColumnType, string> = {
  string: 'VARCHAR',
  bigint: 'BIGINT',
  int: 'INTEGER',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMP',
};

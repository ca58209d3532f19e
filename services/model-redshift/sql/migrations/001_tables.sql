-- The Redshift tables, column for column the warehouse contract (shared/contracts/src/warehouse.ts),
-- plus `source_file` (the Parquet file a row came from: reloading a file replaces its rows instead
-- of adding them) and `loaded_at`. events, items and bad_rows hold rows as processed; sessions and
-- users are kept merged per key (one row per session / user) from their per-run parts.
-- Written in Redshift's dialect; the embedded DuckDB stand-in gets it through the dialect layer.

CREATE TABLE IF NOT EXISTS events (
  {{events.column_defs}},
  source_file VARCHAR(1024) NOT NULL,
  loaded_at TIMESTAMP NOT NULL
) DISTSTYLE AUTO SORTKEY (app_id, event_timestamp);

CREATE TABLE IF NOT EXISTS items (
  {{items.column_defs}},
  source_file VARCHAR(1024) NOT NULL,
  loaded_at TIMESTAMP NOT NULL
) DISTSTYLE AUTO SORTKEY (app_id, event_timestamp);

CREATE TABLE IF NOT EXISTS bad_rows (
  {{bad_rows.column_defs}},
  source_file VARCHAR(1024) NOT NULL,
  loaded_at TIMESTAMP NOT NULL
) DISTSTYLE AUTO SORTKEY (app_id, ingest_timestamp);

-- The partial rows each processing run writes, as they come; sessions / users are recomputed from
-- them for every key a load touches.
CREATE TABLE IF NOT EXISTS sessions_parts (
  {{sessions.column_defs}},
  source_file VARCHAR(1024) NOT NULL,
  loaded_at TIMESTAMP NOT NULL
) DISTSTYLE AUTO SORTKEY (app_id, session_id);

CREATE TABLE IF NOT EXISTS users_parts (
  {{users.column_defs}},
  source_file VARCHAR(1024) NOT NULL,
  loaded_at TIMESTAMP NOT NULL
) DISTSTYLE AUTO SORTKEY (app_id, user_pseudo_id);

-- One row per (app_id, session_id): the same combination as model-athena's sessions_merged view.
CREATE TABLE IF NOT EXISTS sessions (
  app_id VARCHAR(65535) NOT NULL,
  {{sessions.file_column_defs}},
  partial_rows BIGINT NOT NULL,
  loaded_at TIMESTAMP NOT NULL
) DISTSTYLE AUTO SORTKEY (app_id, session_start);

-- One row per (app_id, user_pseudo_id): the same combination as model-athena's users_merged view.
CREATE TABLE IF NOT EXISTS users (
  app_id VARCHAR(65535) NOT NULL,
  {{users.file_column_defs}},
  partial_rows BIGINT NOT NULL,
  loaded_at TIMESTAMP NOT NULL
) DISTSTYLE AUTO SORTKEY (app_id, user_pseudo_id);

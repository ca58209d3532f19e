-- Staging, two tables per warehouse table. COPY from Parquet needs a table whose columns are exactly
-- the file's, in order (`<table>_raw`); each file's rows then move to `stage_<table>` tagged with
-- the file and its partition (the Parquet files do not contain the partition keys). Only the
-- load holding a table's lease writes its staging tables, so loads never conflict on them.

CREATE TABLE IF NOT EXISTS stage_events_raw ({{events.file_column_defs}});
CREATE TABLE IF NOT EXISTS stage_events ({{events.column_defs}}, source_file VARCHAR(1024) NOT NULL);

CREATE TABLE IF NOT EXISTS stage_items_raw ({{items.file_column_defs}});
CREATE TABLE IF NOT EXISTS stage_items ({{items.column_defs}}, source_file VARCHAR(1024) NOT NULL);

CREATE TABLE IF NOT EXISTS stage_bad_rows_raw ({{bad_rows.file_column_defs}});
CREATE TABLE IF NOT EXISTS stage_bad_rows ({{bad_rows.column_defs}}, source_file VARCHAR(1024) NOT NULL);

CREATE TABLE IF NOT EXISTS stage_sessions_raw ({{sessions.file_column_defs}});
CREATE TABLE IF NOT EXISTS stage_sessions ({{sessions.column_defs}}, source_file VARCHAR(1024) NOT NULL);

CREATE TABLE IF NOT EXISTS stage_users_raw ({{users.file_column_defs}});
CREATE TABLE IF NOT EXISTS stage_users ({{users.column_defs}}, source_file VARCHAR(1024) NOT NULL);

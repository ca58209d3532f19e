-- The contract's new columns: region and city of the client IP (events, sessions; first_region and
-- first_city on users) and the screen size the SDKs report (events). ADD COLUMN appends, so the
-- `stage_<table>_raw` tables keep the column order of the Parquet files (the contract appends
-- them too), which COPY from Parquet requires. Files written before processing had the columns
-- have fewer of them and no longer COPY: reprocess their days (see the README's runbook).
-- Written out rather than rendered: migrations 001/002 render the contract without these
-- (src/domain/schema-history.ts), so fresh and upgraded databases end with the same tables.

ALTER TABLE events ADD COLUMN region VARCHAR(65535);
ALTER TABLE events ADD COLUMN city VARCHAR(65535);
ALTER TABLE events ADD COLUMN screen_width INTEGER;
ALTER TABLE events ADD COLUMN screen_height INTEGER;
ALTER TABLE stage_events_raw ADD COLUMN region VARCHAR(65535);
ALTER TABLE stage_events_raw ADD COLUMN city VARCHAR(65535);
ALTER TABLE stage_events_raw ADD COLUMN screen_width INTEGER;
ALTER TABLE stage_events_raw ADD COLUMN screen_height INTEGER;
ALTER TABLE stage_events ADD COLUMN region VARCHAR(65535);
ALTER TABLE stage_events ADD COLUMN city VARCHAR(65535);
ALTER TABLE stage_events ADD COLUMN screen_width INTEGER;
ALTER TABLE stage_events ADD COLUMN screen_height INTEGER;

ALTER TABLE sessions_parts ADD COLUMN region VARCHAR(65535);
ALTER TABLE sessions_parts ADD COLUMN city VARCHAR(65535);
ALTER TABLE sessions ADD COLUMN region VARCHAR(65535);
ALTER TABLE sessions ADD COLUMN city VARCHAR(65535);
ALTER TABLE stage_sessions_raw ADD COLUMN region VARCHAR(65535);
ALTER TABLE stage_sessions_raw ADD COLUMN city VARCHAR(65535);
ALTER TABLE stage_sessions ADD COLUMN region VARCHAR(65535);
ALTER TABLE stage_sessions ADD COLUMN city VARCHAR(65535);

ALTER TABLE users_parts ADD COLUMN first_region VARCHAR(65535);
ALTER TABLE users_parts ADD COLUMN first_city VARCHAR(65535);
ALTER TABLE users ADD COLUMN first_region VARCHAR(65535);
ALTER TABLE users ADD COLUMN first_city VARCHAR(65535);
ALTER TABLE stage_users_raw ADD COLUMN first_region VARCHAR(65535);
ALTER TABLE stage_users_raw ADD COLUMN first_city VARCHAR(65535);
ALTER TABLE stage_users ADD COLUMN first_region VARCHAR(65535);
ALTER TABLE stage_users ADD COLUMN first_city VARCHAR(65535);

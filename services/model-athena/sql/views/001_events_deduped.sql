-- Events with replays and SDK retries removed: one row per (app_id, event_id), the first ingested.
CREATE OR REPLACE VIEW events_deduped AS
SELECT {{events.columns}}
FROM (
  SELECT e.*, row_number() OVER (PARTITION BY app_id, event_id ORDER BY ingest_timestamp, request_id) AS dedupe_rank
  FROM events e
) ranked
WHERE dedupe_rank = 1

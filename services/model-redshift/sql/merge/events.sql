-- events: dedupe on (app_id, event_id). Within the batch the first ingested copy wins (as in
-- model-athena's events_deduped); a copy already in the table wins over any new one, so replays
-- and SDK retries add nothing. Runs as one transaction (one BatchExecuteStatement).
CREATE TEMP TABLE merge_events AS
SELECT {{events.columns}}, source_file
FROM (
  SELECT s.*, row_number() OVER (PARTITION BY app_id, event_id ORDER BY ingest_timestamp, request_id, source_file) AS dedupe_rank
  FROM stage_events s
) ranked
WHERE dedupe_rank = 1;

DELETE FROM merge_events USING events
WHERE events.app_id = merge_events.app_id AND events.event_id = merge_events.event_id;

INSERT INTO events ({{events.columns}}, source_file, loaded_at)
SELECT {{events.columns}}, source_file, GETDATE() FROM merge_events;

DELETE FROM stage_events;

DROP TABLE merge_events;

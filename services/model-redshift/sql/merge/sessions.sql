-- sessions: a file's partial rows replace what that file loaded before (sessions_parts), then every
-- session the batch touched is recomputed from all its parts and upserted by (app_id, session_id).
-- The combination is model-athena's sessions_merged, so both paths agree.
DELETE FROM sessions_parts WHERE source_file IN (SELECT DISTINCT source_file FROM stage_sessions);

INSERT INTO sessions_parts ({{sessions.columns}}, source_file, loaded_at)
SELECT {{sessions.columns}}, source_file, GETDATE() FROM stage_sessions;

CREATE TEMP TABLE merge_sessions AS
SELECT app_id,
       session_id,
       max(CASE WHEN start_rank = 1 THEN user_pseudo_id END) AS user_pseudo_id,
       max(CASE WHEN user_rank = 1 THEN user_id END) AS user_id,
       min(session_number) AS session_number,
       bool_or(is_server_session) AS is_server_session,
       min(session_start) AS session_start,
       max(session_end) AS session_end,
       DATEDIFF(millisecond, min(session_start), max(session_end)) AS duration_ms,
       max(CASE WHEN entry_rank = 1 THEN entry_page END) AS entry_page,
       max(CASE WHEN exit_rank = 1 THEN exit_page END) AS exit_page,
       sum(page_view_count) AS page_view_count,
       sum(event_count) AS event_count,
       sum(engagement_time_msec) AS engagement_time_msec,
       (sum(page_view_count) <= 1 AND sum(engagement_time_msec) < 10000) AS is_bounce,
       max(CASE WHEN start_rank = 1 THEN traffic_source_source END) AS traffic_source_source,
       max(CASE WHEN start_rank = 1 THEN traffic_source_medium END) AS traffic_source_medium,
       max(CASE WHEN start_rank = 1 THEN traffic_source_campaign END) AS traffic_source_campaign,
       max(CASE WHEN start_rank = 1 THEN channel_group END) AS channel_group,
       max(CASE WHEN start_rank = 1 THEN country END) AS country,
       max(CASE WHEN start_rank = 1 THEN device_category END) AS device_category,
       max(CASE WHEN start_rank = 1 THEN browser END) AS browser,
       max(CASE WHEN start_rank = 1 THEN os END) AS os,
       max(CASE WHEN start_rank = 1 THEN platform END) AS platform,
       max(CASE WHEN start_rank = 1 THEN region END) AS region,
       max(CASE WHEN start_rank = 1 THEN city END) AS city,
       count(*) AS partial_rows
FROM (
  SELECT p.*,
         row_number() OVER (PARTITION BY p.app_id, p.session_id ORDER BY p.session_start, p.session_end, p.source_file) AS start_rank,
         row_number() OVER (PARTITION BY p.app_id, p.session_id
                            ORDER BY CASE WHEN p.entry_page IS NULL THEN 1 ELSE 0 END, p.session_start, p.source_file) AS entry_rank,
         row_number() OVER (PARTITION BY p.app_id, p.session_id
                            ORDER BY CASE WHEN p.exit_page IS NULL THEN 1 ELSE 0 END, p.session_end DESC, p.source_file) AS exit_rank,
         row_number() OVER (PARTITION BY p.app_id, p.session_id
                            ORDER BY CASE WHEN p.user_id IS NULL THEN 1 ELSE 0 END, p.session_end DESC, p.source_file) AS user_rank
  FROM sessions_parts p
  JOIN (SELECT DISTINCT app_id, session_id FROM stage_sessions) touched
    ON p.app_id = touched.app_id AND p.session_id = touched.session_id
) ranked
GROUP BY app_id, session_id;

MERGE INTO sessions USING merge_sessions
ON sessions.app_id = merge_sessions.app_id AND sessions.session_id = merge_sessions.session_id
WHEN MATCHED THEN UPDATE SET {{sessions.file_set:merge_sessions}}, partial_rows = merge_sessions.partial_rows, loaded_at = GETDATE()
WHEN NOT MATCHED THEN INSERT (app_id, {{sessions.file_columns}}, partial_rows, loaded_at)
VALUES (merge_sessions.app_id, {{sessions.file_columns:merge_sessions}}, merge_sessions.partial_rows, GETDATE());

DELETE FROM stage_sessions;

DROP TABLE merge_sessions;

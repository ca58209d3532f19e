-- Sessions across processing runs: each run writes a partial row for every session it saw, so a
-- session still going at the end of a run has several; this combines them per (app_id, session_id).
-- Values "of the session start" come from the earliest row, "latest" ones from the newest; the
-- ranking picks them the same way in Athena (Trino) and DuckDB, whatever their null handling.
CREATE OR REPLACE VIEW sessions_merged AS
WITH ranked AS (
  SELECT s.*,
         row_number() OVER (PARTITION BY app_id, session_id ORDER BY session_start, session_end) AS start_rank,
         row_number() OVER (PARTITION BY app_id, session_id
                            ORDER BY CASE WHEN entry_page IS NULL THEN 1 ELSE 0 END, session_start) AS entry_rank,
         row_number() OVER (PARTITION BY app_id, session_id
                            ORDER BY CASE WHEN exit_page IS NULL THEN 1 ELSE 0 END, session_end DESC) AS exit_rank,
         row_number() OVER (PARTITION BY app_id, session_id
                            ORDER BY CASE WHEN user_id IS NULL THEN 1 ELSE 0 END, session_end DESC) AS user_rank
  FROM sessions s
)
SELECT app_id,
       session_id,
       max(CASE WHEN start_rank = 1 THEN user_pseudo_id END) AS user_pseudo_id,
       max(CASE WHEN user_rank = 1 THEN user_id END) AS user_id,
       min(session_number) AS session_number,
       bool_or(is_server_session) AS is_server_session,
       min(session_start) AS session_start,
       max(session_end) AS session_end,
       date_diff('millisecond', min(session_start), max(session_end)) AS duration_ms,
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
FROM ranked
GROUP BY app_id, session_id

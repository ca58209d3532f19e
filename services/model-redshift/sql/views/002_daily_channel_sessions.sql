-- Sessions per app, UTC day and channel group, with bounce and engagement: acquisition reports.
CREATE OR REPLACE VIEW daily_channel_sessions AS
SELECT app_id,
       CAST(session_start AS DATE) AS session_date,
       channel_group,
       count(*) AS sessions,
       sum(CASE WHEN is_bounce THEN 1 ELSE 0 END) AS bounces,
       sum(page_view_count) AS page_views,
       sum(engagement_time_msec) AS engagement_time_msec
FROM sessions
GROUP BY app_id, CAST(session_start AS DATE), channel_group;

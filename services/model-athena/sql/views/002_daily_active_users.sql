-- Daily active users per app (UTC days), from deduplicated events.
CREATE OR REPLACE VIEW daily_active_users AS
SELECT app_id,
       CAST(event_timestamp AS DATE) AS activity_date,
       count(DISTINCT user_pseudo_id) AS active_users,
       count(*) AS events
FROM events_deduped
GROUP BY app_id, CAST(event_timestamp AS DATE)

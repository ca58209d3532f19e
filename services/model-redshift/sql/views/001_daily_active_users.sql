-- Users and events per app and UTC day: the dashboards' headline numbers, straight from events
-- (already deduplicated on load).
CREATE OR REPLACE VIEW daily_active_users AS
SELECT app_id,
       CAST(event_timestamp AS DATE) AS event_date,
       count(DISTINCT user_pseudo_id) AS active_users,
       count(*) AS events
FROM events
GROUP BY app_id, CAST(event_timestamp AS DATE);

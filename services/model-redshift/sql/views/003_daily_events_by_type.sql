-- Events per app, UTC day and event type: the event explorer's overview.
CREATE OR REPLACE VIEW daily_events_by_type AS
SELECT app_id,
       CAST(event_timestamp AS DATE) AS event_date,
       event_type,
       count(*) AS events,
       count(DISTINCT user_pseudo_id) AS users
FROM events
GROUP BY app_id, CAST(event_timestamp AS DATE), event_type;

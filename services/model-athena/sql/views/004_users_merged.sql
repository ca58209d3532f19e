-- Users across processing runs: each run writes a row for every user it saw. First touch is the
-- earliest row's (the earliest event ever processed, or the SDK's first-touch time); user_id and
-- user attributes are the newest row's. Same SQL in Athena (Trino) and DuckDB.
CREATE OR REPLACE VIEW users_merged AS
WITH ranked AS (
  SELECT u.*,
         row_number() OVER (PARTITION BY app_id, user_pseudo_id ORDER BY first_touch_timestamp, last_seen) AS first_rank,
         row_number() OVER (PARTITION BY app_id, user_pseudo_id ORDER BY last_seen DESC, first_touch_timestamp DESC) AS latest_rank,
         row_number() OVER (PARTITION BY app_id, user_pseudo_id
                            ORDER BY CASE WHEN user_id IS NULL THEN 1 ELSE 0 END, last_seen DESC) AS user_rank
  FROM users u
)
SELECT app_id,
       user_pseudo_id,
       max(CASE WHEN user_rank = 1 THEN user_id END) AS user_id,
       min(first_touch_timestamp) AS first_touch_timestamp,
       max(CASE WHEN first_rank = 1 THEN first_traffic_source_source END) AS first_traffic_source_source,
       max(CASE WHEN first_rank = 1 THEN first_traffic_source_medium END) AS first_traffic_source_medium,
       max(CASE WHEN first_rank = 1 THEN first_traffic_source_campaign END) AS first_traffic_source_campaign,
       max(CASE WHEN first_rank = 1 THEN first_channel_group END) AS first_channel_group,
       max(CASE WHEN first_rank = 1 THEN first_country END) AS first_country,
       max(CASE WHEN first_rank = 1 THEN first_device_category END) AS first_device_category,
       max(CASE WHEN first_rank = 1 THEN first_platform END) AS first_platform,
       max(CASE WHEN latest_rank = 1 THEN user_attributes END) AS user_attributes,
       sum(event_count) AS event_count,
       max(last_seen) AS last_seen,
       max(CASE WHEN first_rank = 1 THEN first_region END) AS first_region,
       max(CASE WHEN first_rank = 1 THEN first_city END) AS first_city
FROM ranked
GROUP BY app_id, user_pseudo_id

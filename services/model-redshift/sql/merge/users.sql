-- users: like sessions — parts replaced per file, then every touched user recomputed from all its
-- parts (model-athena's users_merged) and upserted by (app_id, user_pseudo_id).
DELETE FROM users_parts WHERE source_file IN (SELECT DISTINCT source_file FROM stage_users);

INSERT INTO users_parts ({{users.columns}}, source_file, loaded_at)
SELECT {{users.columns}}, source_file, GETDATE() FROM stage_users;

CREATE TEMP TABLE merge_users AS
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
       max(CASE WHEN first_rank = 1 THEN first_city END) AS first_city,
       count(*) AS partial_rows
FROM (
  SELECT p.*,
         row_number() OVER (PARTITION BY p.app_id, p.user_pseudo_id ORDER BY p.first_touch_timestamp, p.last_seen, p.source_file) AS first_rank,
         row_number() OVER (PARTITION BY p.app_id, p.user_pseudo_id
                            ORDER BY p.last_seen DESC, p.first_touch_timestamp DESC, p.source_file) AS latest_rank,
         row_number() OVER (PARTITION BY p.app_id, p.user_pseudo_id
                            ORDER BY CASE WHEN p.user_id IS NULL THEN 1 ELSE 0 END, p.last_seen DESC, p.source_file) AS user_rank
  FROM users_parts p
  JOIN (SELECT DISTINCT app_id, user_pseudo_id FROM stage_users) touched
    ON p.app_id = touched.app_id AND p.user_pseudo_id = touched.user_pseudo_id
) ranked
GROUP BY app_id, user_pseudo_id;

MERGE INTO users USING merge_users
ON users.app_id = merge_users.app_id AND users.user_pseudo_id = merge_users.user_pseudo_id
WHEN MATCHED THEN UPDATE SET {{users.file_set:merge_users}}, partial_rows = merge_users.partial_rows, loaded_at = GETDATE()
WHEN NOT MATCHED THEN INSERT (app_id, {{users.file_columns}}, partial_rows, loaded_at)
VALUES (merge_users.app_id, {{users.file_columns:merge_users}}, merge_users.partial_rows, GETDATE());

DELETE FROM stage_users;

DROP TABLE merge_users;

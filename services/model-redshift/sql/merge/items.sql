-- items: upsert by (app_id, event_id, item_index). MERGE needs one source row per key.
CREATE TEMP TABLE merge_items AS
SELECT {{items.columns}}, source_file
FROM (
  SELECT s.*, row_number() OVER (PARTITION BY app_id, event_id, item_index ORDER BY event_timestamp, source_file) AS dedupe_rank
  FROM stage_items s
) ranked
WHERE dedupe_rank = 1;

MERGE INTO items USING merge_items
ON items.app_id = merge_items.app_id AND items.event_id = merge_items.event_id AND items.item_index = merge_items.item_index
WHEN MATCHED THEN UPDATE SET {{items.set:merge_items}}, source_file = merge_items.source_file, loaded_at = GETDATE()
WHEN NOT MATCHED THEN INSERT ({{items.columns}}, source_file, loaded_at)
VALUES ({{items.columns:merge_items}}, merge_items.source_file, GETDATE());

DELETE FROM stage_items;

DROP TABLE merge_items;

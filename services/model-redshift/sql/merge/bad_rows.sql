-- bad_rows have no natural key: a file's rows replace whatever that file loaded before.
DELETE FROM bad_rows WHERE source_file IN (SELECT DISTINCT source_file FROM stage_bad_rows);

INSERT INTO bad_rows ({{bad_rows.columns}}, source_file, loaded_at)
SELECT {{bad_rows.columns}}, source_file, GETDATE() FROM stage_bad_rows;

DELETE FROM stage_bad_rows;

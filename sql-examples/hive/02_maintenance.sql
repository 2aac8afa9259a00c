-- Dredge's maintenance in HiveQL, in the demo's HiveServer2:  bin/dredge-hive -f sql-examples/hive/02_maintenance.sql
-- Each function runs the same protocol, journal and lock as Trino's CALL dredge.system.*, with Hive rewriting the data
-- (HiveServer2 runs Dredge's statements as the calling user). Each returns the operations it recorded, with the columns
-- of dredge_operations. Run it once, on a fresh demo, after 01_hooks_and_functions.sql (which writes demo.hive_clicks).

-- What a compaction would do, without doing it:
SELECT operation_id, state, step FROM (SELECT dredge_compact_table('demo', 'hive_clicks', map('dry_run', 'true'))) r;

-- Compact, verified by row count and row checksum (the default) or by row count ('verify', 'count'). The options are
-- the Trino procedure's arguments by name; a text inside an option is in double quotes (HiveQL has no '' escape).
SELECT operation_id, state, files_before, files_after, step
FROM (SELECT dredge_compact_table('demo', 'hive_clicks', map('partition_filter', "day >= '2024-01-01'", 'target_file_size', '128MB'))) r;

-- The same rows, now in fewer files; Trino reads them too.
SELECT day, count(*) FROM demo.hive_clicks GROUP BY day;

-- Undo it: back to exactly the files the table had before (or name an operation: its id as a third argument).
SELECT operation_id, kind, state, step FROM (SELECT dredge_rollback_compaction('demo', 'hive_clicks')) r;

-- Compact again, and delete the originals a compaction keeps for its rollback once they are older than a retention
-- ('7d' by default; '0s' here, so the compaction can no longer be rolled back).
SELECT operation_id, state, step FROM (SELECT dredge_compact_table('demo', 'hive_clicks')) r;
SELECT operation_id, kind, state, step FROM (SELECT dredge_cleanup('demo', 'hive_clicks', '0s')) r;

-- After a crash (of HiveServer2, or of Trino's coordinator) mid-operation, either engine finishes or undoes it; here
-- nothing is unfinished, and the function says so.
SELECT kind, state, step FROM (SELECT dredge_recover('demo', 'hive_clicks')) r;

-- Back the table up into the repository both engines share (dredge.backup-location), and restore it as a new table,
-- its files checked against the backup and its rows counted by Hive. Either engine restores what the other backed up.
-- rows, files and partitions are HiveQL keywords: quote them with backticks.
SELECT backup_name, state, `files`, `rows` FROM (SELECT dredge_backup_table('demo', 'hive_clicks', 'hive_clicks_bk')) b;
SELECT table_name, `rows` FROM (SELECT dredge_restore_table('hive_clicks_bk', 'demo', 'hive_clicks_restored')) r;
SELECT day, count(*) FROM demo.hive_clicks_restored GROUP BY day;

-- Files of the table's location that nothing reads (failed writes' leftovers, dropped partitions' directories), last
-- written more than three days ago: listed, then moved to the quarantine; dredge_restore_orphan_files('<operation id>')
-- puts them back.
SELECT operation_id, state, step FROM (SELECT dredge_remove_orphan_files('demo', 'hive_clicks', map('dry_run', 'true'))) r;
SELECT operation_id, state, step FROM (SELECT dredge_remove_orphan_files('demo', 'hive_clicks')) r;

-- What dredge_table_health would fix in every Hive table of the schema (compaction, then orphan removal), as dry runs;
-- without the option it runs them, each its own operation. Iceberg tables are left to Trino's maintain_schema.
SELECT table_name, kind, state, step FROM (SELECT dredge_maintain_schema('demo', map('dry_run', 'true'))) r;

-- Every operation, whichever engine ran it:
SELECT operation_id, kind, table_name, user_name, state, step FROM (SELECT dredge_operations('demo', 'hive_clicks')) o;

-- Dredge on the Hive side, in the demo's HiveServer2:  bin/dredge-hive -f sql-examples/hive/01_hooks_and_functions.sql
-- The demo's HiveServer2 has Dredge's jar on its classpath and both hooks set in hive-site.xml.

-- The demo registers Dredge's functions in every session (hive.server2.global.init.file.location, see docs/hive.md).
-- The report's rule for figures Hive already keeps (numFiles, totalSize):
SELECT dredge_small_file_status(600, 4410688);

-- Writes as a pipeline makes them. The guard lets each through unless a Dredge operation (a compaction or a backup
-- started in Trino or Hive) holds the table; then it is refused, naming the operation. The audit hook records the files each
-- write left, in <warehouse>/demo/.dredge/audit/hive_clicks/<day>/<query id>.json, and warns in HiveServer2's log when a
-- partition needs compaction.
CREATE TABLE IF NOT EXISTS demo.hive_clicks (click_id bigint) PARTITIONED BY (day string) STORED AS PARQUET;
INSERT INTO demo.hive_clicks PARTITION (day = '2024-01-01') VALUES (1), (2);
INSERT INTO demo.hive_clicks PARTITION (day) VALUES (3, '2024-01-01'), (4, '2024-01-02');
SELECT day, count(*) FROM demo.hive_clicks GROUP BY day;

-- The small-file report and the operations journal, as Trino's dredge.system tables show them. Hive 4.0.1 takes no
-- table function in FROM: call it alone for every column, or from a subquery to pick and filter.
SELECT dredge_small_file_report('demo', 'hive_clicks');
SELECT table_name, partition_name, file_count, status FROM (SELECT dredge_small_file_report('demo')) r WHERE status = 'NEEDS_COMPACTION';
SELECT operation_id, kind, table_name, state, step FROM (SELECT dredge_operations('demo')) o;

-- How each table of the schema is, why (each reason with its figure and threshold), and the statements that fix it, in
-- order, as Trino's dredge.system.table_health: Hive functions for a Hive table, Trino's procedures for an Iceberg table.
SELECT table_name, status, reasons, fix FROM (SELECT dredge_table_health('demo')) h;

-- The partitions whose rows changed after a time (UTC), a snapshot id (Iceberg) or the resume_token of an earlier answer,
-- as Trino's changed_partitions; a token of either engine's answer resumes in the other.
SELECT partition_name, change_kinds, files_added, files_removed, resume_token FROM (SELECT dredge_changed_partitions('demo', 'hive_clicks', '2000-01-01 00:00:00')) c;

-- Then, in Trino (bin/dredge-sql):
--   SELECT partition_name, file_count, status FROM dredge.system.small_file_report WHERE table_name = 'hive_clicks';
--   CALL dredge.system.compact_table(schema_name => 'demo', table_name => 'hive_clicks');
-- and a Hive INSERT into demo.hive_clicks while that compaction runs is refused.

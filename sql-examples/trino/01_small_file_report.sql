-- Where are the small files? One row per table (partition_name IS NULL) and one per partition.
SELECT catalog_name, schema_name, table_name, table_type, file_count, avg_file_bytes, small_file_count, ideal_file_count, status
FROM dredge.system.small_file_report
WHERE partition_name IS NULL
ORDER BY compaction_ratio DESC;

-- One table and its partitions: the filter on schema_name and table_name keeps the listing to this table.
SELECT * FROM dredge.system.small_file_report WHERE schema_name = 'demo' AND table_name = 'events';

SELECT partition_name, file_count, total_bytes, avg_file_bytes, compaction_ratio, status, recommended_action
FROM dredge.system.small_file_report
WHERE schema_name = 'demo' AND table_name = 'events'
ORDER BY partition_name NULLS FIRST;

-- The partitions that need compaction, worst first.
SELECT schema_name, table_name, partition_name, file_count, ideal_file_count, compaction_ratio
FROM dredge.system.small_file_report
WHERE schema_name = 'demo' AND status = 'NEEDS_COMPACTION' AND partition_name IS NOT NULL
ORDER BY compaction_ratio DESC
LIMIT 20;

-- Small files per schema, for a dashboard.
SELECT schema_name, sum(file_count) AS files, sum(small_file_count) AS small_files, sum(total_bytes) AS bytes
FROM dredge.system.small_file_report
WHERE partition_name IS NULL
GROUP BY schema_name;

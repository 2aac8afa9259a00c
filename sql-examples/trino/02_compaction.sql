-- Plan only: which partitions of demo.events would be compacted, and how many files they hold.
CALL dredge.system.compact_table(schema_name => 'demo', table_name => 'events', dry_run => true);

-- One partition, with the cheaper row-count verification.
CALL dredge.system.compact_table(schema_name => 'demo', table_name => 'events',
    partition_filter => 'event_date = DATE ''2024-01-02''', verify => 'count');

-- The whole table: small files are rewritten by the cluster, verified (count + checksum) and swapped in.
CALL dredge.system.compact_table(schema_name => 'demo', table_name => 'events');

-- What happened, newest first; while an operation runs, `step` shows where it is.
SELECT operation_id, kind, table_name, state, step, partitions_compacted, files_before, files_after, rows_verified, backup_table
FROM dredge.system.operations
WHERE schema_name = 'demo'
ORDER BY operation_id DESC;

-- Back to exactly the files the table had before its latest compaction.
CALL dredge.system.rollback_compaction(schema_name => 'demo', table_name => 'events');

-- Every table of the schema that needs it.
CALL dredge.system.compact_schema(schema_name => 'demo');

-- Finish or undo whatever a crash left unfinished (nothing here).
CALL dredge.system.recover(schema_name => 'demo', table_name => 'events');

-- Delete the original files of compactions older than a week, irreversibly.
CALL dredge.system.cleanup(schema_name => 'demo', older_than => '7d');

-- The report after compaction.
SELECT table_name, partition_name, file_count, status
FROM dredge.system.small_file_report
WHERE schema_name = 'demo' AND table_name = 'events';

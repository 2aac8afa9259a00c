-- Back up a Hive table and an Iceberg table into the repository (dredge.backup-location): the workers copy every
-- file and read each copy back, and the backup's manifest keeps each file's size and CRC32C and the rows of each
-- partition, from the Parquet and ORC footers (Iceberg: of the current snapshot, from its manifests; the backup holds
-- every snapshot, branch and tag). No row is read through the engine: this is verify => 'files', the default.
CALL dredge.system.backup_table(schema_name => 'demo', table_name => 'events', backup_name => 'events_1');
CALL dredge.system.backup_table(schema_name => 'demo', table_name => 'events_ice', backup_name => 'events_ice_1');

-- The next backup is incremental: it copies only the files the repository does not hold yet (the table has not
-- changed here, so none), and still restores on its own.
CALL dredge.system.backup_table(schema_name => 'demo', table_name => 'events', backup_name => 'events_2');

-- What each backup holds, and what it copied.
SELECT backup_name, source_table, table_type, snapshot_id, partitions, files, bytes, bytes_copied, rows, state, verification
FROM dredge.system.backups
WHERE source_schema = 'demo'
ORDER BY created_at;

-- Re-read every file of a backup and compare its size and checksum with the manifest, without restoring anything.
CALL dredge.system.verify_backup(backup_name => 'events_1');

-- Restore into another schema: each file is checked, as copied and as read back, before the table is created (Hive)
-- or registered (Iceberg, which needs iceberg.register-table-procedure.enabled=true).
CREATE SCHEMA IF NOT EXISTS hive.restored;
CALL dredge.system.restore_table(backup_name => 'events_1', schema_name => 'restored', table_name => 'events');
CALL dredge.system.restore_table(backup_name => 'events_ice_1', schema_name => 'restored', table_name => 'events_ice');

-- The restored tables hold the rows of their sources.
SELECT 'events' AS table_name, count(*) AS row_count, checksum(event_id) AS ids FROM hive.restored.events
UNION ALL
SELECT 'events_ice', count(*), checksum(event_id) FROM iceberg.restored.events_ice;

-- At verify => 'rows' the engine also counts and checksums every partition's rows, and a restore of that backup
-- compares them with the restored table's, unless it is told to check the files only.
CALL dredge.system.backup_table(schema_name => 'demo', table_name => 'events', backup_name => 'events_rows', verify => 'rows');
CALL dredge.system.restore_table(backup_name => 'events_rows', schema_name => 'restored', table_name => 'events_fast', verify => 'files');
SELECT count(*) AS row_count FROM hive.restored.events_fast;

-- A dropped backup deletes only the files no other backup needs: events_2 shares every file of events_1 and still
-- verifies.
CALL dredge.system.drop_backup(backup_name => 'events_1');
CALL dredge.system.verify_backup(backup_name => 'events_2');

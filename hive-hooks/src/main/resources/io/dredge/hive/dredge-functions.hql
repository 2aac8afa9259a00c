-- Dredge's Hive functions, for every HiveServer2 session: point hive.server2.global.init.file.location at this file
-- (HiveServer2 runs it when a session opens), or run it yourself in a session. The jar must be on HiveServer2's
-- classpath (see docs/hive.md).
CREATE TEMPORARY FUNCTION dredge_small_file_status AS 'io.dredge.hive.udf.SmallFileStatusUdf';
CREATE TEMPORARY FUNCTION dredge_small_file_report AS 'io.dredge.hive.udf.SmallFileReportUdtf';
CREATE TEMPORARY FUNCTION dredge_operations AS 'io.dredge.hive.udf.OperationsUdtf';
CREATE TEMPORARY FUNCTION dredge_compact_table AS 'io.dredge.hive.udf.CompactTableUdtf';
CREATE TEMPORARY FUNCTION dredge_rollback_compaction AS 'io.dredge.hive.udf.RollbackCompactionUdtf';
CREATE TEMPORARY FUNCTION dredge_cleanup AS 'io.dredge.hive.udf.CleanupUdtf';
CREATE TEMPORARY FUNCTION dredge_recover AS 'io.dredge.hive.udf.RecoverUdtf';
CREATE TEMPORARY FUNCTION dredge_backup_table AS 'io.dredge.hive.udf.BackupTableUdtf';
CREATE TEMPORARY FUNCTION dredge_restore_table AS 'io.dredge.hive.udf.RestoreTableUdtf';
CREATE TEMPORARY FUNCTION dredge_remove_orphan_files AS 'io.dredge.hive.udf.RemoveOrphanFilesUdtf';
CREATE TEMPORARY FUNCTION dredge_restore_orphan_files AS 'io.dredge.hive.udf.RestoreOrphanFilesUdtf';
CREATE TEMPORARY FUNCTION dredge_expire_snapshots AS 'io.dredge.hive.udf.ExpireSnapshotsUdtf';
CREATE TEMPORARY FUNCTION dredge_table_health AS 'io.dredge.hive.udf.TableHealthUdtf';
CREATE TEMPORARY FUNCTION dredge_maintain_schema AS 'io.dredge.hive.udf.MaintainSchemaUdtf';
CREATE TEMPORARY FUNCTION dredge_changed_partitions AS 'io.dredge.hive.udf.ChangedPartitionsUdtf';

package io.dredge.hive.hook;

import io.dredge.core.audit.WriteAudit;
import io.dredge.core.audit.WriteAuditCodec;
import io.dredge.core.audit.WrittenFiles;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableReference;
import io.dredge.core.report.FileGroupStatus;
import io.dredge.core.report.HiveTableFiles;
import io.dredge.core.report.SmallFilePolicy;
import io.dredge.hive.adapter.HadoopFileStore;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.hive.ql.hooks.ExecuteWithHookContext;
import org.apache.hadoop.hive.ql.hooks.HookContext;
import org.apache.hadoop.hive.ql.hooks.WriteEntity;
import org.apache.hadoop.hive.ql.metadata.Hive;
import org.apache.hadoop.hive.ql.metadata.Partition;
import org.apache.hadoop.hive.ql.metadata.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The audit: a post-execution hook ({@code hive.exec.post.hooks}) that, after a statement wrote tables, lists exactly
 * the partitions it wrote (each partition of a dynamic-partition insert, or the table when it is unpartitioned),
 * records their file counts and bytes in the table's schema directory ({@link WriteAudit}), and logs a warning naming
 * each partition that now needs compaction. An audit that fails is logged, never fails the statement: its data is
 * already committed.
 *
 * <p>Settings: {@code dredge.audit.target-file-size-bytes} (default 128 MB) and
 * {@code dredge.audit.compaction-ratio-threshold} (default 10), as the small-file report's, and
 * {@code dredge.audit.retention-days} (default 30): records of older days are removed as new ones are written, and
 * {@code dredge.audit.compact-after-write} (default false): compacts the partitions that need it once the write has
 * finished ({@link CompactionAfterWrite}). Dredge's own tables (a compaction's staging copy) are not audited.
 */
public class SmallFileAuditHook
        implements ExecuteWithHookContext
{
    public static final String TARGET_FILE_SIZE = "dredge.audit.target-file-size-bytes";
    public static final String COMPACTION_RATIO_THRESHOLD = "dredge.audit.compaction-ratio-threshold";
    public static final String RETENTION_DAYS = "dredge.audit.retention-days";
    public static final String COMPACT_AFTER_WRITE = "dredge.audit.compact-after-write";

    private static final int DEFAULT_RETENTION_DAYS = 30;

    private static final Logger log = LoggerFactory.getLogger(SmallFileAuditHook.class);

    @Override
    public void run(HookContext context)
    {
        Map<TableReference, Map<Optional<String>, String>> written = new LinkedHashMap<>();
        for (WriteEntity output : context.getOutputs()) {
            if (output.getWriteType() == WriteEntity.WriteType.DDL_NO_LOCK || output.getTable() == null || output.getTable().isTemporary()) {
                continue;
            }
            Table table = output.getTable();
            if (table.getParameters() != null && table.getParameters().containsKey(TableDescriptor.DREDGE_ROLE_PROPERTY)) {
                continue;
            }
            TableReference reference = new TableReference(table.getDbName(), table.getTableName());
            if (output.getType() == WriteEntity.Type.PARTITION) {
                Partition partition = output.getPartition();
                written.computeIfAbsent(reference, ignored -> new LinkedHashMap<>()).put(Optional.of(partition.getName()), partition.getDataLocation().toString());
            }
            else if (output.getType() == WriteEntity.Type.TABLE && !table.isPartitioned() && table.getDataLocation() != null) {
                written.computeIfAbsent(reference, ignored -> new LinkedHashMap<>()).put(Optional.empty(), table.getDataLocation().toString());
            }
        }
        if (written.isEmpty()) {
            return;
        }
        SmallFilePolicy policy = policy(context.getConf());
        written.forEach((table, locations) -> {
            try {
                WriteAudit audit = audit(context, table, locations, policy);
                List<WrittenFiles> needCompaction = audit.written().stream().filter(group -> group.status() == FileGroupStatus.NEEDS_COMPACTION).toList();
                if (!needCompaction.isEmpty() && context.getConf().getBoolean(COMPACT_AFTER_WRITE, false)) {
                    CompactionAfterWrite.submit(context.getConf(), String.valueOf(context.getUserName()), table,
                            needCompaction.stream().flatMap(group -> group.partitionName().stream()).toList(), policy);
                }
            }
            catch (Exception e) {
                log.warn("Dredge audit of the write to {} by query {} failed: {}", table, context.getQueryPlan().getQueryId(), e.toString());
            }
        });
    }

    private static WriteAudit audit(HookContext context, TableReference table, Map<Optional<String>, String> locations, SmallFilePolicy policy)
            throws Exception
    {
        Configuration conf = context.getConf();
        HadoopFileStore fileStore = new HadoopFileStore(conf);
        Map<Optional<String>, List<TableFile>> files = new LinkedHashMap<>();
        for (Map.Entry<Optional<String>, String> location : locations.entrySet()) {
            // what Hive reads: visible files at any depth (Hive on Tez writes a UNION ALL into subdirectories)
            files.put(location.getKey(), fileStore.listFilesRecursively(location.getValue()).stream()
                    .filter(file -> HiveTableFiles.isVisibleFile(location.getValue(), file.path()))
                    .toList());
        }
        String queryId = context.getQueryPlan().getQueryId();
        WriteAudit audit = WriteAudit.of(table, queryId, String.valueOf(context.getUserName()), Instant.now(), files, policy);
        String schemaLocation = Hive.get(context.getConf()).getDatabase(table.schemaName()).getLocationUri();
        fileStore.writeFile(audit.location(schemaLocation), WriteAuditCodec.toJson(audit));
        Path tableDirectory = new Path(WriteAudit.directory(schemaLocation, table));
        removeExpiredDays(tableDirectory.getFileSystem(conf), tableDirectory, audit.writtenAt(), retentionDays(conf));
        for (WrittenFiles group : audit.written()) {
            String where = group.partitionName().map(name -> "partition %s of %s".formatted(name, table)).orElse("table " + table);
            if (group.status() == FileGroupStatus.NEEDS_COMPACTION) {
                log.warn("Dredge: {} has {} files of {} bytes after query {}: it needs compaction (in Hive: SELECT dredge_compact_table('{}', '{}'); in Trino: CALL dredge.system.compact_table(schema_name => '{}', table_name => '{}'))",
                        where, group.fileCount(), group.totalBytes(), queryId, table.schemaName(), table.tableName(), table.schemaName(), table.tableName());
            }
            else {
                log.info("Dredge: {} has {} files of {} bytes after query {}", where, group.fileCount(), group.totalBytes(), queryId);
            }
        }
        return audit;
    }

    /**
     * Removes the table's day directories older than the retention: one listing of a directory of about as many
     * entries as days kept.
     */
    private static void removeExpiredDays(FileSystem fileSystem, Path tableDirectory, Instant now, int retentionDays)
            throws IOException
    {
        List<String> days = new ArrayList<>();
        for (FileStatus status : fileSystem.listStatus(tableDirectory)) {
            if (status.isDirectory()) {
                days.add(status.getPath().getName());
            }
        }
        for (String day : WriteAudit.expiredDays(days, now, retentionDays)) {
            fileSystem.delete(new Path(tableDirectory, day), true);
        }
    }

    private static int retentionDays(Configuration conf)
    {
        int days = conf.getInt(RETENTION_DAYS, DEFAULT_RETENTION_DAYS);
        if (days < 1) {
            log.warn("Dredge: {} must be at least 1, not {}; keeping {} days of audit records", RETENTION_DAYS, days, DEFAULT_RETENTION_DAYS);
            return DEFAULT_RETENTION_DAYS;
        }
        return days;
    }

    private static SmallFilePolicy policy(Configuration conf)
    {
        return new SmallFilePolicy(
                conf.getLong(TARGET_FILE_SIZE, SmallFilePolicy.DEFAULT_TARGET_FILE_SIZE_BYTES),
                conf.getDouble(COMPACTION_RATIO_THRESHOLD, SmallFilePolicy.DEFAULT_COMPACTION_RATIO_THRESHOLD));
    }
}

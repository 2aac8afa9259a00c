package io.dredge.core.compaction;

import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.PartitionRecord;
import io.dredge.core.journal.PartitionState;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;

import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The queryable table a compaction leaves over the original data of the partitions it swapped, until cleanup.
 * It is external, so dropping it never deletes data: cleanup deletes the original files itself.
 */
final class BackupTables
{
    private final MaintenanceContext context;

    BackupTables(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
    }

    /**
     * {@code <table>__dredge_backup_<random part of the operation id>}.
     */
    static String backupTableName(OperationRecord record)
    {
        return HiveCompaction.derivedTableName(record.table().tableName(), "dredge_backup_" + record.shortId());
    }

    void create(TableDescriptor table, OperationRecord record)
    {
        TableReference backup = new TableReference(table.table().schemaName(), record.backupTable().orElseThrow());
        if (context.metastore().getTable(backup).isPresent()) {
            // a recovered run may have created it before the crash
            context.metastore().dropTableKeepingData(backup);
        }
        if (!table.partitioned()) {
            PartitionRecord whole = record.partitionsIn(PartitionState.SWAPPED).get(0);
            context.metastore().createTableLike(table.table(), backup, whole.originalLocation(), true, roleOf(record));
            return;
        }
        context.metastore().createTableLike(table.table(), backup, table.location().orElseThrow(), true, roleOf(record));
        Map<String, String> locations = new LinkedHashMap<>();
        for (PartitionRecord partition : record.partitionsIn(PartitionState.SWAPPED)) {
            locations.put(partition.name().orElseThrow(), partition.originalLocation());
        }
        context.metastore().addPartitionsLike(table.table(), backup, locations);
    }

    private static Map<String, String> roleOf(OperationRecord record)
    {
        return Map.of(TableDescriptor.DREDGE_ROLE_PROPERTY, "backup of %s by compaction %s".formatted(record.table(), record.id()));
    }

    void drop(OperationRecord record)
    {
        record.backupTable()
                .map(name -> new TableReference(record.table().schemaName(), name))
                .filter(backup -> context.metastore().getTable(backup).isPresent())
                .ifPresent(backup -> context.metastore().dropTableKeepingData(backup));
    }
}

package io.dredge.core.compaction;

import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.PartitionRecord;
import io.dredge.core.journal.PartitionState;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.port.Metastore;

import java.util.LinkedHashMap;
import java.util.List;
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

    /**
     * The backup table of {@code record}, over the original data of {@code partitions} (or of the whole table).
     */
    void create(TableDescriptor table, OperationRecord record, List<PartitionRecord> partitions)
    {
        TableReference backup = backupOf(record);
        // a recovered run may have created it before the crash (a missing table is no error)
        context.metastore().dropTableKeepingData(backup);
        if (!table.partitioned()) {
            context.metastore().createTableLike(table.table(), backup, partitions.get(0).originalDataLocation(), true, roleOf(record));
            return;
        }
        context.metastore().createTableLike(table.table(), backup, table.location().orElseThrow(), true, roleOf(record));
        Map<String, String> locations = new LinkedHashMap<>();
        for (PartitionRecord partition : partitions) {
            locations.put(partition.name().orElseThrow(), partition.originalDataLocation());
        }
        context.metastore().addPartitionsLike(table.table(), backup, locations);
    }

    /**
     * Points the backup table (an unpartitioned one) or its partitions at their original files where those were parked.
     */
    void relocate(OperationRecord record)
    {
        List<PartitionRecord> parked = record.compaction().partitionsIn(PartitionState.SWAPPED).stream()
                .filter(partition -> partition.parkedLocation().isPresent())
                .toList();
        if (record.compaction().backupTable().isEmpty() || parked.isEmpty()) {
            return;
        }
        if (parked.get(0).name().isEmpty()) {
            context.metastore().setTableLocation(backupOf(record), parked.get(0).parkedLocation().get());
            return;
        }
        Metastore.PartitionMover mover = context.metastore().partitionMover(backupOf(record), parked.stream().map(partition -> partition.name().orElseThrow()).toList());
        for (PartitionRecord partition : parked) {
            mover.move(partition.name().orElseThrow(), partition.parkedLocation().get());
        }
    }

    /**
     * Takes partitions that were not compacted after all out of the backup table: their original data is the
     * table's own again.
     */
    void dropPartitions(OperationRecord record, List<PartitionRecord> partitions)
    {
        TableReference backup = backupOf(record);
        for (PartitionRecord partition : partitions) {
            context.metastore().dropPartitionKeepingData(backup, partition.name().orElseThrow());
        }
    }

    private static TableReference backupOf(OperationRecord record)
    {
        return new TableReference(record.table().schemaName(), record.compaction().backupTable().orElseThrow());
    }

    private static Map<String, String> roleOf(OperationRecord record)
    {
        return Map.of(TableDescriptor.DREDGE_ROLE_PROPERTY, "backup of %s by compaction %s".formatted(record.table(), record.id()));
    }

    void drop(OperationRecord record)
    {
        if (record.compaction().backupTable().isPresent()) {
            context.metastore().dropTableKeepingData(backupOf(record));
        }
    }
}

package io.dredge.core.journal;

import java.time.Instant;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One operation as both engines list it ({@code dredge.system.operations} in Trino, {@code dredge_operations} in
 * Hive): its record with the partition figures summed.
 */
public record OperationSummary(
        OperationRecord record,
        long partitionsPlanned,
        long partitionsCompacted,
        long partitionsSkipped,
        long filesBefore,
        long bytesBefore,
        long filesAfter,
        long bytesAfter,
        long rowsVerified)
{
    public OperationSummary
    {
        requireNonNull(record, "record is null");
    }

    /**
     * The figures of the planned partitions; after a partition's swap its files are the copy's, before it the
     * original ones.
     */
    public static OperationSummary of(OperationRecord record)
    {
        CompactionDetails compaction = compaction(record);
        List<PartitionRecord> planned = compaction.partitions();
        long filesAfter = 0;
        long bytesAfter = 0;
        for (PartitionRecord partition : planned) {
            boolean onCopy = partition.state() == PartitionState.SWAPPED;
            filesAfter += onCopy ? partition.outputFiles().size() : partition.inputFiles().size();
            bytesAfter += onCopy ? partition.bytesAfter() : partition.bytesBefore();
        }
        return new OperationSummary(
                record,
                planned.size(),
                compaction.compactedPartitions().size(),
                compaction.partitionsIn(PartitionState.SKIPPED).size(),
                planned.stream().mapToLong(partition -> partition.inputFiles().size()).sum(),
                planned.stream().mapToLong(PartitionRecord::bytesBefore).sum(),
                filesAfter,
                bytesAfter,
                planned.stream().mapToLong(PartitionRecord::rowsVerified).sum());
    }

    /**
     * The operation's values in the order of the operations table's columns ({@code operation_id, kind,
     * catalog_name, schema_name, table_name, state, user_name, started_at, finished_at, step, target_operation_id,
     * verification, partitions_considered, partitions_planned, partitions_compacted, partitions_skipped,
     * files_before, bytes_before, files_after, bytes_after, rows_verified, backup_table, error_message}), as both
     * engines show them, with timestamps as {@link Instant}s for the engine to convert; NULL as {@code null}.
     */
    public Object[] values(String catalogName)
    {
        CompactionDetails compaction = compaction(record);
        return new Object[] {
                record.id(),
                record.kind().name(),
                catalogName,
                record.table().schemaName(),
                record.table().tableName(),
                record.state().name(),
                record.user(),
                record.startedAt(),
                record.finishedAt().orElse(null),
                record.step(),
                record.targetOperationId().orElse(null),
                compaction.verification().orElse(null),
                compaction.partitionsConsidered(),
                partitionsPlanned,
                partitionsCompacted,
                partitionsSkipped,
                filesBefore,
                bytesBefore,
                filesAfter,
                bytesAfter,
                rowsVerified,
                compaction.backupTable().orElse(null),
                record.error().orElse(null)};
    }

    /**
     * Another kind of operation shows the compaction columns empty (no partitions, 0 considered, NULL), as it always has.
     */
    private static CompactionDetails compaction(OperationRecord record)
    {
        return record.details() instanceof CompactionDetails compaction ? compaction : CompactionDetails.unplanned();
    }
}

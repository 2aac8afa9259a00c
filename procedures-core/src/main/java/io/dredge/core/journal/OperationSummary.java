package io.dredge.core.journal;

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
        List<PartitionRecord> planned = record.partitions();
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
                record.compactedPartitions().size(),
                record.partitionsIn(PartitionState.SKIPPED).size(),
                planned.stream().mapToLong(partition -> partition.inputFiles().size()).sum(),
                planned.stream().mapToLong(PartitionRecord::bytesBefore).sum(),
                filesAfter,
                bytesAfter,
                planned.stream().mapToLong(PartitionRecord::rowsVerified).sum());
    }
}

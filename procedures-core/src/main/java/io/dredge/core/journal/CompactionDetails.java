package io.dredge.core.journal;

import com.google.common.collect.ImmutableList;

import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.util.Objects.requireNonNull;

/**
 * What a compaction journals beyond what every operation does: enough to finish, undo or clean it up after any crash.
 *
 * @param stagingTable the table (same schema) through which the engine wrote the rewritten copy
 * @param stagingLocation the directory that holds the rewritten copy
 * @param backupTable the queryable table that points at the original data until cleanup
 * @param verification how the copy is compared with the original ({@code checksum} or {@code count}), once planned
 * @param partitionsConsidered partitions (or 1 for an unpartitioned table) the plan looked at
 * @param partitions the planned partitions, with their files and how far each got
 * @param icebergSnapshots for an Iceberg compaction, the snapshot it started from and, once it exists, the one it committed
 */
public record CompactionDetails(
        Optional<String> stagingTable,
        Optional<String> stagingLocation,
        Optional<String> backupTable,
        Optional<String> verification,
        long partitionsConsidered,
        List<PartitionRecord> partitions,
        Optional<IcebergSnapshots> icebergSnapshots)
        implements OperationDetails
{
    public CompactionDetails
    {
        requireNonNull(stagingTable, "stagingTable is null");
        requireNonNull(stagingLocation, "stagingLocation is null");
        requireNonNull(backupTable, "backupTable is null");
        requireNonNull(verification, "verification is null");
        partitions = ImmutableList.copyOf(requireNonNull(partitions, "partitions is null"));
        requireNonNull(icebergSnapshots, "icebergSnapshots is null");
    }

    /**
     * The current snapshot of an Iceberg table when a compaction planned ({@code before}), journaled before
     * {@code optimize} runs; the {@code replace} snapshot that {@code optimize} committed ({@code after}), journaled
     * as soon as it is known; and that snapshot's parent ({@code afterParent}), which is {@code before} unless other
     * commits came first. Journals written before {@code after} was optional always have it.
     */
    public record IcebergSnapshots(long before, Optional<Long> after, Optional<Long> afterParent)
    {
        public IcebergSnapshots
        {
            requireNonNull(after, "after is null");
            requireNonNull(afterParent, "afterParent is null");
        }

        public IcebergSnapshots(long before, long after)
        {
            this(before, Optional.of(after), Optional.empty());
        }

        public static IcebergSnapshots planned(long before)
        {
            return new IcebergSnapshots(before, Optional.empty(), Optional.empty());
        }

        public IcebergSnapshots committed(long snapshot, Optional<Long> parent)
        {
            return new IcebergSnapshots(before, Optional.of(snapshot), parent);
        }
    }

    /**
     * A compaction that has not planned yet.
     */
    public static CompactionDetails unplanned()
    {
        return new CompactionDetails(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0, ImmutableList.of(), Optional.empty());
    }

    public CompactionDetails withPlan(String verificationLevel, long considered, List<PartitionRecord> planned)
    {
        return new CompactionDetails(stagingTable, stagingLocation, backupTable, Optional.of(verificationLevel), considered, planned, icebergSnapshots);
    }

    public CompactionDetails withStaging(String stagingTableName, String stagingRoot)
    {
        return new CompactionDetails(Optional.of(stagingTableName), Optional.of(stagingRoot), backupTable, verification, partitionsConsidered, partitions, icebergSnapshots);
    }

    public CompactionDetails withBackupTable(String backupTableName)
    {
        return new CompactionDetails(stagingTable, stagingLocation, Optional.of(backupTableName), verification, partitionsConsidered, partitions, icebergSnapshots);
    }

    public CompactionDetails withoutBackupTable()
    {
        return new CompactionDetails(stagingTable, stagingLocation, Optional.empty(), verification, partitionsConsidered, partitions, icebergSnapshots);
    }

    public CompactionDetails withPartitions(List<PartitionRecord> newPartitions)
    {
        return new CompactionDetails(stagingTable, stagingLocation, backupTable, verification, partitionsConsidered, newPartitions, icebergSnapshots);
    }

    public CompactionDetails mapPartitions(UnaryOperator<PartitionRecord> mapper)
    {
        return withPartitions(partitions.stream().map(mapper).collect(toImmutableList()));
    }

    public CompactionDetails withIcebergSnapshots(IcebergSnapshots snapshots)
    {
        return new CompactionDetails(stagingTable, stagingLocation, backupTable, verification, partitionsConsidered, partitions, Optional.of(snapshots));
    }

    public List<PartitionRecord> partitionsIn(PartitionState partitionState)
    {
        return partitions.stream()
                .filter(partition -> partition.state() == partitionState)
                .collect(toImmutableList());
    }

    /**
     * Partitions whose rewritten copy was, or still is, what the metastore points at.
     */
    public List<PartitionRecord> compactedPartitions()
    {
        return partitions.stream()
                .filter(partition -> partition.state() == PartitionState.SWAPPED || partition.state() == PartitionState.RESTORED)
                .collect(toImmutableList());
    }
}

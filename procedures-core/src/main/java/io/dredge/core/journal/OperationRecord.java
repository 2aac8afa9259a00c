package io.dredge.core.journal;

import com.google.common.collect.ImmutableList;
import io.dredge.core.model.TableReference;

import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.util.Objects.requireNonNull;

/**
 * One maintenance operation as the journal keeps it: enough to show its progress, and for a compaction, to
 * finish, undo or clean it up after any crash.
 *
 * @param targetOperationId the compaction a rollback, cleanup or recover acted on
 * @param step what the operation is doing or last did, for people watching it
 * @param stagingTable the table (same schema) through which the engine wrote the rewritten copy
 * @param stagingLocation the directory that holds the rewritten copy
 * @param backupTable the queryable table that points at the original data until cleanup
 * @param partitionsConsidered partitions (or 1 for an unpartitioned table) the plan looked at
 * @param icebergSnapshots for an Iceberg compaction, the snapshot it started from and, once it exists, the one it committed
 * @param tableIdentity what identifies the table across renames ({@code iceberg-uuid:<uuid>} for an Iceberg table), as
 * it was when the operation started; empty in journals written before identities were recorded
 */
public record OperationRecord(
        String id,
        OperationKind kind,
        TableReference table,
        String user,
        OperationState state,
        Instant startedAt,
        Optional<Instant> finishedAt,
        Optional<String> targetOperationId,
        String step,
        Optional<String> stagingTable,
        Optional<String> stagingLocation,
        Optional<String> backupTable,
        Optional<String> verification,
        long partitionsConsidered,
        List<PartitionRecord> partitions,
        Optional<String> error,
        Optional<IcebergSnapshots> icebergSnapshots,
        Optional<String> tableIdentity)
{
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();

    public OperationRecord
    {
        requireNonNull(id, "id is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(table, "table is null");
        requireNonNull(user, "user is null");
        requireNonNull(state, "state is null");
        requireNonNull(startedAt, "startedAt is null");
        requireNonNull(finishedAt, "finishedAt is null");
        requireNonNull(targetOperationId, "targetOperationId is null");
        requireNonNull(step, "step is null");
        requireNonNull(stagingTable, "stagingTable is null");
        requireNonNull(stagingLocation, "stagingLocation is null");
        requireNonNull(backupTable, "backupTable is null");
        requireNonNull(verification, "verification is null");
        partitions = ImmutableList.copyOf(requireNonNull(partitions, "partitions is null"));
        requireNonNull(error, "error is null");
        requireNonNull(icebergSnapshots, "icebergSnapshots is null");
        requireNonNull(tableIdentity, "tableIdentity is null");
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

    public static OperationRecord start(OperationKind kind, TableReference table, String user, Optional<String> targetOperationId, Instant now)
    {
        return new OperationRecord(newId(now), kind, table, user, OperationState.RUNNING, now, Optional.empty(), targetOperationId,
                "started", Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), 0, ImmutableList.of(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    /**
     * Sorts by time and reads like a Trino query id: {@code 20261123_231512_3f9a0c1d}.
     */
    static String newId(Instant now)
    {
        return "%s_%08x".formatted(ID_TIME.format(now), RANDOM.nextInt());
    }

    /**
     * The random part of the id, for names derived from it ({@code 3f9a0c1d}).
     */
    public String shortId()
    {
        return id.substring(id.lastIndexOf('_') + 1);
    }

    /**
     * The same operation on a table that was renamed while it ran.
     */
    public OperationRecord withTable(TableReference newTable)
    {
        return new OperationRecord(id, kind, newTable, user, state, startedAt, finishedAt, targetOperationId, step, stagingTable, stagingLocation, backupTable,
                verification, partitionsConsidered, partitions, error, icebergSnapshots, tableIdentity);
    }

    public OperationRecord withStep(String newStep)
    {
        return new OperationRecord(id, kind, table, user, state, startedAt, finishedAt, targetOperationId, newStep, stagingTable, stagingLocation, backupTable,
                verification, partitionsConsidered, partitions, error, icebergSnapshots, tableIdentity);
    }

    public OperationRecord withPlan(String verificationLevel, long considered, List<PartitionRecord> planned)
    {
        return new OperationRecord(id, kind, table, user, state, startedAt, finishedAt, targetOperationId, step, stagingTable, stagingLocation, backupTable,
                Optional.of(verificationLevel), considered, planned, error, icebergSnapshots, tableIdentity);
    }

    public OperationRecord withStaging(String stagingTableName, String stagingRoot)
    {
        return new OperationRecord(id, kind, table, user, state, startedAt, finishedAt, targetOperationId, step, Optional.of(stagingTableName), Optional.of(stagingRoot), backupTable,
                verification, partitionsConsidered, partitions, error, icebergSnapshots, tableIdentity);
    }

    public OperationRecord withPartitions(List<PartitionRecord> newPartitions)
    {
        return new OperationRecord(id, kind, table, user, state, startedAt, finishedAt, targetOperationId, step, stagingTable, stagingLocation, backupTable,
                verification, partitionsConsidered, newPartitions, error, icebergSnapshots, tableIdentity);
    }

    public OperationRecord mapPartitions(UnaryOperator<PartitionRecord> mapper)
    {
        return withPartitions(partitions.stream().map(mapper).collect(toImmutableList()));
    }

    public OperationRecord withIcebergSnapshots(IcebergSnapshots snapshots)
    {
        return new OperationRecord(id, kind, table, user, state, startedAt, finishedAt, targetOperationId, step, stagingTable, stagingLocation, backupTable,
                verification, partitionsConsidered, partitions, error, Optional.of(snapshots), tableIdentity);
    }

    public OperationRecord withTableIdentity(String identity)
    {
        return new OperationRecord(id, kind, table, user, state, startedAt, finishedAt, targetOperationId, step, stagingTable, stagingLocation, backupTable,
                verification, partitionsConsidered, partitions, error, icebergSnapshots, Optional.of(identity));
    }

    public OperationRecord withBackupTable(String backupTableName)
    {
        return new OperationRecord(id, kind, table, user, state, startedAt, finishedAt, targetOperationId, step, stagingTable, stagingLocation, Optional.of(backupTableName),
                verification, partitionsConsidered, partitions, error, icebergSnapshots, tableIdentity);
    }

    public OperationRecord withoutBackupTable()
    {
        return new OperationRecord(id, kind, table, user, state, startedAt, finishedAt, targetOperationId, step, stagingTable, stagingLocation, Optional.empty(),
                verification, partitionsConsidered, partitions, error, icebergSnapshots, tableIdentity);
    }

    public OperationRecord finished(OperationState newState, Optional<String> newError, Instant now)
    {
        return new OperationRecord(id, kind, table, user, newState, startedAt, Optional.of(now), targetOperationId, step, stagingTable, stagingLocation, backupTable,
                verification, partitionsConsidered, partitions, newError, icebergSnapshots, tableIdentity);
    }

    /**
     * A later change of a finished compaction's state (rolled back, cleaned up), keeping its finish time.
     */
    public OperationRecord withState(OperationState newState)
    {
        return new OperationRecord(id, kind, table, user, newState, startedAt, finishedAt, targetOperationId, step, stagingTable, stagingLocation, backupTable,
                verification, partitionsConsidered, partitions, error, icebergSnapshots, tableIdentity);
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

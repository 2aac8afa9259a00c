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
        return buildFrom(this).table(newTable).build();
    }

    public OperationRecord withStep(String newStep)
    {
        return buildFrom(this).step(newStep).build();
    }

    public OperationRecord withPlan(String verificationLevel, long considered, List<PartitionRecord> planned)
    {
        return buildFrom(this).verification(Optional.of(verificationLevel)).partitionsConsidered(considered).partitions(planned).build();
    }

    public OperationRecord withStaging(String stagingTableName, String stagingRoot)
    {
        return buildFrom(this).stagingTable(Optional.of(stagingTableName)).stagingLocation(Optional.of(stagingRoot)).build();
    }

    public OperationRecord withPartitions(List<PartitionRecord> newPartitions)
    {
        return buildFrom(this).partitions(newPartitions).build();
    }

    public OperationRecord mapPartitions(UnaryOperator<PartitionRecord> mapper)
    {
        return withPartitions(partitions.stream().map(mapper).collect(toImmutableList()));
    }

    public OperationRecord withIcebergSnapshots(IcebergSnapshots snapshots)
    {
        return buildFrom(this).icebergSnapshots(Optional.of(snapshots)).build();
    }

    public OperationRecord withTableIdentity(String identity)
    {
        return buildFrom(this).tableIdentity(Optional.of(identity)).build();
    }

    public OperationRecord withBackupTable(String backupTableName)
    {
        return buildFrom(this).backupTable(Optional.of(backupTableName)).build();
    }

    public OperationRecord withoutBackupTable()
    {
        return buildFrom(this).backupTable(Optional.empty()).build();
    }

    public OperationRecord finished(OperationState newState, Optional<String> newError, Instant now)
    {
        return buildFrom(this).state(newState).finishedAt(Optional.of(now)).error(newError).build();
    }

    /**
     * A later change of a finished compaction's state (rolled back, cleaned up), keeping its finish time.
     */
    public OperationRecord withState(OperationState newState)
    {
        return buildFrom(this).state(newState).build();
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

    /**
     * A record like {@code record} with some fields changed, as {@code TableMetadata.buildFrom} makes one.
     */
    public static Builder buildFrom(OperationRecord record)
    {
        return new Builder(record);
    }

    public static final class Builder
    {
        private final String id;
        private final OperationKind kind;
        private TableReference table;
        private final String user;
        private OperationState state;
        private final Instant startedAt;
        private Optional<Instant> finishedAt;
        private final Optional<String> targetOperationId;
        private String step;
        private Optional<String> stagingTable;
        private Optional<String> stagingLocation;
        private Optional<String> backupTable;
        private Optional<String> verification;
        private long partitionsConsidered;
        private List<PartitionRecord> partitions;
        private Optional<String> error;
        private Optional<IcebergSnapshots> icebergSnapshots;
        private Optional<String> tableIdentity;

        private Builder(OperationRecord record)
        {
            this.id = record.id;
            this.kind = record.kind;
            this.table = record.table;
            this.user = record.user;
            this.state = record.state;
            this.startedAt = record.startedAt;
            this.finishedAt = record.finishedAt;
            this.targetOperationId = record.targetOperationId;
            this.step = record.step;
            this.stagingTable = record.stagingTable;
            this.stagingLocation = record.stagingLocation;
            this.backupTable = record.backupTable;
            this.verification = record.verification;
            this.partitionsConsidered = record.partitionsConsidered;
            this.partitions = record.partitions;
            this.error = record.error;
            this.icebergSnapshots = record.icebergSnapshots;
            this.tableIdentity = record.tableIdentity;
        }

        public Builder table(TableReference table)
        {
            this.table = table;
            return this;
        }

        public Builder state(OperationState state)
        {
            this.state = state;
            return this;
        }

        public Builder finishedAt(Optional<Instant> finishedAt)
        {
            this.finishedAt = finishedAt;
            return this;
        }

        public Builder step(String step)
        {
            this.step = step;
            return this;
        }

        public Builder stagingTable(Optional<String> stagingTable)
        {
            this.stagingTable = stagingTable;
            return this;
        }

        public Builder stagingLocation(Optional<String> stagingLocation)
        {
            this.stagingLocation = stagingLocation;
            return this;
        }

        public Builder backupTable(Optional<String> backupTable)
        {
            this.backupTable = backupTable;
            return this;
        }

        public Builder verification(Optional<String> verification)
        {
            this.verification = verification;
            return this;
        }

        public Builder partitionsConsidered(long partitionsConsidered)
        {
            this.partitionsConsidered = partitionsConsidered;
            return this;
        }

        public Builder partitions(List<PartitionRecord> partitions)
        {
            this.partitions = partitions;
            return this;
        }

        public Builder error(Optional<String> error)
        {
            this.error = error;
            return this;
        }

        public Builder icebergSnapshots(Optional<IcebergSnapshots> icebergSnapshots)
        {
            this.icebergSnapshots = icebergSnapshots;
            return this;
        }

        public Builder tableIdentity(Optional<String> tableIdentity)
        {
            this.tableIdentity = tableIdentity;
            return this;
        }

        public OperationRecord build()
        {
            return new OperationRecord(id, kind, table, user, state, startedAt, finishedAt, targetOperationId, step, stagingTable, stagingLocation, backupTable,
                    verification, partitionsConsidered, partitions, error, icebergSnapshots, tableIdentity);
        }
    }
}

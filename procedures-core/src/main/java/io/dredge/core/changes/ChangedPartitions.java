package io.dredge.core.changes;

import com.google.common.collect.ImmutableList;
import io.dredge.core.DredgeException;
import io.dredge.core.iceberg.IcebergTableMetadata;
import io.dredge.core.iceberg.IcebergTableMetadata.PartitionColumn;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.StoredFile;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.OperationGuard;
import io.dredge.core.port.FileStore;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static io.dredge.core.DredgeException.Kind.NOT_SUPPORTED;
import static java.util.Objects.requireNonNull;

/**
 * {@code changed_partitions}: the partitions whose rows changed after a point, in two steps, as an engine runs them:
 * the plan (the table, the caller's right to read it, and the range, fixed now so that commits after it belong to the
 * next answer), then the changes. An Iceberg table's range ends at its current snapshot, and the changes are read from
 * that metadata version; a Hive table's ends at a checkpoint of its files that the plan takes and keeps, and the
 * changes are the difference from the checkpoint of the caller's token (or the files written after the caller's time).
 */
public final class ChangedPartitions
{
    private ChangedPartitions() {}

    /**
     * What an answer covers, and where the next one starts.
     */
    public sealed interface Range
            permits IcebergRange, HiveChanges.Range
    {
        ResumeToken resumeToken();
    }

    /**
     * @param metadataLocation the metadata version whose current snapshot ends the range
     */
    public record IcebergRange(String metadataLocation, IcebergChanges.Range snapshots)
            implements Range
    {
        public IcebergRange
        {
            requireNonNull(metadataLocation, "metadataLocation is null");
            requireNonNull(snapshots, "snapshots is null");
        }

        @Override
        public ResumeToken resumeToken()
        {
            return snapshots.resumeToken();
        }
    }

    /**
     * @param partitionColumns the partition columns (an Iceberg table's: the fields of its current spec): the
     * answer's value columns
     */
    public record Plan(TableReference table, Range range, List<PartitionColumn> partitionColumns)
    {
        public Plan
        {
            requireNonNull(table, "table is null");
            requireNonNull(range, "range is null");
            partitionColumns = ImmutableList.copyOf(requireNonNull(partitionColumns, "partitionColumns is null"));
        }
    }

    public static Plan plan(MaintenanceContext context, TableReference reference, ChangeStart start)
    {
        OperationGuard guard = new OperationGuard(context);
        TableDescriptor table = guard.requireTable(reference);
        if (table.tableType() == TableType.HIVE && table.transactional()) {
            throw new DredgeException(NOT_SUPPORTED, "%s is a transactional (ACID) Hive table, whose changes are in delta directories of Hive's own: changed_partitions cannot tell them from its files".formatted(reference));
        }
        guard.requireReadAccess(reference, table.tableType());
        if (table.tableType() == TableType.ICEBERG) {
            IcebergTableMetadata metadata = IcebergTableMetadata.read(context.fileStore(), table);
            return new Plan(reference, new IcebergRange(metadata.metadataLocation(), IcebergChanges.range(metadata, reference, start)), metadata.partitionColumns());
        }
        HiveChanges.requireHiveStart(table, start);
        HiveCheckpoints checkpoints = new HiveCheckpoints(context.fileStore(), HiveCheckpoints.directory(context.metastore(), table));
        Optional<String> from = start instanceof ChangeStart.AfterToken token ? token.token().checkpointId() : Optional.empty();
        // refused before anything is kept when the token's checkpoint is gone; kept on while it is used
        from.ifPresent(id -> checkpoints.load(id, true));
        // taken when the changes are read, once the engine has pushed its filter down: the token names it already
        String to = HiveCheckpoint.newId(context.clock().instant());
        return new Plan(reference, new HiveChanges.Range(HiveChanges.identity(table), checkpoints.directory(), from, HiveChanges.since(start), to), HiveChanges.partitionColumns(table));
    }

    /**
     * The changes the plan covers in the partitions {@code filter} takes, one entry per partition ordered by name. For
     * a Hive table, this lists those partitions and keeps the checkpoint the plan's token names: the earlier
     * checkpoint's state of the other partitions carries over to it. {@code context} reads the table as the caller;
     * its journal tells a Hive table's compactions and rollbacks.
     */
    public static List<PartitionChange> changes(MaintenanceContext context, Plan plan, PartitionFilter filter)
    {
        FileStore fileStore = context.fileStore();
        if (plan.range() instanceof IcebergRange iceberg) {
            return IcebergChanges.changes(IcebergTableMetadata.read(fileStore, iceberg.metadataLocation()), iceberg.snapshots()).stream()
                    .filter(change -> filter.includes(change.partitionValues()))
                    .collect(ImmutableList.toImmutableList());
        }
        HiveChanges.Range hive = (HiveChanges.Range) plan.range();
        TableDescriptor table = new OperationGuard(context).requireTable(plan.table());
        if (table.tableType() != TableType.HIVE || !HiveChanges.identity(table).equals(hive.tableIdentity())) {
            throw new DredgeException(INVALID_ARGUMENT, "%s changed while its changes were read: ask again".formatted(plan.table()));
        }
        Predicate<String> filtered = name -> filter.includes(HiveChanges.partitionValues(name, plan.partitionColumns()));
        HiveCheckpoints checkpoints = new HiveCheckpoints(fileStore, hive.checkpointDirectory());
        Optional<HiveCheckpoint> from = hive.from().map(id -> checkpoints.load(id, false));
        if (from.isEmpty() && !filter.all()) {
            // a first answer's checkpoint holds every partition: one that held some could not tell a partition it left
            // out from one added or dropped later
            throw new IllegalArgumentException("a first answer from a time takes no partition filter");
        }
        // an engine that runs the answer again (a retried task) answers from the checkpoint the first run kept, whose
        // listing the token names
        Optional<HiveCheckpoint> kept = checkpoints.find(hive.to());
        HiveCheckpoint listed = kept.map(checkpoint -> checkpoint.restrictedTo(filtered))
                .orElseGet(() -> HiveCheckpoints.take(context.metastore(), fileStore, table, hive.to(), context.clock().instant(), filtered));
        if (kept.isEmpty()) {
            checkpoints.save(from.map(earlier -> earlier.carryingOver(listed, filtered)).orElse(listed), hive.from());
        }
        List<OperationRecord> operations = context.journal().list(plan.table());
        // where a compaction's originals lie until cleanup: their times tell whether what it read was new
        Function<String, List<StoredFile>> originals = location -> HiveCheckpoints.dataFiles(fileStore, location, Set.of());
        if (from.isPresent()) {
            return HiveChanges.changes(from.get().restrictedTo(filtered), listed, operations, originals, plan.partitionColumns());
        }
        return HiveChanges.changesSince(hive.since().orElseThrow(), listed, operations, originals, plan.partitionColumns());
    }
}

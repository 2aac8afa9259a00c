package io.dredge.core.changes;

import com.google.common.collect.ImmutableList;
import io.dredge.core.DredgeException;
import io.dredge.core.iceberg.IcebergTableMetadata;
import io.dredge.core.iceberg.IcebergTableMetadata.PartitionColumn;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.OperationGuard;
import io.dredge.core.port.FileStore;

import java.util.List;

import static io.dredge.core.DredgeException.Kind.NOT_SUPPORTED;
import static java.util.Objects.requireNonNull;

/**
 * {@code changed_partitions}: the partitions whose rows changed after a point, in two steps, as an engine runs them:
 * the plan (the table, the caller's right to read it, and the range of snapshots, fixed at the current one so that
 * commits after it belong to the next answer), then the changes, read from the metadata version the plan fixed.
 */
public final class ChangedPartitions
{
    private ChangedPartitions() {}

    /**
     * @param metadataLocation the metadata version whose current snapshot ends the range
     * @param partitionColumns the partition fields of the table's current spec: the answer's value columns
     */
    public record Plan(TableReference table, String metadataLocation, IcebergChanges.Range range, List<PartitionColumn> partitionColumns)
    {
        public Plan
        {
            requireNonNull(table, "table is null");
            requireNonNull(metadataLocation, "metadataLocation is null");
            requireNonNull(range, "range is null");
            partitionColumns = ImmutableList.copyOf(requireNonNull(partitionColumns, "partitionColumns is null"));
        }
    }

    public static Plan plan(MaintenanceContext context, TableReference reference, ChangeStart start)
    {
        OperationGuard guard = new OperationGuard(context);
        TableDescriptor table = guard.requireTable(reference);
        if (table.tableType() != TableType.ICEBERG) {
            throw new DredgeException(NOT_SUPPORTED, "%s is a Hive table: changed_partitions answers Iceberg tables only so far".formatted(reference));
        }
        guard.requireReadAccess(reference, table.tableType());
        IcebergTableMetadata metadata = IcebergTableMetadata.read(context.fileStore(), table);
        return new Plan(reference, metadata.metadataLocation(), IcebergChanges.range(metadata, reference, start), metadata.partitionColumns());
    }

    public static List<PartitionChange> changes(FileStore fileStore, Plan plan)
    {
        return IcebergChanges.changes(IcebergTableMetadata.read(fileStore, plan.metadataLocation()), plan.range());
    }
}

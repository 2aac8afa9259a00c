package io.dredge.core.compaction;

import io.dredge.core.DredgeException;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;

import static java.util.Objects.requireNonNull;

/**
 * {@code compact_table}: routes a table to the protocol for its kind, {@link HiveCompaction} or {@link IcebergCompaction}.
 */
public final class Compaction
{
    private final MaintenanceContext context;

    public Compaction(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
    }

    public OperationRecord compact(TableReference table, CompactionOptions options)
    {
        TableDescriptor descriptor = new OperationGuard(context).requireTable(table);
        if (descriptor.tableType() == TableType.ICEBERG) {
            return new IcebergCompaction(context).compact(descriptor, options);
        }
        return new HiveCompaction(context).compact(descriptor, options);
    }

    /**
     * Whether {@code compact_schema} should compact the table: Iceberg tables, and Hive tables the protocol handles
     * (not views, ACID tables, unwritable formats or Dredge's own staging and backup tables).
     */
    public static boolean isCandidate(TableDescriptor table)
    {
        if (table.view() || table.dredgeRole().isPresent()) {
            return false;
        }
        if (table.tableType() == TableType.ICEBERG) {
            return true;
        }
        try {
            OperationGuard.requireCompactableHiveTable(table);
            return true;
        }
        catch (DredgeException e) {
            return false;
        }
    }
}

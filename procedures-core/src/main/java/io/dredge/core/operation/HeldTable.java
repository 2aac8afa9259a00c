package io.dredge.core.operation;

import io.dredge.core.DredgeException;
import io.dredge.core.journal.CompactionDetails;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.PartitionState;
import io.dredge.core.model.Locations;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;

import java.util.Optional;

import static io.dredge.core.DredgeException.Kind.UNSAFE;
import static io.dredge.core.operation.TableLocks.LOCK_PARAMETER;
import static java.util.Objects.requireNonNull;

/**
 * Finds the table a running Hive operation holds, by what it is rather than by its name: a table can be renamed,
 * or dropped and created again under the same name, while an operation runs or waits for recover. The lock
 * parameter ({@link TableLocks#LOCK_PARAMETER}) that the operation set on the table stays with it through a rename.
 */
public final class HeldTable
{
    private final MaintenanceContext context;

    public HeldTable(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
    }

    /**
     * The table {@code record}'s operation holds: under its name when that table carries the operation's lock (or no
     * table carries it), else the table of the schema that carries it, renamed. Empty when it was dropped. A table
     * renamed into another schema is refused: the operation's journal lives with its schema, so it is left
     * unfinished, and nothing is deleted.
     */
    public Optional<TableDescriptor> locate(OperationRecord record)
    {
        Optional<TableDescriptor> byName = context.metastore().getTable(record.table());
        if (byName.isPresent() && (holds(byName.get(), record.id()) || byName.get().tableType() == TableType.ICEBERG)) {
            return byName;
        }
        Optional<TableDescriptor> renamed = findHolder(record.table().schemaName(), record.id());
        if (renamed.isPresent()) {
            return renamed;
        }
        if (byName.isEmpty() && record.details() instanceof CompactionDetails compaction && !compaction.partitionsIn(PartitionState.SWAPPED).isEmpty()) {
            // before anything that a table renamed elsewhere may still read is deleted, look there too
            for (String schema : context.metastore().listSchemas()) {
                if (!schema.equals(record.table().schemaName())) {
                    findHolder(schema, record.id()).ifPresent(moved -> {
                        throw new DredgeException(UNSAFE, "table %s was renamed to %s while operation %s ran; rename it back to %s and run recover there, nothing was changed"
                                .formatted(record.table(), moved.table(), record.id(), record.table()));
                    });
                }
            }
        }
        // a crash before the lock was set leaves no mark: the name is all there is
        return byName;
    }

    /**
     * The table of {@code schema} that carries operation {@code operationId}'s lock, whatever its name.
     */
    public Optional<TableDescriptor> findHolder(String schema, String operationId)
    {
        for (String name : context.metastore().listTables(schema)) {
            Optional<TableDescriptor> candidate = context.metastore().getTable(new TableReference(schema, name));
            if (candidate.isPresent() && holds(candidate.get(), operationId)) {
                return candidate;
            }
        }
        return Optional.empty();
    }

    public static boolean holds(TableDescriptor table, String operationId)
    {
        return table.parameter(LOCK_PARAMETER).equals(Optional.of(operationId));
    }
}

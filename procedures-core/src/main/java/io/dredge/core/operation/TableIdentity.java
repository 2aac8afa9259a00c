package io.dredge.core.operation;

import io.dredge.core.DredgeException;
import io.dredge.core.iceberg.IcebergTableMetadata;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableType;

import java.util.Locale;
import java.util.Optional;

import static io.dredge.core.DredgeException.Kind.UNSAFE;

/**
 * What identifies a table across renames, so that rollback, cleanup and recover act on the table an operation ran
 * on, not on whatever now has its name: an Iceberg table's UUID. Trino's metastore model (483) carries neither the
 * creation time nor the id of a Hive table, so operations on Hive tables record no identity and are matched by name.
 */
public final class TableIdentity
{
    private TableIdentity() {}

    public static Optional<String> of(MaintenanceContext context, TableDescriptor table)
    {
        if (table.tableType() == TableType.ICEBERG) {
            return Optional.of(IcebergTableMetadata.read(context.fileStore(), table).identity());
        }
        return Optional.empty();
    }

    /**
     * Why the operation's table name now means another table, or empty when it means the same table, names no table,
     * or the operation recorded no identity.
     */
    public static Optional<String> mismatch(MaintenanceContext context, OperationRecord operation)
    {
        if (operation.tableIdentity().isEmpty()) {
            return Optional.empty();
        }
        return context.metastore().getTable(operation.table())
                .flatMap(table -> mismatch(context, table, operation));
    }

    /**
     * As {@link #mismatch(MaintenanceContext, OperationRecord)}, and a name that names no table counts: for a running
     * operation, whose table was there when it started, a name that means nothing now means its table was dropped or
     * renamed.
     */
    public static Optional<String> replaced(MaintenanceContext context, OperationRecord operation)
    {
        if (context.metastore().getTable(operation.table()).isEmpty()) {
            return Optional.of("table %s was dropped or renamed while operation %s ran".formatted(operation.table(), operation.id()));
        }
        return mismatch(context, operation);
    }

    public static void requireSame(MaintenanceContext context, TableDescriptor table, OperationRecord operation)
    {
        mismatch(context, table, operation).ifPresent(message -> {
            throw new DredgeException(UNSAFE, message + "; nothing was changed");
        });
    }

    private static Optional<String> mismatch(MaintenanceContext context, TableDescriptor table, OperationRecord operation)
    {
        if (operation.tableIdentity().isEmpty()) {
            return Optional.empty();
        }
        String recorded = operation.tableIdentity().get();
        Optional<String> current = table.view() ? Optional.empty() : of(context, table);
        if (current.equals(Optional.of(recorded))) {
            return Optional.empty();
        }
        return Optional.of("%s is no longer the table that operation %s ran on (%s then, %s now): that table was dropped or renamed, and the name now means another table"
                .formatted(operation.table(), operation.id(), recorded, current.orElse(table.view() ? "a view" : "a " + table.tableType().name().toLowerCase(Locale.ROOT) + " table")));
    }
}

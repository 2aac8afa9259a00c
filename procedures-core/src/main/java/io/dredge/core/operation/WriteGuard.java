package io.dredge.core.operation;

import io.dredge.core.model.TableReference;

import java.util.Map;
import java.util.Optional;

import static io.dredge.core.operation.TableLocks.LOCK_PARAMETER;
import static java.util.Objects.requireNonNull;

/**
 * What an engine's guard hook tells a statement that changes a table a Dredge operation holds: the operation marks the
 * table with {@link TableLocks#LOCK_PARAMETER} while it runs (and a crashed one until {@code recover} closes it),
 * whichever engine started it. One read of the table's parameters decides; nothing is listed.
 */
public final class WriteGuard
{
    private WriteGuard() {}

    /**
     * Why {@code statement} (what the engine calls the statement, for the user to recognise it), which changes
     * {@code table}, whose metastore parameters are {@code parameters}, must wait; empty when it may run.
     */
    public static Optional<String> refusal(TableReference table, Map<String, String> parameters, String statement)
    {
        requireNonNull(statement, "statement is null");
        String operationId = parameters.get(LOCK_PARAMETER);
        if (operationId == null || operationId.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(("Dredge: table %1$s is held by operation %2$s, so statements that change it are refused until it finishes (this one is %5$s). "
                + "See it with SELECT * FROM dredge.system.operations WHERE operation_id = '%2$s' (Trino) or SELECT dredge_operations('%3$s', '%4$s') (Hive); "
                + "if it is not running any more, CALL dredge.system.recover(schema_name => '%3$s', table_name => '%4$s') (Trino) or SELECT dredge_recover('%3$s', '%4$s') (Hive) closes it")
                .formatted(table, operationId, table.schemaName(), table.tableName(), statement));
    }
}

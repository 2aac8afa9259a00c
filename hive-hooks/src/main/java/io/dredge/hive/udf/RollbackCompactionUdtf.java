package io.dredge.hive.udf;

import io.dredge.core.compaction.Rollback;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.TableReference;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.hive.adapter.HiveAuthorization;
import org.apache.hadoop.hive.ql.exec.Description;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code dredge_rollback_compaction(schema, table [, operation_id])}: as Trino's {@code rollback_compaction}, the
 * table's latest compaction (or the given one) undone, whichever engine ran it.
 */
@Description(
        name = "dredge_rollback_compaction",
        value = "_FUNC_(schema, table [, operation_id]) - undoes a table's latest (or the given) compaction, back to exactly the files it had before")
public class RollbackCompactionUdtf
        extends MaintenanceFunction
{
    public RollbackCompactionUdtf()
    {
        super("dredge_rollback_compaction", List.of("schema", "table", "operation_id"), 2);
    }

    @Override
    List<OperationRecord> run(MaintenanceContext context, List<Optional<String>> values, Map<String, String> options)
    {
        TableReference table = new TableReference(identifier(values.get(0)), identifier(values.get(1)));
        HiveAuthorization.requireWrite(table);
        return List.of(new Rollback(context).rollback(table, values.get(2).map(String::strip)));
    }
}

package io.dredge.hive.udf;

import io.dredge.core.DredgeException;
import io.dredge.core.compaction.Recovery;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.TableReference;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.hive.adapter.HiveAuthorization;
import org.apache.hadoop.hive.ql.exec.Description;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;

/**
 * {@code dredge_recover(schema, table)} or {@code dredge_recover(schema, NULL, operation_id)}: as Trino's
 * {@code recover}, finishes or undoes whatever a crash left unfinished on the table (or the one operation, wherever
 * its table is now), whichever engine was running it.
 */
@Description(
        name = "dredge_recover",
        value = "_FUNC_(schema, table) or _FUNC_(schema, NULL, operation_id) - finishes or undoes what a crashed Dredge operation left on the table")
public class RecoverUdtf
        extends MaintenanceFunction
{
    public RecoverUdtf()
    {
        super("dredge_recover", List.of("schema", "table", "operation_id"), 1);
    }

    @Override
    List<OperationRecord> run(MaintenanceContext context, List<Optional<String>> values, Map<String, String> options)
    {
        Optional<String> table = values.get(1).filter(value -> !value.isBlank());
        Optional<String> operationId = values.get(2).filter(value -> !value.isBlank());
        if (table.isEmpty() == operationId.isEmpty()) {
            throw new DredgeException(INVALID_ARGUMENT, "dredge_recover: give table or operation_id, not both or neither");
        }
        Recovery recovery = new Recovery(context);
        if (table.isPresent()) {
            TableReference reference = new TableReference(identifier(values.get(0)), identifier(table));
            HiveAuthorization.requireWrite(reference);
            return List.of(recovery.recover(reference));
        }
        // by id, the core lets only the operation's own user close one whose table is gone; otherwise the user must
        // be allowed to write the table, wherever a rename has taken it
        String schema = identifier(values.get(0));
        String id = operationId.get().strip();
        recovery.locate(schema, id).ifPresent(HiveAuthorization::requireWrite);
        return List.of(recovery.recover(schema, id));
    }
}

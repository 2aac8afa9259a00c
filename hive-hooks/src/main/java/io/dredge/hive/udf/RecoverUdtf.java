package io.dredge.hive.udf;

import io.dredge.core.compaction.MaintenanceContext;
import io.dredge.core.compaction.Recovery;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.TableReference;
import org.apache.hadoop.hive.ql.exec.Description;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code dredge_recover(schema, table)}: as Trino's {@code recover}, finishes or undoes whatever a crash left
 * unfinished on the table, whichever engine was running it.
 */
@Description(
        name = "dredge_recover",
        value = "_FUNC_(schema, table) - finishes or undoes what a crashed Dredge operation left on the table")
public class RecoverUdtf
        extends MaintenanceFunction
{
    public RecoverUdtf()
    {
        super("dredge_recover", List.of("schema", "table"), 2);
    }

    @Override
    List<OperationRecord> run(MaintenanceContext context, List<Optional<String>> values, Map<String, String> options)
    {
        return List.of(new Recovery(context).recover(new TableReference(identifier(values.get(0)), identifier(values.get(1)))));
    }
}

package io.dredge.hive.udf;

import io.dredge.core.hygiene.OrphanRemoval;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.hive.adapter.HiveAuthorization;
import org.apache.hadoop.hive.ql.exec.Description;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code dredge_restore_orphan_files(operation_id)}: as Trino's {@code restore_orphan_files}, puts back what a
 * removal of orphan files moved to the quarantine.
 */
@Description(
        name = "dredge_restore_orphan_files",
        value = "_FUNC_(operation_id) - puts back the files a removal of orphan files moved to the quarantine")
public class RestoreOrphanFilesUdtf
        extends MaintenanceFunction
{
    public RestoreOrphanFilesUdtf()
    {
        super("dredge_restore_orphan_files", List.of("operation_id"), 1);
    }

    @Override
    List<OperationRecord> run(MaintenanceContext context, List<Optional<String>> values, Map<String, String> options)
    {
        OrphanRemoval removal = new OrphanRemoval(context);
        String operationId = values.get(0).orElseThrow().strip();
        // the user must be allowed to write the table the files go back to
        removal.find(operationId).map(OperationRecord::table).ifPresent(HiveAuthorization::requireWrite);
        return List.of(removal.restore(operationId));
    }
}

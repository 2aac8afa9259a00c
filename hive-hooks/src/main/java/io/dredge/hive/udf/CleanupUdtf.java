package io.dredge.hive.udf;

import io.dredge.core.Units;
import io.dredge.core.compaction.Cleanup;
import io.dredge.core.compaction.MaintenanceContext;
import io.dredge.core.journal.OperationRecord;
import org.apache.hadoop.hive.ql.exec.Description;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code dredge_cleanup(schema [, table [, older_than]])}: as Trino's {@code cleanup}, irreversibly deletes the
 * original data and backup tables of compactions that finished at least {@code older_than} (default 7d) ago.
 */
@Description(
        name = "dredge_cleanup",
        value = "_FUNC_(schema [, table [, older_than]]) - deletes the originals kept by compactions finished at least older_than (default '7d') ago; they can no longer be rolled back")
public class CleanupUdtf
        extends MaintenanceFunction
{
    private static final String DEFAULT_OLDER_THAN = "7d";

    public CleanupUdtf()
    {
        super("dredge_cleanup", List.of("schema", "table", "older_than"), 1);
    }

    @Override
    List<OperationRecord> run(MaintenanceContext context, List<Optional<String>> values, Map<String, String> options)
    {
        return new Cleanup(context).cleanup(
                identifier(values.get(0)),
                values.get(1).filter(table -> !table.isBlank()).map(table -> identifier(Optional.of(table))),
                Units.duration(values.get(2).orElse(DEFAULT_OLDER_THAN), "older_than"));
    }
}

package io.dredge.hive.udf;

import io.dredge.core.Units;
import io.dredge.core.compaction.Cleanup;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.hive.adapter.HiveAuthorization;
import org.apache.hadoop.hive.ql.exec.Description;
import org.apache.hadoop.hive.ql.session.SessionState;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code dredge_cleanup(schema [, table [, older_than]])}: as Trino's {@code cleanup}, irreversibly deletes the
 * original data and backup tables of compactions that finished at least {@code older_than} (default 7d) ago, and the
 * quarantines of removals of orphan files that finished at least {@code older_than} (default
 * {@code dredge.quarantine-retention}, 7d) ago.
 */
@Description(
        name = "dredge_cleanup",
        value = "_FUNC_(schema [, table [, older_than]]) - deletes the originals kept by compactions finished at least older_than (default '7d') ago, and the quarantines of orphan removals as old (default dredge.quarantine-retention); they can no longer be rolled back or restored")
public class CleanupUdtf
        extends MaintenanceFunction
{
    private static final String DEFAULT_OLDER_THAN = "7d";
    public static final String QUARANTINE_RETENTION = "dredge.quarantine-retention";

    public CleanupUdtf()
    {
        super("dredge_cleanup", List.of("schema", "table", "older_than"), 1);
    }

    @Override
    List<OperationRecord> run(MaintenanceContext context, List<Optional<String>> values, Map<String, String> options)
    {
        String schema = identifier(values.get(0));
        Optional<String> table = values.get(1).filter(name -> !name.isBlank()).map(name -> identifier(Optional.of(name)));
        Duration olderThan = Units.duration(values.get(2).orElse(DEFAULT_OLDER_THAN), "older_than");
        Duration quarantineOlderThan = values.get(2).isPresent()
                ? olderThan
                : Units.duration(SessionState.get().getConf().get(QUARANTINE_RETENTION, DEFAULT_OLDER_THAN), QUARANTINE_RETENTION);
        // cleanup deletes data of every table whose compactions it closes: the user must be allowed to write each
        context.journal().list(schema).stream()
                .map(OperationRecord::table)
                .filter(reference -> table.isEmpty() || table.get().equals(reference.tableName()))
                .distinct()
                .filter(reference -> context.metastore().getTable(reference).isPresent())
                .forEach(HiveAuthorization::requireWrite);
        return new Cleanup(context).cleanup(schema, table, olderThan, quarantineOlderThan);
    }
}

package io.dredge.hive.udf;

import io.dredge.core.Units;
import io.dredge.core.hygiene.OrphanOptions;
import io.dredge.core.hygiene.OrphanRemoval;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.TableReference;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.hive.adapter.HiveAuthorization;
import org.apache.hadoop.hive.ql.exec.Description;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code dredge_remove_orphan_files(schema, table [, options])}: as Trino's {@code remove_orphan_files}, moves the
 * files of a table's location that nothing reads to the quarantine; the options are that procedure's arguments.
 */
@Description(
        name = "dredge_remove_orphan_files",
        value = "_FUNC_(schema, table [, map(option, value)]) - moves files of the table's location that nothing reads, older than older_than (default '3d', at least '1d'), to the quarantine; options: older_than, dry_run, purge, dry_run_id (remove only what that dry run listed)")
public class RemoveOrphanFilesUdtf
        extends MaintenanceFunction
{
    private static final String FUNCTION = "dredge_remove_orphan_files";
    private static final Set<String> OPTIONS = Set.of("older_than", "dry_run", "purge", "dry_run_id");

    public RemoveOrphanFilesUdtf()
    {
        super(FUNCTION, List.of("schema", "table", DredgeTableFunction.OPTIONS), 2);
    }

    @Override
    List<OperationRecord> run(MaintenanceContext context, List<Optional<String>> values, Map<String, String> options)
    {
        requireKnownOptions(FUNCTION, options, OPTIONS);
        TableReference table = new TableReference(identifier(values.get(0)), identifier(values.get(1)));
        boolean dryRun = booleanOption(options, "dry_run", false);
        boolean purge = booleanOption(options, "purge", false);
        Optional<String> olderThan = Optional.ofNullable(options.get("older_than"));
        Optional<String> dryRunId = Optional.ofNullable(options.get("dry_run_id"));
        dryRunId.ifPresent(id -> OrphanOptions.requireListingOnly(id, olderThan, dryRun));
        HiveAuthorization.requireWrite(table);
        OrphanRemoval removal = new OrphanRemoval(context);
        if (dryRunId.isPresent()) {
            return List.of(removal.removeListed(table, dryRunId.get(), purge));
        }
        return List.of(removal.remove(table, new OrphanOptions(olderThan.map(value -> Units.duration(value, "older_than")).orElse(OrphanOptions.DEFAULT_AGE), dryRun, purge)));
    }
}

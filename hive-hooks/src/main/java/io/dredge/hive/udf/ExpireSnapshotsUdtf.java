package io.dredge.hive.udf;

import io.dredge.core.DredgeException;
import io.dredge.core.Units;
import io.dredge.core.hygiene.ExpiryOptions;
import io.dredge.core.hygiene.SnapshotExpiry;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.TableReference;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.hive.adapter.HiveAuthorization;
import org.apache.hadoop.hive.ql.exec.Description;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;

/**
 * {@code dredge_expire_snapshots(schema, table [, options])}: Trino's {@code expire_snapshots} by name and arguments.
 * Iceberg snapshots are expired through Trino's Dredge (the engine's own expiry commits them), so for an Iceberg table
 * this refuses naming that procedure, and for a Hive table it says that it has no snapshots.
 */
@Description(
        name = "dredge_expire_snapshots",
        value = "_FUNC_(schema, table [, map(option, value)]) - expires an Iceberg table's old snapshots through Trino's Dredge (CALL dredge.system.expire_snapshots); options: older_than, retain_last, dry_run")
public class ExpireSnapshotsUdtf
        extends MaintenanceFunction
{
    private static final String FUNCTION = "dredge_expire_snapshots";
    private static final Set<String> OPTIONS = Set.of("older_than", "retain_last", "dry_run");

    public ExpireSnapshotsUdtf()
    {
        super(FUNCTION, List.of("schema", "table", DredgeTableFunction.OPTIONS), 2);
    }

    @Override
    List<OperationRecord> run(MaintenanceContext context, List<Optional<String>> values, Map<String, String> options)
    {
        requireKnownOptions(FUNCTION, options, OPTIONS);
        ExpiryOptions expiry = new ExpiryOptions(
                Units.duration(options.getOrDefault("older_than", "7d"), "older_than"),
                retainLast(options.getOrDefault("retain_last", "1")),
                booleanOption(options, "dry_run", false));
        TableReference table = new TableReference(identifier(values.get(0)), identifier(values.get(1)));
        HiveAuthorization.requireWrite(table);
        return List.of(new SnapshotExpiry(context).expire(table, expiry));
    }

    private static int retainLast(String value)
    {
        try {
            return Integer.parseInt(value.strip());
        }
        catch (NumberFormatException e) {
            throw new DredgeException(INVALID_ARGUMENT, "retain_last must be a whole number: '%s'".formatted(value));
        }
    }
}

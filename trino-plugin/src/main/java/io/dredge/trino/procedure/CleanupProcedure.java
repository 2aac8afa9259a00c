package io.dredge.trino.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import com.google.inject.Provider;
import io.airlift.log.Logger;
import io.dredge.core.Units;
import io.dredge.core.compaction.Cleanup;
import io.dredge.core.journal.OperationRecord;
import io.dredge.trino.DredgeMaintenance;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.procedure.Procedure;
import io.trino.spi.procedure.Procedure.Argument;

import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Optional;

import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;
import static io.dredge.trino.procedure.ProcedureArguments.requireName;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.invoke.MethodHandles.lookup;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL system.cleanup(schema_name, table_name, older_than)}: irreversibly deletes the original data and
 * backup tables of compactions that finished at least {@code older_than} (default 7d) ago, and the quarantines of
 * removals of orphan files that finished at least {@code older_than} (default {@code dredge.quarantine-retention}) ago.
 */
public class CleanupProcedure
        implements Provider<Procedure>
{
    private static final Logger log = Logger.get(CleanupProcedure.class);

    private static final String DEFAULT_OLDER_THAN = "7d";

    private static final MethodHandle CLEANUP;

    static {
        try {
            CLEANUP = lookup().unreflect(CleanupProcedure.class.getMethod("cleanup", ConnectorSession.class, String.class, String.class, String.class));
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private final DredgeMaintenance maintenance;

    @Inject
    public CleanupProcedure(DredgeMaintenance maintenance)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
    }

    @Override
    public Procedure get()
    {
        return new Procedure(
                SYSTEM_SCHEMA,
                "cleanup",
                ImmutableList.of(
                        new Argument("SCHEMA_NAME", VARCHAR),
                        new Argument("TABLE_NAME", VARCHAR, false, null),
                        new Argument("OLDER_THAN", VARCHAR, false, null)),
                CLEANUP.bindTo(this));
    }

    public void cleanup(ConnectorSession session, String schemaName, String tableName, String olderThan)
    {
        DredgeMaintenance.run(() -> {
            String schema = requireName(schemaName, "schema_name");
            Optional<String> table = Optional.ofNullable(tableName).map(name -> requireName(name, "table_name"));
            List<OperationRecord> results = new Cleanup(maintenance.context(session)).cleanup(schema, table,
                    retention(Optional.ofNullable(olderThan).orElse(DEFAULT_OLDER_THAN)),
                    Optional.ofNullable(olderThan).map(CleanupProcedure::retention).orElseGet(maintenance::quarantineRetention));
            log.info("cleanup of %s%s by %s: %s compactions cleaned", schema, table.map(name -> "." + name).orElse(""), session.getUser(), results.size());
            return results;
        });
    }

    /**
     * A retention as airlift writes durations ({@code 7d}, {@code 12h}, {@code 30m}, {@code 0s}; the unit's case does
     * not matter).
     */
    static java.time.Duration retention(String value)
    {
        return Units.duration(value, "older_than");
    }
}

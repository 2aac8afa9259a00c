package io.dredge.trino.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import com.google.inject.Provider;
import io.airlift.log.Logger;
import io.dredge.core.Units;
import io.dredge.core.hygiene.OrphanOptions;
import io.dredge.core.hygiene.OrphanRemoval;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.TableReference;
import io.dredge.trino.DredgeMaintenance;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.procedure.Procedure;
import io.trino.spi.procedure.Procedure.Argument;

import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;
import static io.dredge.trino.procedure.ProcedureArguments.requireBoolean;
import static io.dredge.trino.procedure.ProcedureArguments.requireName;
import static io.trino.spi.type.BooleanType.BOOLEAN;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.invoke.MethodHandles.lookup;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL system.remove_orphan_files(schema_name, table_name, older_than, dry_run, purge, dry_run_id)}: files of a
 * Hive or Iceberg table's location that nothing references, moved to a quarantine (see {@link OrphanRemoval}); with
 * {@code dry_run_id}, only what that dry run listed.
 */
public class RemoveOrphanFilesProcedure
        implements Provider<Procedure>
{
    private static final Logger log = Logger.get(RemoveOrphanFilesProcedure.class);

    private static final MethodHandle REMOVE_ORPHAN_FILES;

    static {
        try {
            REMOVE_ORPHAN_FILES = lookup().unreflect(RemoveOrphanFilesProcedure.class.getMethod("removeOrphanFiles",
                    ConnectorSession.class, String.class, String.class, String.class, Boolean.class, Boolean.class, String.class));
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private final DredgeMaintenance maintenance;

    @Inject
    public RemoveOrphanFilesProcedure(DredgeMaintenance maintenance)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
    }

    @Override
    public Procedure get()
    {
        return new Procedure(
                SYSTEM_SCHEMA,
                "remove_orphan_files",
                ImmutableList.of(
                        new Argument("SCHEMA_NAME", VARCHAR),
                        new Argument("TABLE_NAME", VARCHAR),
                        new Argument("OLDER_THAN", VARCHAR, false, null),
                        new Argument("DRY_RUN", BOOLEAN, false, false),
                        new Argument("PURGE", BOOLEAN, false, false),
                        new Argument("DRY_RUN_ID", VARCHAR, false, null)),
                REMOVE_ORPHAN_FILES.bindTo(this));
    }

    public void removeOrphanFiles(ConnectorSession session, String schemaName, String tableName, String olderThan, Boolean dryRun, Boolean purge, String dryRunId)
    {
        DredgeMaintenance.run(() -> {
            TableReference table = new TableReference(requireName(schemaName, "schema_name"), requireName(tableName, "table_name"));
            boolean dry = requireBoolean(dryRun, "dry_run");
            boolean purging = requireBoolean(purge, "purge");
            OrphanRemoval removal = new OrphanRemoval(maintenance.context(session));
            OperationRecord result;
            if (dryRunId != null) {
                OrphanOptions.requireListingOnly(dryRunId, Optional.ofNullable(olderThan), dry);
                result = removal.removeListed(table, dryRunId, purging);
            }
            else {
                result = removal.remove(table, new OrphanOptions(olderThan == null ? OrphanOptions.DEFAULT_AGE : Units.duration(olderThan, "older_than"), dry, purging));
            }
            log.info("remove_orphan_files %s by %s: operation %s %s: %s", table, session.getUser(), result.id(), result.state(), result.step());
            return result;
        });
    }
}

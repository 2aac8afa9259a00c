package io.dredge.trino.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import com.google.inject.Provider;
import io.airlift.log.Logger;
import io.dredge.core.Units;
import io.dredge.core.hygiene.ExpiryOptions;
import io.dredge.core.hygiene.SnapshotExpiry;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.TableReference;
import io.dredge.trino.DredgeMaintenance;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.procedure.Procedure;
import io.trino.spi.procedure.Procedure.Argument;

import java.lang.invoke.MethodHandle;

import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;
import static io.dredge.trino.procedure.ProcedureArguments.requireBoolean;
import static io.dredge.trino.procedure.ProcedureArguments.requireName;
import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.BooleanType.BOOLEAN;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.invoke.MethodHandles.lookup;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL system.expire_snapshots(schema_name, table_name, older_than, retain_last, dry_run, dry_run_id)}: expiry
 * of an Iceberg table's old snapshots that keeps what Dredge can still roll back to (see {@link SnapshotExpiry}); with
 * {@code dry_run_id}, exactly what that dry run listed.
 */
public class ExpireSnapshotsProcedure
        implements Provider<Procedure>
{
    private static final Logger log = Logger.get(ExpireSnapshotsProcedure.class);

    static final String DEFAULT_OLDER_THAN = "7d";
    static final long DEFAULT_RETAIN_LAST = 1;

    private static final MethodHandle EXPIRE_SNAPSHOTS;

    static {
        try {
            EXPIRE_SNAPSHOTS = lookup().unreflect(ExpireSnapshotsProcedure.class.getMethod("expireSnapshots",
                    ConnectorSession.class, String.class, String.class, String.class, Long.class, Boolean.class, String.class));
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private final DredgeMaintenance maintenance;

    @Inject
    public ExpireSnapshotsProcedure(DredgeMaintenance maintenance)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
    }

    @Override
    public Procedure get()
    {
        return new Procedure(
                SYSTEM_SCHEMA,
                "expire_snapshots",
                ImmutableList.of(
                        new Argument("SCHEMA_NAME", VARCHAR),
                        new Argument("TABLE_NAME", VARCHAR),
                        new Argument("OLDER_THAN", VARCHAR, false, null),
                        new Argument("RETAIN_LAST", BIGINT, false, null),
                        new Argument("DRY_RUN", BOOLEAN, false, false),
                        new Argument("DRY_RUN_ID", VARCHAR, false, null)),
                EXPIRE_SNAPSHOTS.bindTo(this));
    }

    public void expireSnapshots(ConnectorSession session, String schemaName, String tableName, String olderThan, Long retainLast, Boolean dryRun, String dryRunId)
    {
        DredgeMaintenance.run(() -> {
            TableReference table = new TableReference(requireName(schemaName, "schema_name"), requireName(tableName, "table_name"));
            boolean dry = requireBoolean(dryRun, "dry_run");
            SnapshotExpiry expiry = new SnapshotExpiry(maintenance.context(session));
            OperationRecord result;
            if (dryRunId != null) {
                if (olderThan != null || retainLast != null || dry || dryRunId.isBlank()) {
                    throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "dry_run_id carries out a dry run with its own older_than and retain_last: give it alone, not empty");
                }
                result = expiry.expireListed(table, dryRunId);
            }
            else {
                long retain = retainLast == null ? DEFAULT_RETAIN_LAST : retainLast;
                if (retain > Integer.MAX_VALUE) {
                    throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "retain_last is too large: " + retain);
                }
                result = expiry.expire(table, new ExpiryOptions(Units.duration(olderThan == null ? DEFAULT_OLDER_THAN : olderThan, "older_than"), (int) retain, dry));
            }
            log.info("expire_snapshots %s by %s: operation %s %s: %s", table, session.getUser(), result.id(), result.state(), result.step());
            return result;
        });
    }
}

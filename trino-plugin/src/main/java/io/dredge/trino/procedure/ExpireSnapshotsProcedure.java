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

import static io.airlift.slice.Slices.utf8Slice;
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
 * {@code CALL system.expire_snapshots(schema_name, table_name, older_than, retain_last, dry_run)}: expiry of an
 * Iceberg table's old snapshots that keeps what Dredge can still roll back to (see {@link SnapshotExpiry}).
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
                    ConnectorSession.class, String.class, String.class, String.class, Long.class, Boolean.class));
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
                        new Argument("OLDER_THAN", VARCHAR, false, utf8Slice(DEFAULT_OLDER_THAN)),
                        new Argument("RETAIN_LAST", BIGINT, false, DEFAULT_RETAIN_LAST),
                        new Argument("DRY_RUN", BOOLEAN, false, false)),
                EXPIRE_SNAPSHOTS.bindTo(this));
    }

    public void expireSnapshots(ConnectorSession session, String schemaName, String tableName, String olderThan, Long retainLast, Boolean dryRun)
    {
        DredgeMaintenance.run(() -> {
            TableReference table = new TableReference(requireName(schemaName, "schema_name"), requireName(tableName, "table_name"));
            long retain = retainLast == null ? DEFAULT_RETAIN_LAST : retainLast;
            if (retain > Integer.MAX_VALUE) {
                throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "retain_last is too large: " + retain);
            }
            ExpiryOptions options = new ExpiryOptions(
                    Units.duration(olderThan == null ? DEFAULT_OLDER_THAN : olderThan, "older_than"),
                    (int) retain,
                    requireBoolean(dryRun, "dry_run"));
            OperationRecord result = new SnapshotExpiry(maintenance.context(session)).expire(table, options);
            log.info("expire_snapshots %s by %s: operation %s %s: %s", table, session.getUser(), result.id(), result.state(), result.step());
            return result;
        });
    }
}

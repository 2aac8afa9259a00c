package io.dredge.trino.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import com.google.inject.Provider;
import io.airlift.log.Logger;
import io.dredge.core.compaction.Rollback;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.TableReference;
import io.dredge.trino.DredgeMaintenance;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.procedure.Procedure;
import io.trino.spi.procedure.Procedure.Argument;

import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;
import static io.dredge.trino.procedure.ProcedureArguments.requireName;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.invoke.MethodHandles.lookup;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL system.rollback_compaction(schema_name, table_name, operation_id)}: the table's latest compaction
 * (or the given one) undone, back to exactly the files it had before.
 */
public class RollbackCompactionProcedure
        implements Provider<Procedure>
{
    private static final Logger log = Logger.get(RollbackCompactionProcedure.class);

    private static final MethodHandle ROLLBACK;

    static {
        try {
            ROLLBACK = lookup().unreflect(RollbackCompactionProcedure.class.getMethod("rollback", ConnectorSession.class, String.class, String.class, String.class));
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private final DredgeMaintenance maintenance;

    @Inject
    public RollbackCompactionProcedure(DredgeMaintenance maintenance)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
    }

    @Override
    public Procedure get()
    {
        return new Procedure(
                SYSTEM_SCHEMA,
                "rollback_compaction",
                ImmutableList.of(
                        new Argument("SCHEMA_NAME", VARCHAR),
                        new Argument("TABLE_NAME", VARCHAR),
                        new Argument("OPERATION_ID", VARCHAR, false, null)),
                ROLLBACK.bindTo(this));
    }

    public void rollback(ConnectorSession session, String schemaName, String tableName, String operationId)
    {
        DredgeMaintenance.run(() -> {
            TableReference table = new TableReference(requireName(schemaName, "schema_name"), requireName(tableName, "table_name"));
            OperationRecord result = new Rollback(maintenance.context(session)).rollback(table, Optional.ofNullable(operationId));
            log.info("rollback_compaction %s by %s: %s", table, session.getUser(), result.step());
            return result;
        });
    }
}

package io.dredge.trino.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import com.google.inject.Provider;
import io.airlift.log.Logger;
import io.dredge.core.compaction.Recovery;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.TableReference;
import io.dredge.trino.DredgeMaintenance;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.procedure.Procedure;
import io.trino.spi.procedure.Procedure.Argument;

import java.lang.invoke.MethodHandle;

import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;
import static io.dredge.trino.procedure.ProcedureArguments.requireName;
import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.invoke.MethodHandles.lookup;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL system.recover(schema_name, table_name)}: finishes or undoes whatever a crash left unfinished on the table.
 */
public class RecoverProcedure
        implements Provider<Procedure>
{
    private static final Logger log = Logger.get(RecoverProcedure.class);

    private static final MethodHandle RECOVER;

    static {
        try {
            RECOVER = lookup().unreflect(RecoverProcedure.class.getMethod("recover", ConnectorSession.class, String.class, String.class, String.class));
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private final DredgeMaintenance maintenance;

    @Inject
    public RecoverProcedure(DredgeMaintenance maintenance)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
    }

    @Override
    public Procedure get()
    {
        return new Procedure(
                SYSTEM_SCHEMA,
                "recover",
                ImmutableList.of(
                        new Argument("SCHEMA_NAME", VARCHAR),
                        new Argument("TABLE_NAME", VARCHAR, false, null),
                        new Argument("OPERATION_ID", VARCHAR, false, null)),
                RECOVER.bindTo(this));
    }

    public void recover(ConnectorSession session, String schemaName, String tableName, String operationId)
    {
        DredgeMaintenance.run(() -> {
            String schema = requireName(schemaName, "schema_name");
            if (tableName == null && operationId == null) {
                throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "table_name must not be NULL (or give operation_id)");
            }
            if (tableName != null && operationId != null) {
                throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "give table_name or operation_id, not both");
            }
            Recovery recovery = new Recovery(maintenance.context(session));
            OperationRecord result = tableName != null
                    ? recovery.recover(new TableReference(schema, requireName(tableName, "table_name")))
                    : recovery.recover(schema, operationId.strip());
            log.info("recover %s by %s: %s", result.table(), session.getUser(), result.step());
            return result;
        });
    }
}

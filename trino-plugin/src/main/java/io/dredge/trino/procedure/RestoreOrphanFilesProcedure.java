package io.dredge.trino.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import com.google.inject.Provider;
import io.airlift.log.Logger;
import io.dredge.core.hygiene.OrphanRemoval;
import io.dredge.core.journal.OperationRecord;
import io.dredge.trino.DredgeMaintenance;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.procedure.Procedure;
import io.trino.spi.procedure.Procedure.Argument;

import java.lang.invoke.MethodHandle;

import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;
import static io.dredge.trino.procedure.ProcedureArguments.requireText;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.invoke.MethodHandles.lookup;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL system.restore_orphan_files(operation_id)}: the files a {@code remove_orphan_files} moved to the
 * quarantine, put back where they were.
 */
public class RestoreOrphanFilesProcedure
        implements Provider<Procedure>
{
    private static final Logger log = Logger.get(RestoreOrphanFilesProcedure.class);

    private static final MethodHandle RESTORE_ORPHAN_FILES;

    static {
        try {
            RESTORE_ORPHAN_FILES = lookup().unreflect(RestoreOrphanFilesProcedure.class.getMethod("restoreOrphanFiles", ConnectorSession.class, String.class));
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private final DredgeMaintenance maintenance;

    @Inject
    public RestoreOrphanFilesProcedure(DredgeMaintenance maintenance)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
    }

    @Override
    public Procedure get()
    {
        return new Procedure(
                SYSTEM_SCHEMA,
                "restore_orphan_files",
                ImmutableList.of(new Argument("OPERATION_ID", VARCHAR)),
                RESTORE_ORPHAN_FILES.bindTo(this));
    }

    public void restoreOrphanFiles(ConnectorSession session, String operationId)
    {
        DredgeMaintenance.run(() -> {
            OperationRecord result = new OrphanRemoval(maintenance.context(session)).restore(requireText(operationId, "operation_id"));
            log.info("restore_orphan_files %s by %s: %s", operationId, session.getUser(), result.step());
            return result;
        });
    }
}

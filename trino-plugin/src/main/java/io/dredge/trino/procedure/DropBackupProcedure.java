package io.dredge.trino.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import com.google.inject.Provider;
import io.airlift.log.Logger;
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
 * {@code CALL system.drop_backup(backup_name)}: the backup's manifest, and its files that no other backup holds.
 */
public class DropBackupProcedure
        implements Provider<Procedure>
{
    private static final Logger log = Logger.get(DropBackupProcedure.class);

    private static final MethodHandle DROP;

    static {
        try {
            DROP = lookup().unreflect(DropBackupProcedure.class.getMethod("drop", ConnectorSession.class, String.class));
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private final DredgeMaintenance maintenance;

    @Inject
    public DropBackupProcedure(DredgeMaintenance maintenance)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
    }

    @Override
    public Procedure get()
    {
        return new Procedure(SYSTEM_SCHEMA, "drop_backup", ImmutableList.of(new Argument("BACKUP_NAME", VARCHAR)), DROP.bindTo(this));
    }

    public void drop(ConnectorSession session, String backupName)
    {
        DredgeMaintenance.run(() -> {
            long deleted = maintenance.backups(session).drop(requireText(backupName, "backup_name"));
            log.info("drop_backup %s by %s: %s files deleted", backupName, session.getUser(), deleted);
            return deleted;
        });
    }
}

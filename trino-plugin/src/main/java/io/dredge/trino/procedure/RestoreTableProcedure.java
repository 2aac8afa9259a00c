package io.dredge.trino.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import com.google.inject.Provider;
import io.airlift.log.Logger;
import io.dredge.core.backup.BackupVerification;
import io.dredge.core.backup.Backups;
import io.dredge.core.model.TableReference;
import io.dredge.trino.DredgeMaintenance;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.procedure.Procedure;
import io.trino.spi.procedure.Procedure.Argument;

import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;
import static io.dredge.trino.procedure.ProcedureArguments.requireName;
import static io.dredge.trino.procedure.ProcedureArguments.requireText;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.invoke.MethodHandles.lookup;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL system.restore_table(backup_name, schema_name, table_name[, location])}: a new table with the backup's
 * definition, files and rows, read from the backup alone.
 */
public class RestoreTableProcedure
        implements Provider<Procedure>
{
    private static final Logger log = Logger.get(RestoreTableProcedure.class);

    private static final MethodHandle RESTORE;

    static {
        try {
            RESTORE = lookup().unreflect(RestoreTableProcedure.class.getMethod("restore", ConnectorSession.class, String.class, String.class, String.class, String.class, String.class));
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private final DredgeMaintenance maintenance;

    @Inject
    public RestoreTableProcedure(DredgeMaintenance maintenance)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
    }

    @Override
    public Procedure get()
    {
        return new Procedure(
                SYSTEM_SCHEMA,
                "restore_table",
                ImmutableList.of(
                        new Argument("BACKUP_NAME", VARCHAR),
                        new Argument("SCHEMA_NAME", VARCHAR),
                        new Argument("TABLE_NAME", VARCHAR),
                        new Argument("LOCATION", VARCHAR, false, null),
                        new Argument("VERIFY", VARCHAR, false, null)),
                RESTORE.bindTo(this));
    }

    public void restore(ConnectorSession session, String backupName, String schemaName, String tableName, String location, String verify)
    {
        DredgeMaintenance.run(() -> {
            TableReference target = new TableReference(requireName(schemaName, "schema_name"), requireName(tableName, "table_name"));
            Backups.RestoreResult result = maintenance.backups(session).restore(requireText(backupName, "backup_name"), target, Optional.ofNullable(location), Optional.ofNullable(verify).map(BackupVerification::parse));
            log.info("restore_table %s by %s: backup %s, %s files, %s rows at %s", target, session.getUser(), backupName, result.files(), result.rows(), result.location());
            return result;
        });
    }
}

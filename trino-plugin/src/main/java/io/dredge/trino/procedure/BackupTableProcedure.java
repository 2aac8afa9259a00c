package io.dredge.trino.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import com.google.inject.Provider;
import io.airlift.log.Logger;
import io.dredge.core.backup.BackupManifest;
import io.dredge.core.backup.BackupVerification;
import io.dredge.core.model.TableReference;
import io.dredge.trino.DredgeMaintenance;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.procedure.Procedure;
import io.trino.spi.procedure.Procedure.Argument;

import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static io.airlift.slice.Slices.utf8Slice;
import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;
import static io.dredge.trino.procedure.ProcedureArguments.requireName;
import static io.dredge.trino.procedure.ProcedureArguments.requireText;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.invoke.MethodHandles.lookup;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL system.backup_table(schema_name, table_name, backup_name[, location][, verify])}: a verified copy of the table in
 * the backup repository, sharing the files earlier backups of the table already hold.
 */
public class BackupTableProcedure
        implements Provider<Procedure>
{
    private static final Logger log = Logger.get(BackupTableProcedure.class);

    private static final MethodHandle BACKUP;

    static {
        try {
            BACKUP = lookup().unreflect(BackupTableProcedure.class.getMethod("backup", ConnectorSession.class, String.class, String.class, String.class, String.class, String.class));
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private final DredgeMaintenance maintenance;

    @Inject
    public BackupTableProcedure(DredgeMaintenance maintenance)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
    }

    @Override
    public Procedure get()
    {
        return new Procedure(
                SYSTEM_SCHEMA,
                "backup_table",
                ImmutableList.of(
                        new Argument("SCHEMA_NAME", VARCHAR),
                        new Argument("TABLE_NAME", VARCHAR),
                        new Argument("BACKUP_NAME", VARCHAR),
                        new Argument("LOCATION", VARCHAR, false, null),
                        new Argument("VERIFY", VARCHAR, false, utf8Slice(BackupVerification.FILES.sqlName()))),
                BACKUP.bindTo(this));
    }

    public void backup(ConnectorSession session, String schemaName, String tableName, String backupName, String location, String verify)
    {
        DredgeMaintenance.run(() -> {
            TableReference table = new TableReference(requireName(schemaName, "schema_name"), requireName(tableName, "table_name"));
            BackupManifest manifest = maintenance.backups(session).backup(table, requireText(backupName, "backup_name"), Optional.ofNullable(location), BackupVerification.parse(requireText(verify, "verify")));
            log.info("backup_table %s by %s: backup %s, %s files, %s bytes (%s copied), %s rows", table, session.getUser(), manifest.name(), manifest.files().size(), manifest.bytes(), manifest.bytesCopied(), manifest.rows());
            return manifest;
        });
    }
}

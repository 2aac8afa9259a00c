package io.dredge.trino.procedure;

import com.google.common.collect.ImmutableList;
import com.google.inject.Inject;
import com.google.inject.Provider;
import io.airlift.log.Logger;
import io.dredge.core.DredgeException;
import io.dredge.core.backup.Backups;
import io.dredge.trino.DredgeMaintenance;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.procedure.Procedure;
import io.trino.spi.procedure.Procedure.Argument;

import java.lang.invoke.MethodHandle;

import static io.dredge.core.DredgeException.Kind.UNSAFE;
import static io.dredge.trino.DredgeMetadata.SYSTEM_SCHEMA;
import static io.dredge.trino.procedure.ProcedureArguments.requireText;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.lang.invoke.MethodHandles.lookup;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL system.verify_backup(backup_name)}: every file of the backup re-read and compared with the manifest's
 * size and checksum; fails, naming each damaged or missing file, unless all are intact.
 */
public class VerifyBackupProcedure
        implements Provider<Procedure>
{
    private static final Logger log = Logger.get(VerifyBackupProcedure.class);
    private static final int PROBLEMS_SHOWN = 20;

    private static final MethodHandle VERIFY;

    static {
        try {
            VERIFY = lookup().unreflect(VerifyBackupProcedure.class.getMethod("verify", ConnectorSession.class, String.class));
        }
        catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private final DredgeMaintenance maintenance;

    @Inject
    public VerifyBackupProcedure(DredgeMaintenance maintenance)
    {
        this.maintenance = requireNonNull(maintenance, "maintenance is null");
    }

    @Override
    public Procedure get()
    {
        return new Procedure(SYSTEM_SCHEMA, "verify_backup", ImmutableList.of(new Argument("BACKUP_NAME", VARCHAR)), VERIFY.bindTo(this));
    }

    public void verify(ConnectorSession session, String backupName)
    {
        DredgeMaintenance.run(() -> {
            Backups.VerifyResult result = maintenance.backups(session).verify(requireText(backupName, "backup_name"));
            if (!result.problems().isEmpty()) {
                throw new DredgeException(UNSAFE, "backup %s is damaged: %s of %s files fail: %s%s".formatted(
                        backupName,
                        result.problems().size(),
                        result.filesChecked(),
                        String.join("; ", result.problems().subList(0, Math.min(PROBLEMS_SHOWN, result.problems().size()))),
                        result.problems().size() > PROBLEMS_SHOWN ? "; ..." : ""));
            }
            log.info("verify_backup %s by %s: %s files, %s bytes intact", backupName, session.getUser(), result.filesChecked(), result.bytesRead());
            return result;
        });
    }
}

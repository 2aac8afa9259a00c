package io.dredge.hive.adapter;

import io.dredge.core.DredgeException;
import io.dredge.core.backup.BackupRepository;
import io.dredge.core.backup.Backups;
import io.dredge.core.files.LocalFileCopier;


import static io.dredge.core.DredgeException.Kind.NOT_SUPPORTED;

/**
 * The core's {@link Backups} for a Hive session: the repository named by {@link #BACKUP_LOCATION}, the same setting
 * as the Trino catalog's, so that each engine restores what the other backed up; files are copied by HiveServer2.
 */
public final class HiveBackups
{
    public static final String BACKUP_LOCATION = "dredge.backup-location";

    private HiveBackups() {}

    public static Backups backups(HivePorts ports, String user)
    {
        String location = ports.configuration().get(BACKUP_LOCATION);
        if (location == null || location.isBlank()) {
            throw new DredgeException(NOT_SUPPORTED, "backups need a backup repository: set %s in HiveServer2's hive-site.xml (the same as the Trino catalog's)".formatted(BACKUP_LOCATION));
        }
        return new Backups(
                HiveMaintenance.context(ports, user),
                new BackupRepository(ports.fileStore(), location.strip()),
                new LocalFileCopier(ports.fileStore(), HiveRuntime.get().copies()));
    }
}

package io.dredge.core.backup;

import io.dredge.core.files.FileCopier;
import io.dredge.core.iceberg.IcebergBackupFile;
import io.dredge.core.iceberg.IcebergBackupPlan;
import io.dredge.core.iceberg.IcebergTableMetadata;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.operation.Beside;
import io.dredge.core.operation.MaintenanceContext;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An Iceberg backup: the files of every snapshot, branch and tag as the plan lists them (Iceberg never rewrites a
 * file in place, so a file the repository holds under the same path and size is the same file), and the rows of
 * the current snapshot, read by time travel.
 */
final class IcebergBackup
{
    private IcebergBackup() {}

    /**
     * @param started the manifest written {@code RUNNING}
     * @param copied receives each file copied, for the caller to remove if the backup fails
     * @return the manifest of the complete backup
     */
    static BackupManifest run(MaintenanceContext context, FileCopier copier, TableDescriptor table, IcebergBackupPlan plan, BackupRepository repository,
            BackupManifest started, OperationRecord record, List<BackupFile> copied)
    {
        RepositoryFiles files = RepositoryFiles.read(context, copier, repository, table.table(), started.name());
        for (IcebergBackupFile file : plan.files()) {
            files.add(file.relativePath(), file.location(), file.sizeBytes(), files.sameSizedFile(file.relativePath(), file.sizeBytes()));
        }
        if (plan.snapshotId().isEmpty()) {
            return started.completed(List.of(), files.copy(record, copied), 0, Optional.empty());
        }
        long snapshot = plan.snapshotId().get();
        IcebergTableMetadata metadata = IcebergTableMetadata.read(context.fileStore(), table);
        BackupSql sql = new BackupSql(context, context.icebergCatalog());
        if (started.verification() == BackupVerification.ROWS) {
            // the engine's scan and the copy wait on different things (the cluster's CPUs, the storage): side by side
            AtomicReference<BackupSql.Figures> figures = new AtomicReference<>();
            List<BackupFile> backedUp = Beside.run(() -> files.copy(record, copied), () -> figures.set(sql.snapshotFigures(table.table(), snapshot, metadata.columns(snapshot))), context.besideExecutor());
            return started.completed(List.of(), backedUp, figures.get().rows(), Optional.of(figures.get().checksum()));
        }
        // the engine counts only where delete files make the manifests' record counts more than the rows
        OptionalLong recorded = metadata.rowsWithoutDeletes(snapshot);
        long rows = recorded.isPresent() ? recorded.getAsLong() : sql.snapshotRows(table.table(), snapshot);
        return started.completed(List.of(), files.copy(record, copied), rows, Optional.empty());
    }
}

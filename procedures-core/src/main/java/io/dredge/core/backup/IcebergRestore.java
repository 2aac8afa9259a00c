package io.dredge.core.backup;

import io.dredge.core.DredgeException;
import io.dredge.core.files.FileCopies;
import io.dredge.core.iceberg.IcebergRestoreRewriter;
import io.dredge.core.iceberg.IcebergRestoredFiles;
import io.dredge.core.iceberg.IcebergTableMetadata;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.operation.FaultInjector;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.ProtocolStep;
import io.dredge.core.port.Metastore;
import io.dredge.core.sql.SqlDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.dredge.core.DredgeException.Kind.UNSAFE;
import static io.dredge.core.backup.BackupSql.describe;

/**
 * Restores an Iceberg backup: writes its metadata rewritten for the new location, copies the files that name no other
 * file, checks every file against the manifest, registers the table through the engine, and compares the rows of the
 * backed-up snapshot with the manifest's. Whatever fails, nothing is left registered or at the location.
 */
final class IcebergRestore
{
    private static final Logger log = LoggerFactory.getLogger(IcebergRestore.class);

    private IcebergRestore() {}

    static Backups.RestoreResult restore(MaintenanceContext context, BackupManifest manifest, TableReference target, RestoreLocation location, BackupRepository repository, BackupVerification verification)
    {
        String backupName = manifest.name();
        String targetLocation = location.location();
        Map<String, BackupFile> byPath = new HashMap<>();
        manifest.files().forEach(file -> byPath.put(file.path(), file));
        Optional<String> catalogName = context.icebergCatalog();
        SqlDialect dialect = context.engine().dialect();
        // the engine registers the restored table, unless it cannot in this catalog (Nessie)
        Optional<Metastore.IcebergTableRegistry> registry = context.metastore().icebergTableRegistry();
        boolean registered = false;
        try {
            IcebergRestoredFiles rewritten = IcebergRestoreRewriter.rewrite(
                    context.fileStore(),
                    path -> {
                        BackupFile file = byPath.get(path);
                        if (file == null) {
                            throw new DredgeException(UNSAFE, "backup %s is damaged, nothing was restored: its metadata names %s, which the backup does not hold".formatted(backupName, path));
                        }
                        return repository.location(file.stored());
                    },
                    manifest.sourceLocation(),
                    targetLocation,
                    manifest.icebergMetadata().orElseThrow(() -> new DredgeException(UNSAFE, "backup %s names no Iceberg metadata file".formatted(backupName))));
            List<String> damaged = new ArrayList<>(damagedRewritten(context, rewritten, byPath, repository));
            damaged.addAll(location.copy(repository, manifest.files().stream()
                    .filter(file -> !rewritten.rewrittenPaths().contains(file.path()))
                    .toList()));
            location.requireIntact(damaged);
            context.faults().reached(ProtocolStep.WRITTEN, 1);
            String metadataLocation = rewritten.metadataLocation();
            if (registry.isPresent()) {
                registry.get().register(target, metadataLocation);
            }
            else {
                context.engine().update("CALL %s.system.register_table(schema_name => %s, table_name => %s, table_location => %s, metadata_file_name => %s)".formatted(
                        dialect.quoteIdentifier(catalogName.orElseThrow()),
                        dialect.stringLiteral(target.schemaName()),
                        dialect.stringLiteral(target.tableName()),
                        dialect.stringLiteral(targetLocation),
                        dialect.stringLiteral(metadataLocation.substring(metadataLocation.lastIndexOf('/') + 1))), Map.of());
            }
            registered = true;
            if (verification == BackupVerification.ROWS) {
                requireBackedUpRows(context, manifest, target);
            }
            log.info("restored Iceberg backup {} as {} at {}: {} files, {} rows", backupName, target, targetLocation, manifest.files().size(), manifest.rows());
            return new Backups.RestoreResult(target, targetLocation, manifest.files().size(), manifest.bytes(), manifest.rows());
        }
        catch (FaultInjector.InjectedFault e) {
            throw e;
        }
        catch (RuntimeException e) {
            Runnable unregister = registry.isPresent()
                    ? () -> registry.get().unregister(target)
                    : () -> context.engine().update("CALL %s.system.unregister_table(schema_name => %s, table_name => %s)".formatted(
                            dialect.quoteIdentifier(catalogName.orElseThrow()), dialect.stringLiteral(target.schemaName()), dialect.stringLiteral(target.tableName())), Map.of());
            location.discard(e, registered ? Optional.of(unregister) : Optional.empty());
            throw e;
        }
    }

    /**
     * The stored files the rewriter read whose size or checksum is not the manifest's: what the rewriter read must be
     * what the backup copied.
     */
    private static List<String> damagedRewritten(MaintenanceContext context, IcebergRestoredFiles rewritten, Map<String, BackupFile> byPath, BackupRepository repository)
    {
        List<String> damaged = new ArrayList<>();
        for (String path : rewritten.rewrittenPaths()) {
            BackupFile expected = byPath.get(path);
            try {
                RestoreLocation.damage(expected, FileCopies.checksum(context.fileStore(), repository.location(expected.stored()))).ifPresent(damaged::add);
            }
            catch (IOException e) {
                damaged.add("%s cannot be read (%s)".formatted(expected.stored(), e.getMessage()));
            }
        }
        return damaged;
    }

    /**
     * Fails unless the restored table's backed-up snapshot has the manifest's rows and checksum.
     */
    private static void requireBackedUpRows(MaintenanceContext context, BackupManifest manifest, TableReference target)
    {
        if (manifest.snapshotId().isEmpty()) {
            return;
        }
        TableDescriptor restored = context.metastore().getTable(target).orElseThrow(() -> new IllegalStateException("restored table %s vanished".formatted(target)));
        long snapshot = manifest.snapshotId().get();
        BackupSql.Figures figures = new BackupSql(context, context.icebergCatalog())
                .snapshotFigures(target, snapshot, IcebergTableMetadata.read(context.fileStore(), restored).columns(snapshot));
        BackupSql.Figures expected = new BackupSql.Figures(manifest.rows(), manifest.rowChecksum().orElse(""));
        if (!figures.matches(expected)) {
            throw new DredgeException(UNSAFE, "restored rows of backup %s differ from the backup's, nothing was kept: snapshot %s restored %s, backed up %s".formatted(
                    manifest.name(), snapshot, describe(figures), describe(expected)));
        }
    }
}

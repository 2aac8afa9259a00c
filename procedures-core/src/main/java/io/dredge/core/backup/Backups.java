package io.dredge.core.backup;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.Lists;
import io.dredge.core.DredgeException;
import io.dredge.core.files.CopiedFile;
import io.dredge.core.files.FileCopier;
import io.dredge.core.files.FileCopies;
import io.dredge.core.iceberg.IcebergBackupPlan;
import io.dredge.core.iceberg.IcebergBackupPlanner;
import io.dredge.core.journal.BackupDetails;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationState;
import io.dredge.core.location.LocationReaders;
import io.dredge.core.model.HivePartitionDefinition;
import io.dredge.core.model.HiveTableDefinition;
import io.dredge.core.model.Locations;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.OperationFrame;
import io.dredge.core.operation.OperationGuard;
import io.dredge.core.operation.SkippedLines;
import io.dredge.core.port.Metastore;
import io.dredge.core.sql.SqlDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static io.dredge.core.DredgeException.Kind.NOT_FOUND;
import static io.dredge.core.DredgeException.Kind.NOT_SUPPORTED;
import static io.dredge.core.DredgeException.Kind.TABLE_BUSY;
import static java.util.Objects.requireNonNull;

/**
 * {@code backup_table}, {@code restore_table}, {@code verify_backup} and {@code drop_backup} for Hive and Iceberg
 * tables: the checks of their arguments, locking and journaling; {@link HiveBackup}, {@link IcebergBackup},
 * {@link HiveRestore} and {@link IcebergRestore} do the work.
 *
 * <p>A backup holds the table lock (the one compaction takes), so that the two never interleave, and records the
 * manifest {@code RUNNING} before its first copy. Each partition is listed, counted through the engine, copied, and
 * listed again: a partition a writer changed meanwhile fails the backup, naming it, rather than leaving a mix.
 */
public final class Backups
{
    private static final Logger log = LoggerFactory.getLogger(Backups.class);

    private final MaintenanceContext context;
    private final BackupRepository catalog;
    private final FileCopier copier;
    private final BackupAccess access;

    /**
     * @param catalog the repository that names every backup ({@code dredge.backup-location}); a backup may keep its
     * files in another repository, and then its manifest is written to both
     */
    public Backups(MaintenanceContext context, BackupRepository catalog, FileCopier copier)
    {
        this.context = requireNonNull(context, "context is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.copier = requireNonNull(copier, "copier is null");
        this.access = new BackupAccess(context);
    }

    public BackupManifest backup(TableReference table, String backupName, Optional<String> location, BackupVerification verification)
    {
        requireNonNull(verification, "verification is null");
        BackupRepository.requireValidName(backupName);
        BackupRepository repository = location.map(root -> new BackupRepository(context.fileStore(), requireAbsoluteLocation(root, "location"))).orElse(catalog);
        OperationGuard guard = new OperationGuard(context);
        TableDescriptor descriptor = guard.requireTable(table);
        requireBackupableTable(descriptor);
        if (catalog.read(backupName).isPresent()) {
            throw new DredgeException(INVALID_ARGUMENT, "backup %s already exists; choose another name or drop it first (CALL dredge.system.drop_backup(backup_name => '%s'))".formatted(backupName, backupName));
        }
        boolean iceberg = descriptor.tableType() == TableType.ICEBERG;
        if (iceberg) {
            requireTrino("backed up", "backup_table");
        }
        access.requireRead(table, descriptor.tableType());
        requireOutsideTables(repository.root());
        // an Iceberg table is planned before anything is written: a file outside its location refuses the backup
        Optional<IcebergBackupPlan> icebergPlan = iceberg
                ? Optional.of(IcebergBackupPlanner.plan(context.fileStore(), descriptor.icebergMetadataLocation()
                        .orElseThrow(() -> new DredgeException(NOT_SUPPORTED, "%s has no Iceberg metadata location".formatted(table))), descriptor.location().orElseThrow()))
                : Optional.empty();
        Optional<HiveTableDefinition> definition = iceberg ? Optional.empty() : Optional.of(context.metastore().getTableDefinition(table)
                .orElseThrow(() -> new DredgeException(NOT_FOUND, "table %s does not exist".formatted(table))));
        definition.ifPresent(hive -> requireReadAlike(descriptor, hive));

        // the journal names the manifest, so that recover can mark a backup that died as failed
        OperationRecord record = OperationRecord.start(OperationKind.BACKUP, table, context.user(), Optional.empty(), new BackupDetails(catalog.manifestLocation(backupName)), context.clock().instant())
                .withStep("planning backup " + backupName);
        BackupManifest started = new BackupManifest(BackupManifest.formatVersionFor(verification), backupName, BackupState.RUNNING, repository.root(),
                (iceberg ? context.icebergCatalog() : context.catalog()).orElse(""), table, descriptor.tableType(),
                icebergPlan.map(IcebergBackupPlan::tableLocation).orElseGet(() -> descriptor.location().orElseThrow()), context.clock().instant(), context.user(),
                icebergPlan.flatMap(IcebergBackupPlan::snapshotId), definition, List.of(), icebergPlan.map(IcebergBackupPlan::metadataPath), List.of(), 0, Optional.empty(), verification, Optional.empty());
        // the manifest as far as the backup got: a failure marks that one FAILED
        AtomicReference<BackupManifest> manifest = new AtomicReference<>(started);
        List<BackupFile> copied = new ArrayList<>();
        return new OperationFrame(context).hold(descriptor, record, () -> {
            writeManifest(repository, started);
            BackupManifest complete = iceberg
                    ? IcebergBackup.run(context, copier, descriptor, icebergPlan.orElseThrow(), repository, started, record, copied)
                    : new HiveBackup(context, copier, descriptor, repository, started, record, copied).run();
            // a call cancelled after its last statement (while HiveServer2 copied the files, say) fails here, and its copies go
            context.engine().requireNotCancelled();
            manifest.set(complete);
            writeManifest(repository, complete);
            context.journal().save(record.finished(OperationState.SUCCEEDED, Optional.empty(), context.clock().instant())
                    .withStep("backed up %s files (%s bytes, %s copied) as %s".formatted(complete.files().size(), complete.bytes(), complete.bytesCopied(), backupName)));
            log.info("backup {} of {}: {} files, {} bytes, {} bytes copied, {} rows", backupName, table, complete.files().size(), complete.bytes(), complete.bytesCopied(), complete.rows());
            return complete;
        }, e -> {
            String error = String.valueOf(e.getMessage());
            RepositoryFiles.deleteStored(context.fileStore(), repository, copied);
            try {
                writeManifest(repository, manifest.get().withState(BackupState.FAILED, Optional.of(error)));
            }
            catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            context.journal().save(record.finished(OperationState.FAILED, Optional.of(error), context.clock().instant()));
            return e;
        });
    }

    /**
     * A repository inside a table's or partition's directory would be deleted with that table, and its files would
     * look like the table's orphans.
     */
    private void requireOutsideTables(String repositoryRoot)
    {
        List<LocationReaders.Reader> holders = LocationReaders.scan(context.metastore(), context.besideExecutor()).atOrAbove(repositoryRoot);
        if (!holders.isEmpty()) {
            throw new DredgeException(INVALID_ARGUMENT, "the backup repository %s lies inside the data of %s: choose a location outside every table's and partition's directory"
                    .formatted(repositoryRoot, LocationReaders.describe(holders)));
        }
    }

    /**
     * A location with a scheme and an absolute path ({@code s3://bucket/x}, {@code file:/x}, {@code hdfs://nn/x}),
     * without {@code .} or {@code ..} segments: a relative one would resolve against whatever directory the server runs in.
     */
    private static String requireAbsoluteLocation(String location, String argument)
    {
        String path = Locations.pathPart(location);
        boolean valid = location.matches("[A-Za-z][A-Za-z0-9+.-]*:.+") && path.startsWith("/")
                && Arrays.stream(path.split("/")).noneMatch(segment -> segment.equals(".") || segment.equals(".."));
        if (!valid) {
            throw new DredgeException(INVALID_ARGUMENT, "%s must be an absolute location with a scheme, such as s3://bucket/path or file:/path: '%s'".formatted(argument, location));
        }
        return location;
    }

    private void requireBackupableTable(TableDescriptor table)
    {
        if (table.dredgeRole().isPresent()) {
            throw new DredgeException(NOT_SUPPORTED, "%s is a table Dredge made (%s), not one to back up".formatted(table.table(), table.dredgeRole().get()));
        }
        if (table.transactional()) {
            throw new DredgeException(NOT_SUPPORTED, "%s is a transactional (ACID) table: its files cannot be copied consistently without Hive's transaction manager".formatted(table.table()));
        }
        if (table.location().isEmpty()) {
            throw new DredgeException(NOT_SUPPORTED, "%s has no location".formatted(table.table()));
        }
    }

    /**
     * The engine counts and checksums the rows it copies: a table (or a partition) whose lines it misreads is refused
     * before anything is written.
     */
    private void requireReadAlike(TableDescriptor table, HiveTableDefinition definition)
    {
        SkippedLines rule = SkippedLines.copy(context.engine().dialect());
        if (!rule.refusesAny()) {
            return;
        }
        List<HivePartitionDefinition> partitions = new ArrayList<>();
        if (table.partitioned()) {
            for (List<String> batch : Lists.partition(context.metastore().getPartitionNames(table), Metastore.PARTITION_BATCH_SIZE)) {
                partitions.addAll(context.metastore().getPartitionDefinitions(table.table(), batch));
            }
        }
        rule.require("cannot back up " + table.table(), "backup_table", definition, partitions);
    }

    private void writeManifest(BackupRepository repository, BackupManifest manifest)
    {
        repository.write(manifest);
        if (!Locations.samePath(repository.root(), catalog.root())) {
            catalog.write(manifest);
        }
    }

    /**
     * Creates {@code target} from the backup at {@code location} (default: the schema's location and the table name):
     * every file is copied, read back and checked against the manifest's size and checksum before the table is
     * created, and at {@code verify => 'rows'} (the default for a backup taken at that level) the table's rows are
     * compared with the manifest's afterwards. Whatever fails, nothing is left registered or at the location.
     */
    public RestoreResult restore(String backupName, TableReference target, Optional<String> location, Optional<BackupVerification> verify)
    {
        location.ifPresent(value -> requireAbsoluteLocation(value, "location"));
        BackupManifest manifest = requireBackup(backupName);
        access.requireUse(manifest, "restore");
        BackupVerification verification = verify.orElse(manifest.verification());
        if (verification == BackupVerification.ROWS && manifest.verification() == BackupVerification.FILES) {
            throw new DredgeException(INVALID_ARGUMENT, "backup %s was taken with verify => 'files': it holds no row checksums for a restore to compare; restore it with verify => 'files', which checks every file's bytes"
                    .formatted(backupName));
        }
        if (manifest.state() != BackupState.COMPLETE) {
            throw new DredgeException(INVALID_ARGUMENT, "backup %s is %s, not COMPLETE: it cannot be restored%s".formatted(backupName, manifest.state(), manifest.error().map(error -> " (" + error + ")").orElse("")));
        }
        if (manifest.tableType() == TableType.ICEBERG) {
            requireTrino("restored", "restore_table");
        }
        else {
            SkippedLines.copy(context.engine().dialect()).require("cannot restore backup %s".formatted(backupName), "restore_table", manifest.hiveTable().orElseThrow(),
                    manifest.partitions().stream().map(BackupPartition::definition).toList());
        }
        if (!context.metastore().schemaExists(target.schemaName())) {
            throw new DredgeException(NOT_FOUND, "schema %s does not exist".formatted(target.schemaName()));
        }
        if (context.metastore().getTable(target).isPresent()) {
            throw new DredgeException(INVALID_ARGUMENT, "table %s already exists: restore into a new name, or drop it first".formatted(target));
        }
        String targetLocation = Locations.withoutTrailingSlash(location.orElseGet(() -> Locations.child(context.metastore().getSchemaLocation(target.schemaName())
                .orElseThrow(() -> new DredgeException(INVALID_ARGUMENT, "schema %s has no location: give the restore a location".formatted(target.schemaName()))), target.tableName())));
        List<LocationReaders.Reader> overlapping = LocationReaders.scan(context.metastore(), context.besideExecutor()).overlapping(targetLocation);
        if (!overlapping.isEmpty()) {
            // files restored there would be read by those tables, or deleted when they are dropped
            throw new DredgeException(INVALID_ARGUMENT, "cannot restore %s to %s: that location overlaps the data of %s; give the restore a location of its own"
                    .formatted(target, targetLocation, LocationReaders.describe(overlapping)));
        }
        access.requireCreate(target, manifest.tableType());
        String claim = "restore of " + backupName;
        Optional<String> holder = context.locks().tryClaim(target, claim);
        if (holder.isPresent()) {
            throw new DredgeException(TABLE_BUSY, "table %s is being made by %s; try again when it has finished".formatted(target, holder.get()));
        }
        try {
            RestoreLocation restoreLocation = new RestoreLocation(context, copier, backupName, targetLocation);
            restoreLocation.prepare();
            BackupRepository repository = new BackupRepository(context.fileStore(), manifest.repository());
            RestoreResult result = manifest.tableType() == TableType.ICEBERG
                    ? IcebergRestore.restore(context, manifest, target, restoreLocation, repository, verification)
                    : HiveRestore.restore(context, manifest, target, restoreLocation, repository, verification);
            restoreLocation.deleteMarker();
            return result;
        }
        finally {
            context.locks().release(target, claim);
        }
    }

    /**
     * Iceberg backups read a snapshot with Trino's time travel and restore with Trino's {@code register_table}.
     */
    private void requireTrino(String done, String procedure)
    {
        if (context.engine().dialect() != SqlDialect.TRINO) {
            throw new DredgeException(NOT_SUPPORTED, "Iceberg tables are %s through Trino's Dredge (CALL dredge.system.%s); %s's Dredge backs up and restores Hive tables only".formatted(
                    done, procedure, context.engine().dialect().name().toLowerCase(Locale.ROOT)));
        }
    }

    public record RestoreResult(TableReference table, String location, long files, long bytes, long rows)
    {
        public RestoreResult
        {
            requireNonNull(table, "table is null");
            requireNonNull(location, "location is null");
        }
    }

    /**
     * Re-reads every file of the backup and compares its size and checksum with the manifest's.
     *
     * @return the problems found, one per damaged or missing file; empty when the backup is intact
     */
    public VerifyResult verify(String backupName)
    {
        BackupManifest manifest = requireBackup(backupName);
        access.requireUse(manifest, "verify");
        BackupRepository repository = new BackupRepository(context.fileStore(), manifest.repository());
        ImmutableList.Builder<String> problems = ImmutableList.builder();
        long bytes = 0;
        for (BackupFile file : manifest.files()) {
            String location = repository.location(file.stored());
            try {
                CopiedFile now = FileCopies.checksum(context.fileStore(), location);
                bytes += now.sizeBytes();
                if (now.sizeBytes() != file.sizeBytes() || !now.crc32cHex().equals(file.crc32c())) {
                    problems.add("%s: %s bytes, crc32c %s; manifest: %s bytes, crc32c %s".formatted(file.stored(), now.sizeBytes(), now.crc32cHex(), file.sizeBytes(), file.crc32c()));
                }
            }
            catch (IOException | RuntimeException e) {
                problems.add("%s: cannot be read (%s)".formatted(file.stored(), e.getMessage()));
            }
        }
        return new VerifyResult(manifest, manifest.files().size(), bytes, problems.build());
    }

    public record VerifyResult(BackupManifest manifest, long filesChecked, long bytesRead, List<String> problems)
    {
        public VerifyResult
        {
            requireNonNull(manifest, "manifest is null");
            problems = ImmutableList.copyOf(requireNonNull(problems, "problems is null"));
        }
    }

    /**
     * Deletes the backup's manifest and every file of it that no other backup in its repository holds.
     *
     * @return the files deleted
     */
    public long drop(String backupName)
    {
        BackupManifest manifest = requireBackup(backupName);
        access.requireDrop(manifest);
        BackupRepository repository = new BackupRepository(context.fileStore(), manifest.repository());
        // a backup of the same table running now may be about to share one of these files
        Optional<String> holder = context.locks().tryClaim(manifest.sourceTable(), "drop_backup " + backupName);
        if (holder.isPresent()) {
            throw new DredgeException(TABLE_BUSY, "table %s is held by running operation %s; drop the backup when it has finished".formatted(manifest.sourceTable(), holder.get()));
        }
        try {
            Set<String> needed = new HashSet<>();
            for (BackupManifest other : repository.listForSharing()) {
                if (!other.name().equals(backupName) && Locations.samePath(other.repository(), repository.root())) {
                    other.files().forEach(file -> needed.add(file.stored()));
                }
            }
            // the manifest goes first: a backup half dropped must not look restorable
            catalog.deleteManifest(backupName);
            if (!Locations.samePath(repository.root(), catalog.root())) {
                repository.deleteManifest(backupName);
            }
            long deleted = 0;
            for (BackupFile file : manifest.files()) {
                if (!needed.contains(file.stored())) {
                    try {
                        context.fileStore().deleteFile(repository.location(file.stored()));
                        deleted++;
                    }
                    catch (IOException e) {
                        throw new UncheckedIOException("failed to delete " + file.stored(), e);
                    }
                }
            }
            log.info("dropped backup {}: {} of its {} files deleted, the rest held by other backups", backupName, deleted, manifest.files().size());
            return deleted;
        }
        finally {
            context.locks().release(manifest.sourceTable(), "drop_backup " + backupName);
        }
    }

    public BackupManifest requireBackup(String backupName)
    {
        return catalog.read(BackupRepository.requireValidName(backupName))
                .orElseThrow(() -> new DredgeException(NOT_FOUND, "backup %s does not exist".formatted(backupName)));
    }

    /**
     * The table the backup was taken of, if its name still means a table of that kind: the caller must be allowed to
     * read it to restore or verify the backup. Trino is asked here; an adapter whose engine answers otherwise (Hive's
     * authorizer) asks it about this table before the call.
     */
    public Optional<TableReference> existingSource(BackupManifest manifest)
    {
        return access.existingSource(manifest);
    }

    public List<BackupManifest> list()
    {
        return catalog.list();
    }
}

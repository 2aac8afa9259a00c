package io.dredge.core.backup;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import com.google.common.collect.Lists;
import io.dredge.core.DredgeException;
import io.dredge.core.compaction.FaultInjector;
import io.dredge.core.compaction.MaintenanceContext;
import io.dredge.core.compaction.OperationGuard;
import io.dredge.core.compaction.ProtocolStep;
import io.dredge.core.iceberg.IcebergBackupFile;
import io.dredge.core.iceberg.IcebergBackupPlan;
import io.dredge.core.iceberg.IcebergBackupPlanner;
import io.dredge.core.iceberg.IcebergRestoreRewriter;
import io.dredge.core.iceberg.IcebergRestoredFiles;
import io.dredge.core.iceberg.IcebergTableMetadata;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationState;
import io.dredge.core.model.HivePartitionDefinition;
import io.dredge.core.model.HiveTableDefinition;
import io.dredge.core.model.Locations;
import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;
import io.dredge.core.port.Metastore;
import io.dredge.core.report.HiveTableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static io.dredge.core.DredgeException.Kind.NOT_FOUND;
import static io.dredge.core.DredgeException.Kind.NOT_SUPPORTED;
import static io.dredge.core.DredgeException.Kind.TABLE_BUSY;
import static io.dredge.core.DredgeException.Kind.UNSAFE;
import static io.dredge.core.compaction.TableLocks.LOCK_PARAMETER;
import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * {@code backup_table}, {@code restore_table}, {@code verify_backup} and {@code drop_backup} for Hive tables.
 *
 * <p>A backup holds the table lock (the one compaction takes), so that the two never interleave, and records the
 * manifest {@code RUNNING} before its first copy. Each partition is listed, counted through the engine, copied, and
 * listed again: a partition a writer changed meanwhile fails the backup, naming it, rather than leaving a mix.
 */
public final class Backups
{
    private static final Logger log = LoggerFactory.getLogger(Backups.class);

    private static final int SOURCE_CHECKSUM_CONCURRENCY = 4;
    // hidden from Hive and Iceberg readers alike
    private static final String RESTORE_MARKER = ".dredge-restore";

    private final MaintenanceContext context;
    private final BackupRepository catalog;
    private final FileCopier copier;

    /**
     * @param catalog the repository that names every backup ({@code dredge.backup-location}); a backup may keep its
     * files in another repository, and then its manifest is written to both
     */
    public Backups(MaintenanceContext context, BackupRepository catalog, FileCopier copier)
    {
        this.context = requireNonNull(context, "context is null");
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.copier = requireNonNull(copier, "copier is null");
    }

    public BackupManifest backup(TableReference table, String backupName, Optional<String> location)
    {
        BackupRepository.requireValidName(backupName);
        BackupRepository repository = location.map(root -> new BackupRepository(context.fileStore(), requireAbsoluteLocation(root, "location"))).orElse(catalog);
        OperationGuard guard = new OperationGuard(context);
        TableDescriptor descriptor = guard.requireTable(table);
        requireBackupableTable(descriptor);
        if (catalog.read(backupName).isPresent()) {
            throw new DredgeException(INVALID_ARGUMENT, "backup %s already exists; choose another name or drop it first (CALL dredge.system.drop_backup(backup_name => '%s'))".formatted(backupName, backupName));
        }
        boolean iceberg = descriptor.tableType() == TableType.ICEBERG;
        requireAccess("read", "EXPLAIN (TYPE VALIDATE) SELECT * FROM %s", table, iceberg ? context.icebergCatalog() : context.catalog());
        // an Iceberg table is planned before anything is written: a file outside its location refuses the backup
        Optional<IcebergBackupPlan> icebergPlan = iceberg
                ? Optional.of(IcebergBackupPlanner.plan(context.fileStore(), descriptor.icebergMetadataLocation()
                        .orElseThrow(() -> new DredgeException(NOT_SUPPORTED, "%s has no Iceberg metadata location".formatted(table))), descriptor.location().orElseThrow()))
                : Optional.empty();
        Optional<HiveTableDefinition> definition = iceberg ? Optional.empty() : Optional.of(context.metastore().getTableDefinition(table)
                .orElseThrow(() -> new DredgeException(NOT_FOUND, "table %s does not exist".formatted(table))));

        // the journal names the manifest, so that recover can mark a backup that died as failed
        OperationRecord record = OperationRecord.buildFrom(OperationRecord.start(OperationKind.BACKUP, table, context.user(), Optional.empty(), context.clock().instant()))
                .step("planning backup " + backupName)
                .stagingLocation(Optional.of(catalog.manifestLocation(backupName)))
                .build();
        guard.acquire(descriptor, record);
        BackupManifest manifest = new BackupManifest(BackupManifest.CURRENT_FORMAT_VERSION, backupName, BackupState.RUNNING, repository.root(),
                (iceberg ? context.icebergCatalog() : context.catalog()).orElse(""), table, descriptor.tableType(),
                icebergPlan.map(IcebergBackupPlan::tableLocation).orElseGet(() -> descriptor.location().orElseThrow()), context.clock().instant(), context.user(),
                icebergPlan.flatMap(IcebergBackupPlan::snapshotId), definition, List.of(), icebergPlan.map(IcebergBackupPlan::metadataPath), List.of(), 0, Optional.empty(), Optional.empty());
        List<BackupFile> copied = new ArrayList<>();
        boolean crashed = false;
        try {
            writeManifest(repository, manifest);
            manifest = iceberg
                    ? backupIceberg(descriptor, icebergPlan.orElseThrow(), repository, manifest, record, copied)
                    : new HiveBackupRun(descriptor, repository, manifest, record, copied).run();
            writeManifest(repository, manifest);
            context.journal().save(record.finished(OperationState.SUCCEEDED, Optional.empty(), context.clock().instant())
                    .withStep("backed up %s files (%s bytes, %s copied) as %s".formatted(manifest.files().size(), manifest.bytes(), manifest.bytesCopied(), backupName)));
            log.info("backup {} of {}: {} files, {} bytes, {} bytes copied, {} rows", backupName, table, manifest.files().size(), manifest.bytes(), manifest.bytesCopied(), manifest.rows());
            return manifest;
        }
        catch (FaultInjector.InjectedFault e) {
            crashed = true;
            throw e;
        }
        catch (RuntimeException e) {
            String error = String.valueOf(e.getMessage());
            deleteStored(repository, copied);
            try {
                writeManifest(repository, manifest.withState(BackupState.FAILED, Optional.of(error)));
            }
            catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            context.journal().save(record.finished(OperationState.FAILED, Optional.of(error), context.clock().instant()));
            throw e;
        }
        finally {
            if (crashed) {
                // a simulated crash leaves the journal, the manifest and the lock parameter as a crash would, for recover
                context.locks().release(table, record.id());
            }
            else {
                guard.release(table, record.id());
            }
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
     * An Iceberg backup: the files of every snapshot, branch and tag as the plan lists them (Iceberg never rewrites a
     * file in place, so a file the repository holds under the same path and size is the same file), and the rows of
     * the current snapshot, read by time travel.
     */
    private BackupManifest backupIceberg(TableDescriptor table, IcebergBackupPlan plan, BackupRepository repository, BackupManifest started, OperationRecord record, List<BackupFile> copied)
    {
        HeldFiles held = heldFiles(repository, table.table());
        List<BackupFile> files = new ArrayList<>();
        List<FileCopy> copies = new ArrayList<>();
        Map<String, String> pathByTarget = new HashMap<>();
        for (IcebergBackupFile file : plan.files()) {
            Optional<BackupFile> same = intactOfSize(repository, held.byPath().getOrDefault(file.relativePath(), List.of()), file.sizeBytes()).stream().findFirst();
            if (same.isPresent()) {
                files.add(new BackupFile(file.relativePath(), same.get().stored(), file.sizeBytes(), same.get().crc32c(), false));
                continue;
            }
            String target = repository.location(storedPath(table.table(), file.relativePath(), held, started.name()));
            removeUnreferenced(target);
            copies.add(new FileCopy(file.location(), target, file.sizeBytes()));
            pathByTarget.put(target, file.relativePath());
        }
        // counted first: the engine checks that the caller may read the table before anything is copied
        Optional<String> checksum = Optional.empty();
        long rows = 0;
        if (plan.snapshotId().isPresent()) {
            long snapshot = plan.snapshotId().get();
            List<String> columns = IcebergTableMetadata.read(context.fileStore(), table).columns(snapshot);
            BackupSql.Figures figures = new BackupSql(context.engine(), context.icebergCatalog()).snapshotFigures(table.table(), snapshot, columns);
            rows = figures.rows();
            checksum = Optional.of(figures.checksum());
        }
        copyInto(repository, copies, pathByTarget, record, copied, files);
        return new BackupManifest(started.formatVersion(), started.name(), BackupState.COMPLETE, started.repository(), started.sourceCatalog(), started.sourceTable(),
                started.tableType(), started.sourceLocation(), started.createdAt(), started.user(), started.snapshotId(), Optional.empty(),
                List.of(), started.icebergMetadata(), files, rows, checksum, Optional.empty());
    }

    /**
     * Where the repository keeps a file of the table: at its path below the table's directory, unless an earlier
     * backup keeps other content there (a file rewritten in place), then beside it under this backup's name.
     */
    private static String storedPath(TableReference table, String path, HeldFiles held, String backupName)
    {
        String stored = BackupRepository.tableDirectory(table) + "/" + path;
        return held.stored().contains(stored) ? stored + "@" + backupName : stored;
    }

    private void copyInto(BackupRepository repository, List<FileCopy> copies, Map<String, String> pathByTarget, OperationRecord record, List<BackupFile> copied, List<BackupFile> files)
    {
        context.journal().save(record.withStep("copying %s files".formatted(copies.size())));
        for (CopiedFile file : copier.copy(copies, new JournaledProgress(record))) {
            BackupFile backupFile = new BackupFile(pathByTarget.get(file.target()), relativeToRoot(repository, file.target()), file.sizeBytes(), file.crc32cHex(), true);
            copied.add(backupFile);
            files.add(backupFile);
        }
        context.journal().save(record.withStep("copied %s files, checking them".formatted(copies.size())));
        context.faults().reached(ProtocolStep.WRITTEN, 1);
    }

    /**
     * One Hive backup: plans each partition's files against what the repository holds, counts the rows through the
     * engine, copies, and checks that no partition changed meanwhile.
     */
    private final class HiveBackupRun
    {
        private final TableDescriptor table;
        private final BackupRepository repository;
        private final BackupManifest started;
        private final OperationRecord record;
        private final List<BackupFile> copied;

        private HiveBackupRun(TableDescriptor table, BackupRepository repository, BackupManifest started, OperationRecord record, List<BackupFile> copied)
        {
            this.table = table;
            this.repository = repository;
            this.started = started;
            this.record = record;
            this.copied = copied;
        }

        BackupManifest run()
        {
            List<PartitionDescriptor> partitions = table.partitioned()
                    ? context.metastore().getPartitionsInBatches(table.table(), context.metastore().getPartitionNames(table))
                    : List.of();
            Map<String, HivePartitionDefinition> definitions = new HashMap<>();
            for (HivePartitionDefinition definition : definitionsInBatches(partitions)) {
                definitions.put(definition.name(), definition);
            }
            // where each partition's files belong: directory (relative to the table) -> its location now
            Map<String, String> directories = new LinkedHashMap<>();
            if (table.partitioned()) {
                for (PartitionDescriptor partition : partitions) {
                    directories.put(partition.name(), partition.location());
                }
            }
            else {
                directories.put("", table.location().orElseThrow());
            }
            Map<String, List<TableFile>> before = listAll(directories);

            HeldFiles held = heldFiles(repository, table.table());
            List<BackupFile> files = new ArrayList<>();
            List<FileCopy> copies = new ArrayList<>();
            Map<String, String> pathByTarget = new HashMap<>();
            List<Map.Entry<String, TableFile>> sources = new ArrayList<>();
            for (Map.Entry<String, List<TableFile>> directory : before.entrySet()) {
                for (TableFile file : directory.getValue()) {
                    sources.add(Map.entry(relativePath(directory.getKey(), directories.get(directory.getKey()), file.path()), file));
                }
            }
            List<Optional<BackupFile>> sharedFiles = sharedFiles(repository, held, sources);
            for (int index = 0; index < sources.size(); index++) {
                String path = sources.get(index).getKey();
                TableFile file = sources.get(index).getValue();
                Optional<BackupFile> same = sharedFiles.get(index);
                if (same.isPresent()) {
                    files.add(new BackupFile(path, same.get().stored(), file.sizeBytes(), same.get().crc32c(), false));
                    continue;
                }
                String target = repository.location(storedPath(table.table(), path, held, started.name()));
                removeUnreferenced(target);
                copies.add(new FileCopy(file.path(), target, file.sizeBytes()));
                pathByTarget.put(target, path);
            }
            // counted between the two listings, like the copy: a partition written meanwhile fails the backup below
            Map<String, BackupSql.Figures> figures = copies.isEmpty()
                    ? unchangedFigures(held, files, definitions).orElseGet(() -> new BackupSql(context.engine(), context.catalog()).figures(table))
                    : new BackupSql(context.engine(), context.catalog()).figures(table);
            copyInto(repository, copies, pathByTarget, record, copied, files);
            // a table dropped or renamed meanwhile took its files away, or moved them; one created again under the name is another table
            boolean sameTable = context.metastore().getTable(table.table()).filter(now -> now.parameter(LOCK_PARAMETER).equals(Optional.of(record.id()))).isPresent();
            if (!sameTable) {
                throw new DredgeException(UNSAFE, "backup %s failed: table %s was dropped or renamed while it was copied; nothing was kept".formatted(started.name(), table.table()));
            }
            Map<String, List<TableFile>> after = listAll(directories);
            List<String> changed = before.keySet().stream()
                    .filter(name -> !sameListing(before.get(name), after.get(name)))
                    .map(name -> name.isEmpty() ? table.table().toString() : name)
                    .toList();
            if (!changed.isEmpty()) {
                throw new DredgeException(UNSAFE, "backup %s failed: written while it was copied, so the copy would mix two states: %s; nothing was kept, run the backup again".formatted(started.name(), String.join(", ", changed)));
            }

            ImmutableList.Builder<BackupPartition> backupPartitions = ImmutableList.builder();
            long rows = 0;
            for (PartitionDescriptor partition : partitions) {
                BackupSql.Figures partitionFigures = figures.getOrDefault(partition.name(), new BackupSql.Figures(0, ""));
                rows += partitionFigures.rows();
                HivePartitionDefinition definition = requireNonNull(definitions.get(partition.name()), () -> "partition %s vanished during the backup".formatted(partition.name()));
                backupPartitions.add(new BackupPartition(definition, partition.name(), partitionFigures.rows(), partitionFigures.checksum()));
            }
            Optional<String> tableChecksum = Optional.empty();
            if (!table.partitioned()) {
                BackupSql.Figures tableFigures = figures.getOrDefault("", new BackupSql.Figures(0, ""));
                rows = tableFigures.rows();
                tableChecksum = Optional.of(tableFigures.checksum());
            }
            return new BackupManifest(started.formatVersion(), started.name(), BackupState.COMPLETE, started.repository(), started.sourceCatalog(), started.sourceTable(),
                    started.tableType(), started.sourceLocation(), started.createdAt(), started.user(), Optional.empty(), started.hiveTable(),
                    backupPartitions.build(), Optional.empty(), files, rows, tableChecksum, Optional.empty());
        }

        /**
         * The figures of the latest complete backup of the table in this repository that holds exactly these files
         * (path, stored file, size, CRC32C) under the same table and partition definitions: the engine would read the
         * same rows from them, and they are the rows the repository holds. Empty when there is none.
         */
        private Optional<Map<String, BackupSql.Figures>> unchangedFigures(HeldFiles held, List<BackupFile> files, Map<String, HivePartitionDefinition> definitions)
        {
            Set<BackupFile> shared = new HashSet<>(files);
            return held.backups().stream()
                    .filter(manifest -> manifest.hiveTable().equals(started.hiveTable()))
                    .filter(manifest -> manifest.files().stream().map(file -> new BackupFile(file.path(), file.stored(), file.sizeBytes(), file.crc32c(), false)).collect(toImmutableSet()).equals(shared))
                    .filter(manifest -> manifest.partitions().stream().collect(toImmutableMap(partition -> partition.definition().name(), BackupPartition::definition)).equals(definitions))
                    .max(Comparator.comparing(BackupManifest::createdAt))
                    .map(manifest -> table.partitioned()
                            ? manifest.partitions().stream().collect(toImmutableMap(partition -> partition.definition().name(), partition -> new BackupSql.Figures(partition.rows(), partition.rowChecksum())))
                            : ImmutableMap.of("", new BackupSql.Figures(manifest.rows(), manifest.rowChecksum().orElse(""))));
        }

        private List<HivePartitionDefinition> definitionsInBatches(List<PartitionDescriptor> partitions)
        {
            ImmutableList.Builder<HivePartitionDefinition> definitions = ImmutableList.builder();
            List<String> names = partitions.stream().map(PartitionDescriptor::name).toList();
            for (List<String> batch : Lists.partition(names, Metastore.PARTITION_BATCH_SIZE)) {
                definitions.addAll(context.metastore().getPartitionDefinitions(table.table(), batch));
            }
            return definitions.build();
        }

        /**
         * The visible files below each directory, without those below another partition's location nested inside it.
         */
        private Map<String, List<TableFile>> listAll(Map<String, String> directories)
        {
            Map<String, List<TableFile>> listings = new LinkedHashMap<>();
            directories.forEach((name, location) -> {
                HiveTableFiles.DirectoryListing listing = HiveTableFiles.list(context.fileStore(), location);
                List<TableFile> files = new ArrayList<>(listing.dataFiles());
                for (TableFile nested : listing.nestedFiles()) {
                    boolean otherPartition = directories.entrySet().stream()
                            .anyMatch(other -> !other.getKey().equals(name) && Locations.isBelow(location, other.getValue()) && Locations.isBelow(other.getValue(), nested.path()));
                    if (!otherPartition) {
                        files.add(nested);
                    }
                }
                listings.put(name, files);
            });
            return listings;
        }
    }

    /**
     * Shows copy progress in {@code system.operations.step}, at most once a second: every file's journal write would
     * cost more than the copy of a small file.
     */
    private final class JournaledProgress
            implements Consumer<CopyProgress>
    {
        private final OperationRecord record;
        private long lastSaved;

        private JournaledProgress(OperationRecord record)
        {
            this.record = record;
        }

        @Override
        public synchronized void accept(CopyProgress progress)
        {
            long now = System.nanoTime();
            if (progress.files() == progress.totalFiles() || now - lastSaved > 1_000_000_000L) {
                lastSaved = now;
                context.journal().save(record.withStep(progress.describe()));
                log.info("operation {}: {}", record.id(), progress.describe());
            }
        }
    }

    private static boolean sameListing(List<TableFile> before, List<TableFile> after)
    {
        return after != null && new HashSet<>(before).equals(new HashSet<>(after));
    }

    /**
     * The file's path relative to the table: below its partition's directory name (Hive's own layout, whatever
     * location the partition had), keeping subdirectories.
     */
    private static String relativePath(String directoryName, String location, String file)
    {
        String inside = Locations.pathPart(file).substring(Locations.comparablePath(location).length() + 1);
        return directoryName.isEmpty() ? inside : directoryName + "/" + inside;
    }

    private static String relativeToRoot(BackupRepository repository, String location)
    {
        return Locations.pathPart(location).substring(Locations.comparablePath(repository.root()).length() + 1);
    }

    /**
     * For each source file (path relative to the table, file), what {@link #sameFile} finds, in order. Reading a source
     * file to checksum it is most of an unchanged table's backup, so a few files are read at a time.
     */
    private List<Optional<BackupFile>> sharedFiles(BackupRepository repository, HeldFiles held, List<Map.Entry<String, TableFile>> sources)
    {
        if (sources.isEmpty()) {
            return List.of();
        }
        int chunkSize = (sources.size() + SOURCE_CHECKSUM_CONCURRENCY - 1) / SOURCE_CHECKSUM_CONCURRENCY;
        List<CompletableFuture<List<Optional<BackupFile>>>> chunks = Lists.partition(sources, chunkSize).stream()
                .map(chunk -> CompletableFuture.supplyAsync(
                        () -> chunk.stream().map(source -> sameFile(repository, held.byPath().getOrDefault(source.getKey(), List.of()), source.getValue())).toList(),
                        context.besideExecutor()))
                .toList();
        List<Optional<BackupFile>> shared = new ArrayList<>();
        for (CompletableFuture<List<Optional<BackupFile>>> chunk : chunks) {
            try {
                shared.addAll(chunk.join());
            }
            catch (CompletionException e) {
                if (e.getCause() instanceof RuntimeException cause) {
                    throw cause;
                }
                throw e;
            }
        }
        return shared;
    }

    /**
     * The file the repository already holds for this path with the same size and the same checksum, which is read
     * from the source only when path and size match.
     */
    private Optional<BackupFile> sameFile(BackupRepository repository, List<BackupFile> candidates, TableFile file)
    {
        List<BackupFile> sameSize = intactOfSize(repository, candidates, file.sizeBytes());
        if (sameSize.isEmpty()) {
            return Optional.empty();
        }
        String crc;
        try {
            crc = FileCopies.checksum(context.fileStore(), file.path()).crc32cHex();
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to read " + file.path(), e);
        }
        return sameSize.stream().filter(candidate -> candidate.crc32c().equals(crc)).findFirst();
    }

    /**
     * The candidates of the given size whose stored copy still has it: a stored file that is gone or truncated is not
     * shared, and the backup copies the file again.
     */
    private List<BackupFile> intactOfSize(BackupRepository repository, List<BackupFile> candidates, long sizeBytes)
    {
        return candidates.stream()
                .filter(candidate -> candidate.sizeBytes() == sizeBytes)
                .filter(candidate -> storedLength(repository, candidate).equals(Optional.of(candidate.sizeBytes())))
                .toList();
    }

    private Optional<Long> storedLength(BackupRepository repository, BackupFile file)
    {
        try {
            return Optional.of(context.fileStore().length(repository.location(file.stored())));
        }
        catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * The complete backups of a table whose files this repository holds, read once per backup.
     *
     * @param byPath their files, by path relative to the table
     * @param stored every stored path they use
     */
    private record HeldFiles(List<BackupManifest> backups, Map<String, List<BackupFile>> byPath, Set<String> stored) {}

    private static HeldFiles heldFiles(BackupRepository repository, TableReference table)
    {
        List<BackupManifest> backups = repository.list().stream()
                .filter(manifest -> manifest.state() == BackupState.COMPLETE && manifest.sourceTable().equals(table) && Locations.samePath(manifest.repository(), repository.root()))
                .toList();
        Map<String, List<BackupFile>> byPath = new HashMap<>();
        Set<String> stored = new HashSet<>();
        for (BackupManifest manifest : backups) {
            for (BackupFile file : manifest.files()) {
                byPath.computeIfAbsent(file.path(), ignored -> new ArrayList<>()).add(file);
                stored.add(file.stored());
            }
        }
        return new HeldFiles(backups, byPath, stored);
    }

    /**
     * A file left by a backup that died before it finished is no one's: a new copy replaces it.
     */
    private void removeUnreferenced(String target)
    {
        try {
            context.fileStore().deleteFile(target);
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to remove " + target, e);
        }
    }

    private void deleteStored(BackupRepository repository, List<BackupFile> files)
    {
        for (BackupFile file : files) {
            try {
                context.fileStore().deleteFile(repository.location(file.stored()));
            }
            catch (IOException | RuntimeException e) {
                log.warn("could not remove {} of a failed backup: {}", file.stored(), e.toString());
            }
        }
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
     * every file is copied and checked against the manifest's size and checksum before the table is created, and the
     * table's rows are compared with the manifest's afterwards. Whatever fails, nothing is left registered or at the
     * location.
     */
    public RestoreResult restore(String backupName, TableReference target, Optional<String> location)
    {
        location.ifPresent(value -> requireAbsoluteLocation(value, "location"));
        BackupManifest manifest = requireBackup(backupName);
        if (manifest.state() != BackupState.COMPLETE) {
            throw new DredgeException(INVALID_ARGUMENT, "backup %s is %s, not COMPLETE: it cannot be restored%s".formatted(backupName, manifest.state(), manifest.error().map(error -> " (" + error + ")").orElse("")));
        }
        if (!context.metastore().schemaExists(target.schemaName())) {
            throw new DredgeException(NOT_FOUND, "schema %s does not exist".formatted(target.schemaName()));
        }
        if (context.metastore().getTable(target).isPresent()) {
            throw new DredgeException(INVALID_ARGUMENT, "table %s already exists: restore into a new name, or drop it first".formatted(target));
        }
        String targetLocation = Locations.withoutTrailingSlash(location.orElseGet(() -> Locations.child(context.metastore().getSchemaLocation(target.schemaName())
                .orElseThrow(() -> new DredgeException(INVALID_ARGUMENT, "schema %s has no location: give the restore a location".formatted(target.schemaName()))), target.tableName())));
        requireAccess("create", "EXPLAIN (TYPE VALIDATE) CREATE TABLE %s AS SELECT 1 AS restore_check", target, manifest.tableType() == TableType.ICEBERG ? context.icebergCatalog() : context.catalog());
        String claim = "restore of " + backupName;
        Optional<String> holder = context.locks().tryClaim(target, claim);
        if (holder.isPresent()) {
            throw new DredgeException(TABLE_BUSY, "table %s is being made by %s; try again when it has finished".formatted(target, holder.get()));
        }
        try {
            prepareRestoreLocation(backupName, targetLocation);
            BackupRepository repository = new BackupRepository(context.fileStore(), manifest.repository());
            RestoreResult result = manifest.tableType() == TableType.ICEBERG
                    ? restoreIceberg(manifest, target, targetLocation, repository)
                    : restoreHive(manifest, target, targetLocation, repository);
            deleteRestoreMarker(targetLocation);
            return result;
        }
        finally {
            context.locks().release(target, claim);
        }
    }

    /**
     * Refuses a location that holds anything but what a restore that died there left (a process killed while it
     * copied leaves its files and its marker, and no table), which it clears; then marks the location as being
     * restored into, so that running the restore again can tell its own leftovers from a user's files.
     */
    private void prepareRestoreLocation(String backupName, String targetLocation)
    {
        String marker = Locations.child(targetLocation, RESTORE_MARKER);
        try {
            List<TableFile> present = context.fileStore().listFilesRecursively(targetLocation);
            if (!present.isEmpty()) {
                Optional<byte[]> unfinished = context.fileStore().readFile(marker);
                if (unfinished.isEmpty()) {
                    throw new DredgeException(INVALID_ARGUMENT, "restore location %s is not empty (%s files, for example %s): restore into an empty location".formatted(targetLocation, present.size(), present.get(0).path()));
                }
                log.info("restore location {} holds {} files that an unfinished {} left; removing them", targetLocation, present.size(), new String(unfinished.get(), UTF_8).trim());
                context.fileStore().deleteDirectory(targetLocation);
            }
            context.fileStore().writeFile(marker, ("restore of backup " + backupName + "\n").getBytes(UTF_8));
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to prepare restore location " + targetLocation, e);
        }
    }

    private void deleteRestoreMarker(String targetLocation)
    {
        try {
            context.fileStore().deleteFile(Locations.child(targetLocation, RESTORE_MARKER));
        }
        catch (IOException e) {
            // a hidden file that no reader lists; only a later restore into the same location looks for it
            log.warn("restored into {}, but could not delete its marker {}: {}", targetLocation, RESTORE_MARKER, e.toString());
        }
    }

    private RestoreResult restoreHive(BackupManifest manifest, TableReference target, String targetLocation, BackupRepository repository)
    {
        String backupName = manifest.name();
        boolean created = false;
        try {
            List<FileCopy> copies = new ArrayList<>();
            Map<String, BackupFile> byTarget = new HashMap<>();
            for (BackupFile file : manifest.files()) {
                String fileTarget = Locations.child(targetLocation, file.path());
                copies.add(new FileCopy(repository.location(file.stored()), fileTarget, file.sizeBytes()));
                byTarget.put(fileTarget, file);
            }
            List<String> damaged = damagedCopies(backupName, copies, byTarget);
            if (!damaged.isEmpty()) {
                throw new DredgeException(UNSAFE, "backup %s is damaged, nothing was restored: %s".formatted(backupName, String.join(", ", damaged)));
            }
            context.faults().reached(ProtocolStep.WRITTEN, 1);
            HiveTableDefinition definition = manifest.hiveTable().orElseThrow();
            Map<String, String> partitionLocations = new HashMap<>();
            for (BackupPartition partition : manifest.partitions()) {
                partitionLocations.put(partition.definition().name(), Locations.child(targetLocation, partition.path()));
            }
            context.metastore().createTable(target, definition, targetLocation, context.user(),
                    manifest.partitions().stream().map(BackupPartition::definition).toList(), partitionLocations);
            created = true;
            TableDescriptor restored = context.metastore().getTable(target).orElseThrow(() -> new IllegalStateException("restored table %s vanished".formatted(target)));
            Map<String, BackupSql.Figures> figures = new BackupSql(context.engine(), context.catalog()).figures(restored);
            List<String> mismatches = new ArrayList<>();
            Map<String, BackupSql.Figures> expected = new HashMap<>();
            if (restored.partitioned()) {
                manifest.partitions().stream()
                        .filter(partition -> partition.rows() > 0)
                        .forEach(partition -> expected.put(partition.definition().name(), new BackupSql.Figures(partition.rows(), partition.rowChecksum())));
            }
            else if (manifest.rows() > 0) {
                expected.put("", new BackupSql.Figures(manifest.rows(), manifest.rowChecksum().orElse("")));
            }
            if (!figures.equals(expected)) {
                Set<String> names = new HashSet<>(figures.keySet());
                names.addAll(expected.keySet());
                for (String name : names) {
                    if (!Objects.equals(figures.get(name), expected.get(name))) {
                        mismatches.add("%s: restored %s, backed up %s".formatted(name.isEmpty() ? target.toString() : name, describe(figures.get(name)), describe(expected.get(name))));
                    }
                }
                throw new DredgeException(UNSAFE, "restored rows of backup %s differ from the backup's, nothing was kept: %s".formatted(backupName, String.join("; ", mismatches)));
            }
            log.info("restored backup {} as {} at {}: {} files, {} rows", backupName, target, targetLocation, manifest.files().size(), manifest.rows());
            return new RestoreResult(target, targetLocation, manifest.files().size(), manifest.bytes(), manifest.rows());
        }
        catch (FaultInjector.InjectedFault e) {
            // a simulated crash leaves what a killed process would
            throw e;
        }
        catch (RuntimeException e) {
            discardRestore(e, created ? Optional.of(() -> context.metastore().dropTableKeepingData(target)) : Optional.empty(), targetLocation);
            throw e;
        }
    }

    /**
     * Leaves nothing of a failed restore: the table unregistered (keeping the files, which go next), its location deleted.
     */
    private void discardRestore(RuntimeException failure, Optional<Runnable> unregister, String targetLocation)
    {
        try {
            unregister.ifPresent(Runnable::run);
        }
        catch (RuntimeException suppressed) {
            failure.addSuppressed(suppressed);
        }
        try {
            context.fileStore().deleteDirectory(targetLocation);
        }
        catch (IOException | RuntimeException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    /**
     * Writes the backup's Iceberg metadata rewritten for the new location, copies the files that name no other file,
     * checks every file against the manifest, registers the table through the engine, and compares the rows of the
     * backed-up snapshot with the manifest's.
     */
    private RestoreResult restoreIceberg(BackupManifest manifest, TableReference target, String targetLocation, BackupRepository repository)
    {
        String backupName = manifest.name();
        Map<String, BackupFile> byPath = new HashMap<>();
        manifest.files().forEach(file -> byPath.put(file.path(), file));
        Optional<String> catalogName = context.icebergCatalog();
        var dialect = context.engine().dialect();
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
            List<String> damaged = new ArrayList<>();
            // what the rewriter read must be what the backup copied
            for (String path : rewritten.rewrittenPaths()) {
                BackupFile expected = byPath.get(path);
                try {
                    CopiedFile now = FileCopies.checksum(context.fileStore(), repository.location(expected.stored()));
                    if (now.sizeBytes() != expected.sizeBytes() || !now.crc32cHex().equals(expected.crc32c())) {
                        damaged.add("%s (%s bytes, crc32c %s; manifest: %s bytes, crc32c %s)".formatted(expected.stored(), now.sizeBytes(), now.crc32cHex(), expected.sizeBytes(), expected.crc32c()));
                    }
                }
                catch (IOException e) {
                    damaged.add("%s cannot be read (%s)".formatted(expected.stored(), e.getMessage()));
                }
            }
            List<FileCopy> copies = new ArrayList<>();
            Map<String, BackupFile> byTarget = new HashMap<>();
            for (BackupFile file : manifest.files()) {
                if (!rewritten.rewrittenPaths().contains(file.path())) {
                    String fileTarget = Locations.child(targetLocation, file.path());
                    copies.add(new FileCopy(repository.location(file.stored()), fileTarget, file.sizeBytes()));
                    byTarget.put(fileTarget, file);
                }
            }
            damaged.addAll(damagedCopies(backupName, copies, byTarget));
            if (!damaged.isEmpty()) {
                throw new DredgeException(UNSAFE, "backup %s is damaged, nothing was restored: %s".formatted(backupName, String.join(", ", damaged)));
            }
            context.faults().reached(ProtocolStep.WRITTEN, 1);
            String metadataLocation = rewritten.metadataLocation();
            context.engine().update("CALL %s.system.register_table(schema_name => %s, table_name => %s, table_location => %s, metadata_file_name => %s)".formatted(
                    dialect.quoteIdentifier(catalogName.orElseThrow()),
                    dialect.stringLiteral(target.schemaName()),
                    dialect.stringLiteral(target.tableName()),
                    dialect.stringLiteral(targetLocation),
                    dialect.stringLiteral(metadataLocation.substring(metadataLocation.lastIndexOf('/') + 1))), Map.of());
            registered = true;
            if (manifest.snapshotId().isPresent()) {
                TableDescriptor restored = context.metastore().getTable(target).orElseThrow(() -> new IllegalStateException("restored table %s vanished".formatted(target)));
                long snapshot = manifest.snapshotId().get();
                BackupSql.Figures figures = new BackupSql(context.engine(), catalogName)
                        .snapshotFigures(target, snapshot, IcebergTableMetadata.read(context.fileStore(), restored).columns(snapshot));
                BackupSql.Figures expected = new BackupSql.Figures(manifest.rows(), manifest.rowChecksum().orElse(""));
                if (!figures.equals(expected)) {
                    throw new DredgeException(UNSAFE, "restored rows of backup %s differ from the backup's, nothing was kept: snapshot %s restored %s, backed up %s".formatted(
                            backupName, snapshot, describe(figures), describe(expected)));
                }
            }
            log.info("restored Iceberg backup {} as {} at {}: {} files, {} rows", backupName, target, targetLocation, manifest.files().size(), manifest.rows());
            return new RestoreResult(target, targetLocation, manifest.files().size(), manifest.bytes(), manifest.rows());
        }
        catch (FaultInjector.InjectedFault e) {
            throw e;
        }
        catch (RuntimeException e) {
            discardRestore(e, registered ? Optional.of(() -> context.engine().update("CALL %s.system.unregister_table(schema_name => %s, table_name => %s)".formatted(
                    dialect.quoteIdentifier(catalogName.orElseThrow()), dialect.stringLiteral(target.schemaName()), dialect.stringLiteral(target.tableName())), Map.of())) : Optional.empty(), targetLocation);
            throw e;
        }
    }

    /**
     * Copies the files and names each whose copy does not have the manifest's size and checksum.
     */
    private List<String> damagedCopies(String backupName, List<FileCopy> copies, Map<String, BackupFile> byTarget)
    {
        List<CopiedFile> copied;
        try {
            copied = copyAll(copies);
        }
        catch (UncheckedIOException e) {
            throw new DredgeException(UNSAFE, "backup %s is damaged, nothing was restored: %s".formatted(backupName, e.getMessage()), e);
        }
        List<String> damaged = new ArrayList<>();
        for (CopiedFile file : copied) {
            BackupFile expected = byTarget.get(file.target());
            if (file.sizeBytes() != expected.sizeBytes() || !file.crc32cHex().equals(expected.crc32c())) {
                damaged.add("%s (%s bytes, crc32c %s; manifest: %s bytes, crc32c %s)".formatted(expected.stored(), file.sizeBytes(), file.crc32cHex(), expected.sizeBytes(), expected.crc32c()));
            }
        }
        return damaged;
    }

    /**
     * The caller must be allowed to read the table (backup) or create it (restore): the engine analyses, without
     * running, a query that needs the same access, and its access control answers as for the caller's own (a plain
     * CREATE TABLE is checked only when it runs, a CREATE TABLE AS while it is analysed).
     */
    private void requireAccess(String action, String statement, TableReference table, Optional<String> catalogName)
    {
        var dialect = context.engine().dialect();
        try {
            context.engine().query(statement.formatted(dialect.qualifiedName(catalogName, table.schemaName(), table.tableName())));
        }
        catch (RuntimeException e) {
            throw new DredgeException(DredgeException.Kind.ACCESS_DENIED, "user %s may not %s %s: %s".formatted(context.user(), action, table, e.getMessage()), e);
        }
    }

    private static String describe(BackupSql.Figures figures)
    {
        return figures == null ? "no rows" : "%s rows, checksum %s".formatted(figures.rows(), figures.checksum());
    }

    private List<CopiedFile> copyAll(List<FileCopy> copies)
    {
        return copier.copy(copies, progress -> log.debug("restore: {}", progress.describe()));
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
        BackupRepository repository = new BackupRepository(context.fileStore(), manifest.repository());
        // a backup of the same table running now may be about to share one of these files
        Optional<String> holder = context.locks().tryClaim(manifest.sourceTable(), "drop_backup " + backupName);
        if (holder.isPresent()) {
            throw new DredgeException(TABLE_BUSY, "table %s is held by running operation %s; drop the backup when it has finished".formatted(manifest.sourceTable(), holder.get()));
        }
        try {
            Set<String> needed = new HashSet<>();
            for (BackupManifest other : repository.list()) {
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

    public List<BackupManifest> list()
    {
        return catalog.list();
    }
}

package io.dredge.core.hygiene;

import com.google.common.base.Suppliers;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import io.dredge.core.DredgeException;
import io.dredge.core.iceberg.IcebergTableMetadata;
import io.dredge.core.journal.OperationDetails;
import io.dredge.core.journal.OperationFile;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationState;
import io.dredge.core.journal.OrphanDetails;
import io.dredge.core.location.LocationReaders;
import io.dredge.core.model.Locations;
import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.StoredFile;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;
import io.dredge.core.operation.HeldTable;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.OperationFrame;
import io.dredge.core.operation.OperationGuard;
import io.dredge.core.operation.ProtocolStep;
import io.dredge.core.operation.TableIdentity;
import io.dredge.core.report.OrphanCandidates;
import io.dredge.core.report.OrphanFigures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.stream.IntStream;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static io.dredge.core.DredgeException.Kind.NOT_FOUND;
import static io.dredge.core.DredgeException.Kind.NOT_SUPPORTED;
import static io.dredge.core.DredgeException.Kind.UNSAFE;
import static java.util.Objects.requireNonNull;

/**
 * {@code remove_orphan_files} and {@code restore_orphan_files}: files below a table's location that nothing of the
 * table references, older than a day at least, moved to a quarantine from which they can be put back (or deleted at
 * once with {@code purge}).
 *
 * <p>Referenced, never a candidate: for an Iceberg table, every file of every snapshot (manifest lists, manifests,
 * data, delete and statistics files) and every metadata file of the metadata log; for a Hive table, everything at or
 * below a partition's location (the table's, unpartitioned) except the leftovers of failed writes
 * ({@code .hive-staging*}, {@code _temporary}, {@code .trino*}), which engines do not read. Never touched: Dredge's
 * own {@code .dredge} directories and a directory a restore is writing. Refused, with nothing changed, when another
 * table or partition reads a place at, inside or around the table's location or one of its partitions'.
 */
public final class OrphanRemoval
{
    private static final Logger log = LoggerFactory.getLogger(OrphanRemoval.class);
    private static final String DREDGE_DIRECTORY = ".dredge";
    private static final String RESTORE_MARKER = ".dredge-restore";
    private static final List<String> WRITE_LEFTOVERS = List.of(".hive-staging", "_temporary", ".trino");

    private final MaintenanceContext context;
    private final OperationGuard guard;
    private final OperationFrame frame;

    public OrphanRemoval(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
        this.guard = new OperationGuard(context);
        this.frame = new OperationFrame(context);
    }

    public OperationRecord remove(TableReference reference, OrphanOptions options)
    {
        TableDescriptor table = requireRemovable(guard.requireTable(reference));
        Instant now = context.clock().instant();
        Instant olderThan = now.minus(options.olderThan());
        OperationRecord record = OperationRecord.start(OperationKind.REMOVE_ORPHAN_FILES, reference, context.user(), Optional.empty(),
                new OrphanDetails(olderThan, options.purge() ? Optional.empty() : Optional.of(Quarantine.root(context, table))), now);
        Optional<String> identity = TableIdentity.of(context, table);
        if (identity.isPresent()) {
            record = record.withTableIdentity(identity.get());
        }
        if (options.dryRun()) {
            Plan plan = plan(table, olderThan, scanReaders());
            OperationRecord planned = record.withStep("dry run: would remove %s files, %s bytes, last written before %s".formatted(plan.files().size(), bytes(plan.files()), olderThan))
                    .finished(OperationState.PLANNED, Optional.empty(), context.clock().instant());
            context.journal().saveFiles(planned, plan.files());
            context.journal().save(planned);
            return planned;
        }
        return removeHeld(reference, table, record, olderThan, plan -> plan);
    }

    /**
     * {@code remove_orphan_files} with {@code dry_run_id}: removes what that dry run of the table listed and is an
     * orphan still, by the dry run's age, and nothing else; what became an orphan since waits for another run.
     */
    public OperationRecord removeListed(TableReference reference, String dryRunId, boolean purge)
    {
        TableDescriptor table = requireRemovable(guard.requireTable(reference));
        OperationRecord dryRun = guard.requireDryRun(table, dryRunId, OperationKind.REMOVE_ORPHAN_FILES, "remove_orphan_files", "listed the orphans of");
        Set<String> listed = context.journal().files(dryRun).stream()
                .map(OperationFile::path)
                .collect(toImmutableSet());
        Instant olderThan = dryRun.orphans().olderThan();
        OperationRecord record = OperationRecord.start(OperationKind.REMOVE_ORPHAN_FILES, reference, context.user(), Optional.of(dryRun.id()),
                new OrphanDetails(olderThan, purge ? Optional.empty() : Optional.of(Quarantine.root(context, table))), context.clock().instant());
        if (dryRun.tableIdentity().isPresent()) {
            record = record.withTableIdentity(dryRun.tableIdentity().get());
        }
        return removeHeld(reference, table, record, olderThan, plan -> plan.only(listed));
    }

    private OperationRecord removeHeld(TableReference reference, TableDescriptor table, OperationRecord record, Instant olderThan, UnaryOperator<Plan> selection)
    {
        guard.requireWriteAccess(table);
        OperationRecord started = record;
        return frame.hold(table, record, () -> {
            // planned once the table is held, so that nothing Dredge does to it changes the plan
            Plan held = selection.apply(plan(guard.requireTable(reference), olderThan, scanReaders()));
            context.journal().saveFiles(started, held.files());
            context.faults().reached(ProtocolStep.PLANNED, 1);
            if (held.files().isEmpty()) {
                return finish(started.withStep("no orphan files last written before " + olderThan), OperationState.SUCCEEDED);
            }
            // the plan is the held table's: carried out under a name that now means another table, it could take that one's files
            requireHeldStill(started, "nothing was removed");
            boolean purging = started.orphans().quarantineLocation().isEmpty();
            context.journal().save(started.withStep("%s %s orphan files".formatted(purging ? "deleting" : "moving to quarantine", held.files().size())));
            // what is deleted cannot come back: checked before; what is moved, after, and put back if read again
            if (purging) {
                requireReadByNothing(reference, held.files());
            }
            move(started, held.files());
            context.faults().reached(ProtocolStep.WRITTEN, 1);
            requireHeldStill(started, "the removal stopped");
            if (!purging) {
                requireReadByNothing(reference, held.files());
            }
            List<String> missing = FilePresence.missing(context.fileStore(), table.location().orElseThrow(), held.needed());
            if (!missing.isEmpty()) {
                throw new DredgeException(UNSAFE, "%s files the table reads are missing after the removal, among them %s".formatted(missing.size(), String.join(", ", missing.subList(0, Math.min(3, missing.size())))));
            }
            String where = started.orphans().quarantineLocation()
                    .map(root -> "moved to %s; CALL dredge.system.restore_orphan_files(operation_id => '%s') puts them back".formatted(root, started.id()))
                    .orElse("deleted (purge)");
            return finish(started.withStep("removed %s orphan files, %s bytes: %s".formatted(held.files().size(), bytes(held.files()), where)), OperationState.SUCCEEDED);
        }, e -> {
            Optional<String> kept = keptIfReplaced(started);
            if (kept.isPresent()) {
                DredgeException failure = new DredgeException(UNSAFE, kept.get(), e);
                context.journal().save(started.withStep("failed; " + kept.get())
                        .finished(OperationState.FAILED, Optional.of(failure.getMessage()), context.clock().instant()));
                return failure;
            }
            // whatever was moved goes back: the table is as it was
            int back = putBack(started, path -> true);
            context.journal().save(started.withStep("failed; put back %s files".formatted(back))
                    .finished(OperationState.FAILED, Optional.of(String.valueOf(e.getMessage())), context.clock().instant()));
            return e;
        });
    }

    /**
     * Fails when the removal's table name no longer means the table it holds.
     */
    private void requireHeldStill(OperationRecord removal, String outcome)
    {
        replacement(removal).ifPresent(reason -> {
            throw new DredgeException(UNSAFE, "%s; %s".formatted(reason, outcome));
        });
    }

    /**
     * Why the removal's table name no longer means the table it took (dropped, or renamed with another made under the
     * name), or empty while it does: a Hive table is known by the mark the removal set on it, which a rename keeps and
     * a drop loses; an Iceberg table by its UUID.
     */
    private Optional<String> replacement(OperationRecord removal)
    {
        Optional<String> replaced = TableIdentity.replaced(context, removal);
        if (replaced.isPresent() || removal.tableIdentity().isPresent()) {
            return replaced;
        }
        if (context.metastore().getTable(removal.table()).map(table -> HeldTable.holds(table, removal.id())).orElse(false)) {
            return Optional.empty();
        }
        return Optional.of("%s is no longer the table that operation %s ran on (it does not carry the operation's mark): that table was dropped or renamed, and the name now means another table"
                .formatted(removal.table(), removal.id()));
    }

    /**
     * When the removal's table was replaced under its name and files of it are in the quarantine, why they stay
     * there: put back, a file would land where the table that has the name now may read it (a Hive partition's
     * directory becomes rows), and the table it was taken from is gone or elsewhere. Empty otherwise.
     */
    private Optional<String> keptIfReplaced(OperationRecord removal)
    {
        Optional<String> quarantine = removal.orphans().quarantineLocation();
        if (quarantine.isEmpty()) {
            return Optional.empty();
        }
        List<OperationFile> files = context.journal().files(removal);
        long parked = IntStream.range(0, files.size())
                .filter(index -> FilePresence.exists(context.fileStore(), Quarantine.path(quarantine.get(), removal.id(), index, files.get(index).path())))
                .count();
        if (parked == 0) {
            return Optional.empty();
        }
        return replacement(removal).map(reason -> "%s: the %s moved files stay in the quarantine %s, where nothing reads them, as put back they could be read by the table that has the name now"
                .formatted(reason, parked, Locations.child(quarantine.get(), removal.id())));
    }

    /**
     * What a removal with the default age would take from each table now, for {@code table_health}: planned as a
     * dry run plans, over one scan of the metastore's locations for all tables asked about. A table a removal would
     * refuse has none to tell.
     */
    public static OrphanCandidates candidates(MaintenanceContext context)
    {
        OrphanRemoval removal = new OrphanRemoval(context);
        Supplier<LocationReaders> readers = Suppliers.memoize(removal::scanReaders);
        return reference -> {
            try {
                Optional<TableDescriptor> table = context.metastore().getTable(reference)
                        .filter(descriptor -> !descriptor.view());
                if (table.isEmpty()) {
                    return Optional.empty();
                }
                List<OperationFile> files = removal.plan(removal.requireRemovable(table.get()), context.clock().instant().minus(OrphanOptions.DEFAULT_AGE), readers.get()).files();
                return Optional.of(new OrphanFigures(files.size(), bytes(files), OrphanOptions.DEFAULT_AGE));
            }
            catch (DredgeException | UncheckedIOException e) {
                log.debug("no orphan figures for {}: {}", reference, e.getMessage());
                return Optional.empty();
            }
        };
    }

    /**
     * {@code restore_orphan_files}: puts the files a removal moved to the quarantine back where they were.
     */
    public OperationRecord restore(String operationId)
    {
        OperationRecord removal = find(operationId)
                .orElseThrow(() -> new DredgeException(NOT_FOUND, "operation %s does not exist".formatted(operationId)));
        if (removal.kind() != OperationKind.REMOVE_ORPHAN_FILES) {
            throw new DredgeException(INVALID_ARGUMENT, "operation %s is a %s, not a removal of orphan files".formatted(operationId, removal.kind()));
        }
        if (removal.state() != OperationState.SUCCEEDED) {
            throw new DredgeException(INVALID_ARGUMENT, "operation %s is %s: only a finished removal has files to put back".formatted(operationId, removal.state()));
        }
        if (removal.orphans().quarantineLocation().isEmpty()) {
            throw new DredgeException(UNSAFE, "operation %s deleted its files (purge): nothing to put back".formatted(operationId));
        }
        TableDescriptor table = guard.requireTable(removal.table());
        TableIdentity.requireSame(context, table, removal);
        guard.requireWriteAccess(table);
        OperationRecord record = OperationRecord.start(OperationKind.RESTORE_ORPHAN_FILES, removal.table(), context.user(), Optional.of(removal.id()), OperationDetails.NONE, context.clock().instant());
        return frame.hold(table, record, () -> {
            // a Hive file whose place a partition reads now would become rows: it stays in the quarantine
            List<String> readLocations = table.tableType() == TableType.HIVE ? hiveReadLocations(table) : List.of();
            List<String> kept = new ArrayList<>();
            int back = putBack(removal, path -> {
                if (table.tableType() == TableType.HIVE && hiveReason(readLocations, path).isEmpty()) {
                    kept.add(path);
                    return false;
                }
                return true;
            });
            context.journal().save(removal.withState(OperationState.ROLLED_BACK));
            int listed = context.journal().files(removal).size();
            String keptNote = kept.isEmpty() ? "" : "; kept in the quarantine, as a partition now reads their place: " + String.join(", ", kept);
            String othersNote = back + kept.size() == listed ? "" : "; the others were back already, or their place is taken";
            return finish(record.withStep("put back %s of %s files%s%s".formatted(back, listed, keptNote, othersNote)), OperationState.SUCCEEDED);
        }, frame.journalFailed(record));
    }

    /**
     * For {@code cleanup}: deletes what a removal moved to the quarantine; it can no longer be restored.
     */
    public OperationRecord purgeQuarantine(OperationRecord removal)
    {
        String directory = Locations.child(removal.orphans().quarantineLocation().orElseThrow(), removal.id());
        try {
            context.fileStore().deleteDirectory(directory);
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to delete the quarantine " + directory, e);
        }
        // the state changes after the files are gone: a crash in between leaves a removal whose restore finds nothing
        OperationRecord purged = removal.withState(OperationState.CLEANED_UP);
        context.journal().save(purged);
        log.info("cleanup deleted the quarantine of removal {} on {}: {}", removal.id(), removal.table(), directory);
        return purged;
    }

    /**
     * The operation of the journal with this id, in whichever schema.
     */
    public Optional<OperationRecord> find(String operationId)
    {
        return context.journal().listAll().stream()
                .filter(record -> record.id().equals(operationId))
                .findFirst();
    }

    /**
     * Settles a removal or restore that a crash left {@code RUNNING}: every file still in the quarantine goes back.
     */
    public String recover(OperationRecord operation)
    {
        if (operation.kind() == OperationKind.RESTORE_ORPHAN_FILES) {
            OperationRecord removal = operation.targetOperationId()
                    .flatMap(id -> context.journal().find(operation.table().schemaName(), id))
                    .orElseThrow(() -> new IllegalStateException("restore %s names no removal".formatted(operation.id())));
            // as the restore would have: a Hive file a partition reads the place of now stays in the quarantine
            TableDescriptor table = guard.requireTable(removal.table());
            List<String> readLocations = table.tableType() == TableType.HIVE ? hiveReadLocations(table) : List.of();
            int back = putBack(removal, path -> table.tableType() != TableType.HIVE || hiveReason(readLocations, path).isPresent());
            context.journal().save(removal.withState(OperationState.ROLLED_BACK));
            finish(operation.withStep("put back %s files (finished by recover)".formatted(back)), OperationState.SUCCEEDED);
            return "finished restore %s of removal %s".formatted(operation.id(), removal.id());
        }
        Optional<String> kept = keptIfReplaced(operation);
        if (kept.isPresent()) {
            finish(operation.withStep("interrupted; " + kept.get()), OperationState.RECOVERED);
            return "closed interrupted removal of orphan files %s: %s".formatted(operation.id(), kept.get());
        }
        int back = putBack(operation, path -> true);
        finish(operation.withStep("interrupted; put back %s files".formatted(back)), OperationState.RECOVERED);
        return "undid interrupted removal of orphan files %s: put back %s files".formatted(operation.id(), back);
    }

    private TableDescriptor requireRemovable(TableDescriptor table)
    {
        if (table.dredgeRole().isPresent()) {
            throw new DredgeException(NOT_SUPPORTED, "%s is a table Dredge made (%s); it goes away with cleanup or rollback".formatted(table.table(), table.dredgeRole().get()));
        }
        if (table.transactional()) {
            throw new DredgeException(NOT_SUPPORTED, "%s is a transactional (ACID) table: Hive's own cleaner owns its obsolete files".formatted(table.table()));
        }
        if (table.location().isEmpty()) {
            throw new DredgeException(NOT_SUPPORTED, "%s has no location".formatted(table.table()));
        }
        context.metastore().filesReadBeyondMetadata(table.table()).ifPresent(reason -> {
            throw new DredgeException(UNSAFE, "Dredge removes no file of %s: %s".formatted(table.table(), reason));
        });
        return table;
    }

    /**
     * @param files the orphans, in the order they are moved
     * @param needed what the table reads, which must all be there afterwards
     */
    private record Plan(List<OperationFile> files, List<String> needed)
    {
        Plan
        {
            files = ImmutableList.copyOf(requireNonNull(files, "files is null"));
            needed = ImmutableList.copyOf(requireNonNull(needed, "needed is null"));
        }

        Plan only(Set<String> paths)
        {
            return new Plan(files.stream().filter(file -> paths.contains(file.path())).collect(toImmutableList()), needed);
        }
    }

    /**
     * What a table reads, and the places its files may lie in.
     *
     * @param roots the table's location, and a Hive table's partitions' locations outside it
     * @param readLocations Hive: where the table (its partitions, its own compaction tables) reads
     * @param referenced Iceberg: the paths every snapshot and the metadata log reference, as {@link Locations#comparablePath}
     */
    private record Reads(TableType tableType, List<String> roots, List<String> readLocations, Set<String> referenced)
    {
        Reads
        {
            requireNonNull(tableType, "tableType is null");
            roots = ImmutableList.copyOf(requireNonNull(roots, "roots is null"));
            readLocations = ImmutableList.copyOf(requireNonNull(readLocations, "readLocations is null"));
            referenced = ImmutableSet.copyOf(requireNonNull(referenced, "referenced is null"));
        }

        /**
         * Why the file at {@code path} is an orphan, or empty when the table may read it.
         */
        Optional<String> orphanReason(String path)
        {
            if (tableType == TableType.ICEBERG) {
                return referenced.contains(Locations.comparablePath(path)) || Locations.name(path).equals("version-hint.text")
                        ? Optional.empty()
                        : Optional.of("referenced by no snapshot, statistics or metadata file");
            }
            return hiveReason(readLocations, path);
        }
    }

    private Reads reads(TableDescriptor table, LocationReaders readers)
    {
        String location = table.location().orElseThrow();
        List<String> readLocations = ImmutableList.of(location);
        List<String> roots = ImmutableList.of(location);
        if (table.tableType() == TableType.HIVE && table.partitioned()) {
            readLocations = hiveReadLocations(table);
            // partitions outside the table's directory may hold leftovers too
            List<String> outside = readLocations.stream()
                    .filter(partition -> !Locations.samePath(location, partition) && !Locations.isBelow(location, partition))
                    .collect(toImmutableList());
            roots = ImmutableList.<String>builder().add(location).addAll(outside).build();
        }
        List<String> derived = requireOwnLocations(table, roots, readers);
        if (!derived.isEmpty()) {
            readLocations = ImmutableList.<String>builder().addAll(readLocations).addAll(derived).build();
        }

        requireOneFileSystem(table, readLocations, "reads");
        Set<String> referenced = Set.of();
        if (table.tableType() == TableType.ICEBERG) {
            IcebergTableMetadata metadata = IcebergTableMetadata.read(context.fileStore(), table);
            List<String> files = ImmutableList.<String>builder()
                    .addAll(metadata.referencedFiles(metadata.snapshotIds()).keySet())
                    .addAll(metadata.metadataFiles())
                    .build();
            requireOneFileSystem(table, files, "references");
            referenced = files.stream()
                    .map(Locations::comparablePath)
                    .collect(toImmutableSet());
        }
        return new Reads(table.tableType(), roots, readLocations, referenced);
    }

    private Plan plan(TableDescriptor table, Instant olderThan, LocationReaders readers)
    {
        Reads reads = reads(table, readers);
        List<OperationFile> orphans = new ArrayList<>();
        List<String> needed = new ArrayList<>();
        for (String root : reads.roots()) {
            List<StoredFile> files = list(root);
            requireNoOtherTable(table, root, files);
            Set<String> restoring = files.stream()
                    .filter(file -> Locations.name(file.path()).equals(RESTORE_MARKER))
                    .map(file -> Locations.parent(file.path()).orElseThrow())
                    .collect(toImmutableSet());
            for (StoredFile file : files) {
                if (inDredgeDirectory(root, file.path()) || restoring.stream().anyMatch(directory -> Locations.isBelow(directory, file.path()))) {
                    continue;
                }
                Optional<String> reason = reads.orphanReason(file.path());
                if (reason.isEmpty()) {
                    needed.add(file.path());
                }
                else if (file.lastModified().isBefore(olderThan)) {
                    orphans.add(new OperationFile(file.path(), file.sizeBytes(), reason.get()));
                }
            }
        }
        return new Plan(orphans, needed);
    }

    /**
     * Fails when a place the table reads holds another table's metadata (an Iceberg table's metadata files, a Delta
     * Lake log): a table of another catalog, which this catalog's metastore cannot see, may lie inside this one, and
     * its files would look like orphans.
     */
    private static void requireNoOtherTable(TableDescriptor table, String root, List<StoredFile> files)
    {
        Optional<String> ownMetadataDirectory = table.icebergMetadataLocation().flatMap(Locations::parent).map(Locations::withoutTrailingSlash);
        for (StoredFile file : files) {
            String path = file.path();
            Optional<String> directory = Locations.parent(path).map(Locations::withoutTrailingSlash);
            boolean icebergMetadata = path.endsWith(".metadata.json") && directory.map(Locations::name).equals(Optional.of("metadata"));
            boolean deltaLog = path.contains("/_delta_log/");
            if ((icebergMetadata && !sameDirectory(directory, ownMetadataDirectory)) || deltaLog) {
                throw new DredgeException(UNSAFE, "%s holds another table's metadata (%s): a table that this catalog does not know (of another catalog?) may keep its files there, which would look like orphans; Dredge removes no orphan files of %s"
                        .formatted(root, path, table.table()));
            }
        }
    }

    private static boolean sameDirectory(Optional<String> directory, Optional<String> other)
    {
        return directory.isPresent() && other.isPresent() && Locations.samePath(directory.get(), other.get());
    }

    /**
     * Fails when the table reads any of {@code files} now, as the metastore and the table's metadata say afresh: a
     * partition registered, or a snapshot committed, while the removal ran may read a place the plan found read by
     * nothing.
     */
    private void requireReadByNothing(TableReference reference, List<OperationFile> files)
    {
        Reads now = reads(guard.requireTable(reference), scanReaders());
        List<String> read = files.stream()
                .map(OperationFile::path)
                .filter(path -> now.orphanReason(path).isEmpty())
                .collect(toImmutableList());
        if (!read.isEmpty()) {
            throw new DredgeException(UNSAFE, "%s of the orphan files are read by the table now (a partition registered or a snapshot committed while the removal ran), among them %s"
                    .formatted(read.size(), String.join(", ", read.subList(0, Math.min(3, read.size())))));
        }
    }

    /**
     * Files are compared by their paths, which name the same file only on one file system: a place the table reads or
     * references on another (beyond a scheme's aliases, such as {@code s3a://} for {@code s3://}) is refused, not
     * guessed at.
     */
    private static void requireOneFileSystem(TableDescriptor table, List<String> locations, String verb)
    {
        String fileSystem = Locations.fileSystem(table.location().orElseThrow());
        for (String location : locations) {
            if (!Locations.fileSystem(location).equals(fileSystem)) {
                throw new DredgeException(UNSAFE, "%s %s %s, on another file system than its location %s: Dredge compares files by path within one file system only; nothing was removed"
                        .formatted(table.table(), verb, location, table.location().orElseThrow()));
            }
        }
    }

    /**
     * Where a Hive table's data is read: its partitions' locations, or its own when unpartitioned.
     */
    private List<String> hiveReadLocations(TableDescriptor table)
    {
        if (!table.partitioned()) {
            return ImmutableList.of(table.location().orElseThrow());
        }
        return context.metastore().getPartitionsInBatches(table.table(), context.metastore().getPartitionNames(table)).stream()
                .map(PartitionDescriptor::location)
                .collect(toImmutableList());
    }

    /**
     * Why a Hive table's file is an orphan, or empty when an engine may read it.
     */
    private static Optional<String> hiveReason(List<String> readLocations, String path)
    {
        Optional<String> readLocation = readLocations.stream()
                .filter(location -> Locations.isBelow(location, path))
                .findFirst();
        if (readLocation.isEmpty()) {
            return Optional.of("in no partition's location (a dropped or moved partition's, or a failed write's)");
        }
        String relative = Locations.comparablePath(path).substring(Locations.comparablePath(readLocation.get()).length());
        for (String segment : relative.split("/")) {
            for (String leftover : WRITE_LEFTOVERS) {
                if (segment.startsWith(leftover)) {
                    return Optional.of("leftover of a failed write (%s), which engines do not read".formatted(segment));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean inDredgeDirectory(String root, String path)
    {
        String relative = Locations.comparablePath(path).substring(Locations.comparablePath(root).length());
        for (String segment : relative.split("/")) {
            if (segment.equals(DREDGE_DIRECTORY)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Another table or partition that reads a place at, inside or around one of the roots may own files there: refused.
     * A Hive table's own compaction tables ({@code <table>__dredge_...}: its backup table over the original data,
     * until cleanup) are the table's: what they read is returned, to be kept as read.
     */
    private List<String> requireOwnLocations(TableDescriptor table, List<String> roots, LocationReaders readers)
    {
        ImmutableList.Builder<String> derivedLocations = ImmutableList.builder();
        for (String root : roots) {
            List<LocationReaders.Reader> overlapping = readers.overlapping(root).stream()
                    .filter(reader -> !reader.table().equals(table.table()))
                    .collect(toImmutableList());
            List<LocationReaders.Reader> derived = overlapping.stream()
                    .filter(reader -> table.tableType() == TableType.HIVE && isDerived(table.table(), reader.table()))
                    .collect(toImmutableList());
            List<LocationReaders.Reader> others = overlapping.stream()
                    .filter(reader -> !derived.contains(reader))
                    .collect(toImmutableList());
            if (!others.isEmpty()) {
                throw new DredgeException(UNSAFE, "%s (location of %s) is shared with %s, whose files would look like orphans; nothing was removed"
                        .formatted(root, table.table(), LocationReaders.describe(others)));
            }
            // a partitioned table reads its partitions' locations only, not its own
            Set<TableReference> partitioned = derived.stream()
                    .filter(reader -> reader.partitionName().isPresent())
                    .map(LocationReaders.Reader::table)
                    .collect(toImmutableSet());
            derived.stream()
                    .filter(reader -> reader.partitionName().isPresent() || !partitioned.contains(reader.table()))
                    .forEach(reader -> derivedLocations.add(reader.location()));
        }
        return derivedLocations.build();
    }

    private LocationReaders scanReaders()
    {
        return LocationReaders.scan(context.metastore(), context.besideExecutor());
    }

    private static boolean isDerived(TableReference table, TableReference other)
    {
        String prefix = table.tableName().substring(0, Math.min(table.tableName().length(), 100));
        return other.schemaName().equals(table.schemaName()) && other.tableName().startsWith(prefix) && other.tableName().contains("__dredge_");
    }

    private void move(OperationRecord record, List<OperationFile> files)
    {
        Optional<String> quarantine = record.orphans().quarantineLocation();
        for (int index = 0; index < files.size(); index++) {
            OperationFile file = files.get(index);
            try {
                if (quarantine.isPresent()) {
                    context.fileStore().moveFile(file.path(), Quarantine.path(quarantine.get(), record.id(), index, file.path()));
                }
                else {
                    context.fileStore().deleteFile(file.path());
                }
            }
            catch (IOException e) {
                throw new UncheckedIOException("failed to remove orphan file " + file.path(), e);
            }
        }
        log.info("remove_orphan_files {} on {}: removed {} files", record.id(), record.table(), files.size());
    }

    /**
     * Moves back every listed file that is in the quarantine, whose place is free and that {@code allowed} lets go
     * back; returns how many.
     */
    private int putBack(OperationRecord removal, Predicate<String> allowed)
    {
        Optional<String> quarantine = removal.orphans().quarantineLocation();
        if (quarantine.isEmpty()) {
            return 0;
        }
        List<OperationFile> files = context.journal().files(removal);
        int back = 0;
        for (int index = 0; index < files.size(); index++) {
            OperationFile file = files.get(index);
            String parked = Quarantine.path(quarantine.get(), removal.id(), index, file.path());
            if (FilePresence.exists(context.fileStore(), parked) && !FilePresence.exists(context.fileStore(), file.path()) && allowed.test(file.path())) {
                try {
                    context.fileStore().moveFile(parked, file.path());
                    back++;
                }
                catch (IOException e) {
                    throw new UncheckedIOException("failed to put back %s from %s".formatted(file.path(), parked), e);
                }
            }
        }
        return back;
    }

    private List<StoredFile> list(String location)
    {
        try {
            return context.fileStore().listStoredFiles(location);
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to list " + location, e);
        }
    }

    private OperationRecord finish(OperationRecord record, OperationState state)
    {
        OperationRecord finished = record.finished(state, Optional.empty(), context.clock().instant());
        context.journal().save(finished);
        log.info("{} {} on {}: {}", record.kind(), finished.id(), finished.table(), finished.step());
        return finished;
    }

    private static long bytes(List<OperationFile> files)
    {
        return files.stream().mapToLong(OperationFile::bytes).sum();
    }
}

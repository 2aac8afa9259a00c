package io.dredge.core.hygiene;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableMap;
import io.dredge.core.DredgeException;
import io.dredge.core.Units;
import io.dredge.core.files.FileCopier;
import io.dredge.core.files.FileCopy;
import io.dredge.core.iceberg.IcebergTableMetadata;
import io.dredge.core.iceberg.IcebergTableMetadata.ReferencedFile;
import io.dredge.core.journal.ExpiryDetails;
import io.dredge.core.journal.OperationFile;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationState;
import io.dredge.core.journal.RollbackPoints;
import io.dredge.core.location.LocationReaders;
import io.dredge.core.model.Locations;
import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableReference;
import io.dredge.core.model.TableType;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.OperationFrame;
import io.dredge.core.operation.OperationGuard;
import io.dredge.core.operation.ProtocolStep;
import io.dredge.core.operation.TableIdentity;
import io.dredge.core.sql.SqlDialect;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static com.google.common.base.Preconditions.checkState;
import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.dredge.core.DredgeException.Kind.INVALID_ARGUMENT;
import static io.dredge.core.DredgeException.Kind.NOT_SUPPORTED;
import static io.dredge.core.DredgeException.Kind.UNSAFE;
import static java.util.Objects.requireNonNull;

/**
 * {@code expire_snapshots} of an Iceberg table, with guards the engine's own procedure lacks. The plan is
 * iceberg-core's own expiry computed on the table's current metadata, with the cut-off moved earlier so that every
 * snapshot a Dredge compaction can still roll back to stays; a dry run journals it and lists every file it would
 * remove. A real run holds the table like every operation, moves the data and delete files it will remove to a
 * quarantine (on the workers, in Trino), has the engine's {@code expire_snapshots} commit with that cut-off and delete
 * the metadata files, deletes the parked files (on the workers), and checks on its own listing that every file a
 * remaining snapshot references is still there. A failure before the commit, or a crash that {@code recover}
 * settles, puts the parked files back.
 *
 * <p>Refused, with nothing changed: a table with {@code gc.enabled=false}; an {@code older_than} shorter than the
 * Iceberg catalog's minimum retention; a table whose location another table or partition shares, lies in, or holds,
 * or whose expiring files lie outside its location (files another table may read).
 */
public final class SnapshotExpiry
{
    private static final Logger log = LoggerFactory.getLogger(SnapshotExpiry.class);
    private static final String MIN_RETENTION_PROPERTY = "expire_snapshots_min_retention";
    private static final String REFERENCED_ONLY_BY_EXPIRED = ", referenced only by expired snapshots";
    private static final String DATA_FILE = "data file" + REFERENCED_ONLY_BY_EXPIRED;
    private static final String DELETE_FILE = "delete file" + REFERENCED_ONLY_BY_EXPIRED;
    private final MaintenanceContext context;
    private final OperationGuard guard;
    private final OperationFrame frame;

    public SnapshotExpiry(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
        this.guard = new OperationGuard(context);
        this.frame = new OperationFrame(context);
    }

    public OperationRecord expire(TableReference reference, ExpiryOptions options)
    {
        TableDescriptor table = requireExpirable(reference);
        Duration minimum = minimumRetention();
        if (options.olderThan().compareTo(minimum) < 0) {
            throw new DredgeException(INVALID_ARGUMENT, "older_than %s is shorter than the minimum retention of catalog %s (iceberg.expire-snapshots.min-retention, %s)"
                    .formatted(Units.text(options.olderThan()), context.icebergCatalog().orElse("iceberg"), Units.text(minimum)));
        }
        IcebergTableMetadata metadata = readCollectable(table);
        Instant now = context.clock().instant();
        Plan plan = plan(table, metadata, now.minus(options.olderThan()), options.retainLast());
        ExpiryDetails details = new ExpiryDetails(plan.cutoff(), options.retainLast(), plan.expiring());
        OperationRecord record = OperationRecord.start(OperationKind.EXPIRE_SNAPSHOTS, reference, context.user(), Optional.empty(),
                        options.dryRun() ? details : quarantined(details, table), now)
                .withTableIdentity(metadata.identity());
        if (options.dryRun()) {
            OperationRecord planned = record.withStep("dry run: would expire %s of %s snapshots (committed before %s) and remove %s files, %s bytes%s".formatted(
                            plan.expiring().size(), metadata.snapshotIds().size(), plan.cutoff(), plan.files().size(), bytes(plan.files()), plan.keptNote()))
                    .finished(OperationState.PLANNED, Optional.empty(), context.clock().instant());
            context.journal().saveFiles(planned, plan.files());
            context.journal().save(planned);
            return planned;
        }
        return run(table, metadata, record, plan);
    }

    /**
     * {@code expire_snapshots} with {@code dry_run_id}: expires exactly the snapshots that dry run of the table
     * listed, by its cut-off and {@code retain_last}, and removes no file it did not list; refused, with nothing
     * changed, when the table changed since so that the plan would differ.
     */
    public OperationRecord expireListed(TableReference reference, String dryRunId)
    {
        TableDescriptor table = requireExpirable(reference);
        OperationRecord dryRun = guard.requireDryRun(table, dryRunId, OperationKind.EXPIRE_SNAPSHOTS, "expire_snapshots", "planned the expiry of");
        IcebergTableMetadata metadata = readCollectable(table);
        ExpiryDetails listed = dryRun.expiry();
        Plan plan = plan(table, metadata, listed.expireOlderThan(), listed.retainLast());
        Set<String> listedFiles = context.journal().files(dryRun).stream()
                .map(file -> Locations.comparablePath(file.path()))
                .collect(toImmutableSet());
        long unlisted = plan.files().stream().filter(file -> !listedFiles.contains(Locations.comparablePath(file.path()))).count();
        if (!plan.expiring().equals(listed.snapshots()) || unlisted > 0) {
            throw new DredgeException(UNSAFE, "%s changed since dry run %s: it would now expire snapshots %s and %s files the dry run did not list, where the dry run listed snapshots %s; nothing was expired: run a new dry run"
                    .formatted(reference, dryRunId, plan.expiring(), unlisted, listed.snapshots()));
        }
        OperationRecord record = OperationRecord.start(OperationKind.EXPIRE_SNAPSHOTS, reference, context.user(), Optional.of(dryRun.id()),
                        quarantined(new ExpiryDetails(plan.cutoff(), listed.retainLast(), plan.expiring()), table), context.clock().instant())
                .withTableIdentity(metadata.identity());
        return run(table, metadata, record, plan);
    }

    /**
     * @param cutoff where the expiry cuts: the caller's, moved earlier to keep every snapshot a Dredge operation can
     * still return to
     * @param expiring the snapshots that expire, oldest first
     * @param files what only they reference
     */
    private record Plan(Instant cutoff, List<Long> expiring, List<OperationFile> files, String keptNote)
    {
        Plan
        {
            requireNonNull(cutoff, "cutoff is null");
            expiring = ImmutableList.copyOf(requireNonNull(expiring, "expiring is null"));
            files = ImmutableList.copyOf(requireNonNull(files, "files is null"));
            requireNonNull(keptNote, "keptNote is null");
        }
    }

    private TableDescriptor requireExpirable(TableReference reference)
    {
        TableDescriptor table = guard.requireTable(reference);
        if (table.tableType() != TableType.ICEBERG) {
            throw new DredgeException(NOT_SUPPORTED, "%s is a Hive table: only Iceberg tables have snapshots to expire".formatted(reference));
        }
        context.metastore().filesReadBeyondMetadata(reference).ifPresent(reason -> {
            throw new DredgeException(UNSAFE, "Dredge expires no snapshot of %s: %s".formatted(reference, reason));
        });
        requireTrino();
        return table;
    }

    private IcebergTableMetadata readCollectable(TableDescriptor table)
    {
        IcebergTableMetadata metadata = IcebergTableMetadata.read(context.fileStore(), table);
        if (!metadata.gcEnabled()) {
            throw new DredgeException(UNSAFE, "table %s has gc.enabled=false (its files may be shared with other tables): Dredge expires none of its snapshots".formatted(table.table()));
        }
        return metadata;
    }

    private Plan plan(TableDescriptor table, IcebergTableMetadata metadata, Instant olderThan, int retainLast)
    {
        Map<Long, String> kept = protectedSnapshots(table, metadata);
        Instant cutoff = RollbackPoints.cutoff(olderThan, kept.keySet(), metadata::committedAt);
        List<Long> expiring = metadata.expiring(cutoff, retainLast);
        checkState(expiring.stream().noneMatch(kept::containsKey), "plan expires a kept snapshot of %s", table.table());
        List<OperationFile> files = removable(metadata, expiring);
        if (!expiring.isEmpty()) {
            requireOwnFiles(table, files);
        }
        return new Plan(cutoff, expiring, files, keptNote(kept, metadata));
    }

    private OperationRecord run(TableDescriptor table, IcebergTableMetadata metadata, OperationRecord record, Plan plan)
    {
        guard.requireWriteAccess(table);
        return frame.hold(table, record, () -> {
            context.journal().saveFiles(record, plan.files());
            context.faults().reached(ProtocolStep.PLANNED, 1);
            if (plan.expiring().isEmpty()) {
                return finish(record.withStep("nothing to expire" + plan.keptNote()), OperationState.SUCCEEDED);
            }
            // the engine expires by name: under a name that now means another table, the plan would be carried out on that one
            requireSameTable(record, "nothing was expired");
            if (record.expiry().quarantineLocation().isPresent()) {
                List<FileCopy> parking = parking(record, plan.files());
                context.journal().save(record.withStep("moving %s data and delete files that only the expiring snapshots reference to the quarantine".formatted(parking.size())));
                copier(record).move(parking);
                context.faults().reached(ProtocolStep.PARKED, 1);
            }
            // again: moving many files takes time, and a failure now puts them back where they were
            requireSameTable(record, "nothing was expired");
            context.journal().save(record.withStep("expiring %s snapshots".formatted(plan.expiring().size())));
            runEngineExpiry(table, metadata, record.expiry());
            context.faults().reached(ProtocolStep.WRITTEN, 1);
            String released = releaseQuarantine(record, plan.files());
            return finish(settle(record, plan.files(), Optional.of(metadata.snapshotIds()), released + plan.keptNote()), OperationState.SUCCEEDED);
        }, failure -> {
            try {
                String released = releaseQuarantine(record, plan.files());
                if (!released.isEmpty()) {
                    log.info("expire_snapshots {} on {} failed{}", record.id(), record.table(), released);
                }
            }
            catch (RuntimeException e) {
                // files a snapshot may read wait in the quarantine: the expiry stays RUNNING, as after a crash, so that
                // no other operation starts on the table and recover puts them back or deletes them
                log.warn("expire_snapshots {} on {} failed and could not empty its quarantine: {}", record.id(), record.table(), e.getMessage());
                DredgeException stranded = new DredgeException(UNSAFE, "%s; and the files it parked could not all be put back or deleted (%s): the expiry stays RUNNING, run recover on %s"
                        .formatted(failure.getMessage(), e.getMessage(), record.table()), failure);
                stranded.addSuppressed(e);
                return stranded;
            }
            return frame.journalFailed(record).apply(failure);
        });
    }

    /**
     * The expiry parks its files in the quarantine where moving them there renames them; on an object store, or
     * into a quarantine on another file system, a move copies every byte, and the engine's batched deletes on the
     * coordinator cost less than that.
     */
    private ExpiryDetails quarantined(ExpiryDetails details, TableDescriptor table)
    {
        String location = table.location().orElseThrow(() -> new DredgeException(UNSAFE, "table %s has no location".formatted(table.table())));
        String quarantine = Quarantine.root(context, table);
        return Quarantine.movesByRenaming(location, quarantine) ? details.withQuarantine(quarantine) : details;
    }

    /**
     * The moves that park the data and delete files of the plan in the quarantine before the engine commits: the
     * engine's expiry then finds them gone and deletes only the metadata files, one at a time on the coordinator,
     * and the data files are deleted on the workers once the commit is known. Files the engine needs to find what
     * to delete (manifests, manifest lists) stay.
     */
    private static List<FileCopy> parking(OperationRecord record, List<OperationFile> files)
    {
        String quarantine = record.expiry().quarantineLocation().orElseThrow();
        ImmutableList.Builder<FileCopy> moves = ImmutableList.builder();
        for (int index = 0; index < files.size(); index++) {
            OperationFile file = files.get(index);
            if (isContentFile(file)) {
                moves.add(new FileCopy(file.path(), Quarantine.path(quarantine, record.id(), index, file.path()), file.bytes()));
            }
        }
        return moves.build();
    }

    private static boolean isContentFile(OperationFile file)
    {
        return file.reason().startsWith(DATA_FILE) || file.reason().startsWith(DELETE_FILE);
    }

    /**
     * Empties the expiry's quarantine directory: a parked file that a snapshot of the table still references (all of
     * them when the engine did not commit, or the name now means another table) goes back to its place; the others,
     * referenced by no snapshot after the commit, are deleted. Returns what it did, for the operation's step; empty
     * when the quarantine held nothing. Run after the engine's expiry, after a failure, and by {@code recover}: what
     * a crash left half done, it finishes.
     */
    private String releaseQuarantine(OperationRecord expiry, List<OperationFile> files)
    {
        Optional<String> quarantine = expiry.expiry().quarantineLocation();
        if (quarantine.isEmpty()) {
            return "";
        }
        Set<String> parked = FilePresence.listed(context.fileStore(), Quarantine.operationDirectory(quarantine.get(), expiry.id()));
        if (parked.isEmpty()) {
            return "";
        }
        Optional<Set<String>> referenced = Optional.empty();
        if (TableIdentity.replaced(context, expiry).isEmpty()) {
            referenced = context.metastore().getTable(expiry.table()).map(table -> {
                IcebergTableMetadata current = IcebergTableMetadata.read(context.fileStore(), table);
                return current.referencedFiles(current.snapshotIds()).keySet().stream()
                        .map(Locations::comparablePath)
                        .collect(toImmutableSet());
            });
        }
        List<FileCopy> back = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        for (int index = 0; index < files.size(); index++) {
            OperationFile file = files.get(index);
            String parkedPath = Quarantine.path(quarantine.get(), expiry.id(), index, file.path());
            if (!parked.contains(Locations.comparablePath(parkedPath))) {
                continue;
            }
            // putting a file back never loses a row: unreferenced, it is an orphan; deleting one a snapshot reads would
            if (referenced.map(paths -> paths.contains(Locations.comparablePath(file.path()))).orElse(true)) {
                back.add(new FileCopy(parkedPath, file.path(), file.bytes()));
            }
            else {
                deleted.add(parkedPath);
            }
        }
        FileCopier copier = copier(expiry);
        copier.move(back);
        copier.delete(deleted);
        log.info("expire_snapshots {} on {}: deleted {} parked files, put back {}", expiry.id(), expiry.table(), deleted.size(), back.size());
        // a move the workers were still making when an earlier attempt failed may have landed after that listing
        requireQuarantineEmpty(expiry);
        return back.isEmpty() ? "" : "; put back %s parked files that snapshots of the table still reference".formatted(back.size());
    }

    /**
     * The expiry's quarantine holds none of its files, and no plan a crash left behind; else it fails, and the
     * expiry must stay {@code RUNNING} for {@code recover}: a file there may be one a snapshot reads.
     */
    private void requireQuarantineEmpty(OperationRecord expiry)
    {
        String directory = Quarantine.operationDirectory(expiry.expiry().quarantineLocation().orElseThrow(), expiry.id());
        try {
            context.fileStore().deleteDirectory(directory + "-plans");
            // not the checksum files some file systems keep beside each file (Hadoop's .crc): parked names start with their index
            List<String> left = context.fileStore().listFilesRecursively(directory).stream()
                    .map(TableFile::path)
                    .filter(path -> !Locations.name(path).startsWith("."))
                    .collect(toImmutableList());
            if (!left.isEmpty()) {
                throw new DredgeException(UNSAFE, "%s files of expiry %s are still in its quarantine %s, among them %s".formatted(left.size(), expiry.id(), directory, left.get(0)));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to check the quarantine " + directory, e);
        }
    }

    private FileCopier copier(OperationRecord expiry)
    {
        return context.fileCopiers().copier(Quarantine.operationDirectory(expiry.expiry().quarantineLocation().orElseThrow(), expiry.id()) + "-plans");
    }

    /**
     * Settles an expiry that a crash left {@code RUNNING}: the engine's commit is atomic, so either nothing expired
     * or the planned snapshots did; then the same checks as a finished run.
     */
    public String recover(OperationRecord expiry)
    {
        // a table dropped since has nothing to check, and one renamed is not found by its name: both are closed
        Optional<String> otherTable = TableIdentity.replaced(context, expiry);
        if (otherTable.isPresent()) {
            String message = otherTable.get() + "; recover closed the expiry without checking that table" + releaseQuarantine(expiry, context.journal().files(expiry));
            finish(expiry.withStep(message), OperationState.FAILED);
            return "closed snapshot expiry %s: %s".formatted(expiry.id(), message);
        }
        TableDescriptor table = context.metastore().getTable(expiry.table()).orElseThrow();
        IcebergTableMetadata metadata = IcebergTableMetadata.read(context.fileStore(), table);
        Set<Long> remaining = Set.copyOf(metadata.snapshotIds());
        List<OperationFile> files = context.journal().files(expiry);
        String released = releaseQuarantine(expiry, files);
        if (!expiry.expiry().snapshots().isEmpty() && remaining.containsAll(expiry.expiry().snapshots())) {
            finish(expiry.withStep("interrupted before the engine expired any snapshot; nothing was changed" + released), OperationState.RECOVERED);
            return "closed interrupted snapshot expiry %s: nothing had expired".formatted(expiry.id());
        }
        OperationRecord settled = finish(settle(expiry, files, Optional.empty(), released + " (finished by recover)"), OperationState.SUCCEEDED);
        return "snapshot expiry %s: %s".formatted(expiry.id(), settled.step());
    }

    private void requireSameTable(OperationRecord expiry, String outcome)
    {
        TableIdentity.replaced(context, expiry).ifPresent(reason -> {
            throw new DredgeException(UNSAFE, "%s; %s".formatted(reason, outcome));
        });
    }

    private Map<Long, String> protectedSnapshots(TableDescriptor table, IcebergTableMetadata metadata)
    {
        return RollbackPoints.of(context.journal().list(table.table()), table.table(), Optional.of(metadata.identity()));
    }

    /**
     * The files only the expiring snapshots reference: what the engine's expiry deletes.
     */
    private static List<OperationFile> removable(IcebergTableMetadata metadata, List<Long> expiring)
    {
        if (expiring.isEmpty()) {
            return ImmutableList.of();
        }
        Set<Long> expired = Set.copyOf(expiring);
        List<Long> remaining = metadata.snapshotIds().stream().filter(snapshot -> !expired.contains(snapshot)).collect(toImmutableList());
        Set<String> stillReferenced = metadata.referencedFiles(remaining).keySet().stream()
                .map(Locations::comparablePath)
                .collect(toImmutableSet());
        List<OperationFile> files = new ArrayList<>();
        for (ReferencedFile file : metadata.referencedFiles(expiring).values()) {
            if (!stillReferenced.contains(Locations.comparablePath(file.path()))) {
                files.add(new OperationFile(file.path(), file.bytes(), file.kind() + REFERENCED_ONLY_BY_EXPIRED));
            }
        }
        return ImmutableList.copyOf(files);
    }

    /**
     * Iceberg deletes the files of expired snapshots wherever they are: refused when they may be another table's.
     */
    private void requireOwnFiles(TableDescriptor table, List<OperationFile> files)
    {
        String location = table.location().orElseThrow(() -> new DredgeException(UNSAFE, "table %s has no location".formatted(table.table())));
        List<String> outside = files.stream()
                .map(OperationFile::path)
                .filter(path -> !Locations.isBelow(location, path) || !Locations.fileSystem(path).equals(Locations.fileSystem(location)))
                .limit(3)
                .collect(toImmutableList());
        if (!outside.isEmpty()) {
            throw new DredgeException(UNSAFE, "snapshots of %s that would expire reference files outside its location %s (%s): they may belong to another table; nothing was expired"
                    .formatted(table.table(), location, String.join(", ", outside)));
        }
        List<LocationReaders.Reader> others = LocationReaders.scan(context.metastore(), context.besideExecutor()).overlapping(location).stream()
                .filter(reader -> !reader.table().equals(table.table()))
                .collect(toImmutableList());
        if (!others.isEmpty()) {
            throw new DredgeException(UNSAFE, "the location of %s (%s) is shared with %s, whose files an expiry could delete; nothing was expired"
                    .formatted(table.table(), location, LocationReaders.describe(others)));
        }
    }

    /**
     * Has the engine expire with a threshold whose cut-off lands where the plan's does: Iceberg decides by age only
     * whether a snapshot is older than the cut-off, so any cut-off after the newest snapshot the plan expires and
     * not after the next one decides alike. The engine reads its own clock when it runs; aiming between the two,
     * and never later than the plan's cut-off, leaves room for that.
     *
     * <p>The next one is the next the plan keeps, not the next after the plan's cut-off: {@code retain_last} kept
     * snapshots older than the cut-off, and a commit since the plan pushes the oldest of them out of the last
     * {@code retain_last}, to be expired too by a cut-off after them.
     */
    private void runEngineExpiry(TableDescriptor table, IcebergTableMetadata metadata, ExpiryDetails plan)
    {
        Instant now = context.clock().instant();
        long planned = plan.expireOlderThan().toEpochMilli();
        Set<Long> expiring = Set.copyOf(plan.snapshots());
        long newestOlder = Long.MIN_VALUE;
        for (long snapshot : expiring) {
            newestOlder = Math.max(newestOlder, metadata.committedAt(snapshot).orElseThrow().toEpochMilli());
        }
        long nextNewer = now.toEpochMilli();
        for (long snapshot : metadata.snapshotIds()) {
            long committed = metadata.committedAt(snapshot).orElseThrow().toEpochMilli();
            if (!expiring.contains(snapshot) && committed > newestOlder) {
                nextNewer = Math.min(nextNewer, committed);
            }
        }
        long target = newestOlder == Long.MIN_VALUE ? planned : Math.min(planned, newestOlder + (nextNewer - newestOlder) / 2);
        SqlDialect dialect = context.engine().dialect();
        String sql = "ALTER TABLE %s EXECUTE expire_snapshots(retention_threshold => '%sms', retain_last => %s)".formatted(
                dialect.qualifiedName(context.icebergCatalog(), table.table().schemaName(), table.table().tableName()), Math.max(0, now.toEpochMilli() - target), plan.retainLast());
        log.info("expiring snapshots of {}: {}", table.table(), sql);
        context.engine().update(sql, ImmutableMap.of());
    }

    /**
     * Checks the table after the engine's expiry: every snapshot Dredge keeps is still there, and every file a
     * remaining snapshot references is on storage, found by listing the table's location (not by asking Iceberg,
     * whose cleanup it checks). Returns the record with what was expired and removed.
     */
    private OperationRecord settle(OperationRecord record, List<OperationFile> files, Optional<List<Long>> before, String suffix)
    {
        // what the name means now is what the engine expired: another table's figures would say nothing of this one
        requireSameTable(record, "the engine's expire_snapshots ran on the table that has the name now, which Dredge did not plan for");
        TableDescriptor table = context.metastore().getTable(record.table())
                .orElseThrow(() -> new IllegalStateException("table %s no longer exists".formatted(record.table())));
        IcebergTableMetadata after = IcebergTableMetadata.read(context.fileStore(), table);
        List<Long> remaining = after.snapshotIds();
        Set<Long> remainingSet = Set.copyOf(remaining);
        Map<Long, String> kept = protectedSnapshots(table, after);
        List<String> lost = kept.entrySet().stream()
                .filter(entry -> !remainingSet.contains(entry.getKey()))
                .map(entry -> "snapshot %s (%s)".formatted(entry.getKey(), entry.getValue()))
                .collect(toImmutableList());
        if (!lost.isEmpty()) {
            throw new DredgeException(UNSAFE, "the engine's expire_snapshots removed %s from %s".formatted(String.join(", ", lost), record.table()));
        }
        Set<String> present = FilePresence.listed(context.fileStore(), table.location().orElseThrow());
        List<String> missing = FilePresence.missing(context.fileStore(), present, after.referencedFiles(remaining).keySet());
        if (!missing.isEmpty()) {
            throw new DredgeException(UNSAFE, "%s files that remaining snapshots of %s reference are missing after the expiry, among them %s"
                    .formatted(missing.size(), record.table(), String.join(", ", missing.subList(0, Math.min(3, missing.size())))));
        }
        Set<String> gone = Set.copyOf(FilePresence.missing(context.fileStore(), present, files.stream().map(OperationFile::path).collect(toImmutableList())));
        List<Long> planned = record.expiry().snapshots();
        long expired = planned.stream().filter(snapshot -> !remainingSet.contains(snapshot)).count();
        List<OperationFile> removed = files.stream().filter(file -> gone.contains(file.path())).collect(toImmutableList());
        String stayed = expired == planned.size() ? "" : "; %s planned snapshots stay".formatted(planned.size() - expired);
        Set<Long> plannedSet = Set.copyOf(planned);
        List<Long> unplanned = before.orElse(List.of()).stream()
                .filter(snapshot -> !remainingSet.contains(snapshot) && !plannedSet.contains(snapshot))
                .collect(toImmutableList());
        if (!unplanned.isEmpty()) {
            stayed += "; the engine also expired snapshots %s, which the plan kept".formatted(unplanned);
        }
        String left = removed.size() == files.size() ? "" : "; %s listed files are still there (remove_orphan_files removes them)".formatted(files.size() - removed.size());
        return record.withStep("expired %s snapshots, removed %s files, %s bytes%s%s%s".formatted(expired, removed.size(), bytes(removed), stayed, left, suffix));
    }

    private OperationRecord finish(OperationRecord record, OperationState state)
    {
        OperationRecord finished = record.finished(state, state == OperationState.FAILED ? Optional.of(record.step()) : Optional.empty(), context.clock().instant());
        context.journal().save(finished);
        log.info("expire_snapshots {} on {}: {}", finished.id(), finished.table(), finished.step());
        return finished;
    }

    private Duration minimumRetention()
    {
        String catalog = context.icebergCatalog().orElseThrow();
        List<List<Object>> rows = context.engine().query("SHOW SESSION LIKE %s".formatted(context.engine().dialect().stringLiteral(catalog + "." + MIN_RETENTION_PROPERTY)));
        if (rows.size() != 1) {
            throw new IllegalStateException("catalog %s has no session property %s: is it an Iceberg catalog?".formatted(catalog, MIN_RETENTION_PROPERTY));
        }
        return Units.duration(String.valueOf(rows.get(0).get(1)), MIN_RETENTION_PROPERTY);
    }

    private void requireTrino()
    {
        if (context.engine().dialect() != SqlDialect.TRINO) {
            throw new DredgeException(NOT_SUPPORTED, "Iceberg snapshots are expired through Trino's Dredge (CALL dredge.system.expire_snapshots); %s's Dredge works on Hive tables only"
                    .formatted(context.engine().dialect().name().toLowerCase(Locale.ROOT)));
        }
    }

    private static String keptNote(Map<Long, String> kept, IcebergTableMetadata metadata)
    {
        List<String> present = kept.entrySet().stream()
                .filter(entry -> metadata.committedAt(entry.getKey()).isPresent())
                .map(entry -> "%s (%s)".formatted(entry.getKey(), entry.getValue()))
                .collect(toImmutableList());
        return present.isEmpty() ? "" : "; kept snapshots " + String.join(", ", present);
    }

    private static long bytes(List<OperationFile> files)
    {
        return files.stream().mapToLong(OperationFile::bytes).sum();
    }
}

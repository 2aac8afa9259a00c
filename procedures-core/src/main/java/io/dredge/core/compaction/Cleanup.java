package io.dredge.core.compaction;

import com.google.common.base.Suppliers;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import io.dredge.core.DredgeException;
import io.dredge.core.hygiene.OrphanRemoval;
import io.dredge.core.journal.CompactionDetails;
import io.dredge.core.journal.OperationDetails;
import io.dredge.core.journal.OperationKind;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationState;
import io.dredge.core.journal.PartitionRecord;
import io.dredge.core.location.LocationReaders;
import io.dredge.core.model.Locations;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableReference;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.OperationFrame;
import io.dredge.core.operation.OperationGuard;
import io.dredge.core.operation.TableIdentity;
import io.dredge.core.report.HiveTableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.dredge.core.DredgeException.Kind.NOT_FOUND;
import static io.dredge.core.DredgeException.Kind.UNSAFE;
import static java.util.Objects.requireNonNull;

/**
 * Deletes what rollback needs, irreversibly: the original files of finished compactions older than the
 * retention, and their backup tables. Only the exact files a compaction planned are deleted; anything written
 * into an old location afterwards is kept and reported.
 */
public final class Cleanup
{
    private static final Logger log = LoggerFactory.getLogger(Cleanup.class);

    private final MaintenanceContext context;
    private final OperationGuard guard;
    private final OperationFrame frame;

    public Cleanup(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
        this.guard = new OperationGuard(context);
        this.frame = new OperationFrame(context);
    }

    /**
     * Cleans every finished compaction of the schema (or of one table) that finished at least {@code olderThan} ago,
     * and deletes the quarantine of every removal of orphan files that finished at least {@code quarantineOlderThan}
     * ago.
     */
    public List<OperationRecord> cleanup(String schemaName, Optional<String> tableName, Duration olderThan, Duration quarantineOlderThan)
    {
        if (!context.metastore().schemaExists(schemaName)) {
            throw new DredgeException(NOT_FOUND, "schema %s does not exist".formatted(schemaName));
        }
        tableName.ifPresent(name -> guard.requireTable(new TableReference(schemaName, name)));
        Instant cutoff = context.clock().instant().minus(olderThan);
        Instant quarantineCutoff = context.clock().instant().minus(quarantineOlderThan);
        // one scan of the metastore's locations for the whole call, and only when something is to be cleaned
        Supplier<LocationReaders> readers = Suppliers.memoize(() -> LocationReaders.scan(context.metastore(), context.besideExecutor()));
        ImmutableList.Builder<OperationRecord> results = ImmutableList.builder();
        for (OperationRecord compaction : context.journal().list(schemaName)) {
            if (compaction.kind() == OperationKind.COMPACT
                    && compaction.state() == OperationState.SUCCEEDED
                    && tableName.map(name -> compaction.table().tableName().equals(name)).orElse(true)
                    && !compaction.finishedAt().orElseThrow().isAfter(cutoff)) {
                Optional<String> otherTable = TableIdentity.mismatch(context, compaction)
                        .or(() -> otherReaders(readers.get(), compaction));
                if (otherTable.isPresent() && tableName.isPresent()) {
                    throw new DredgeException(UNSAFE, "cannot clean up compaction %s: %s; nothing was changed".formatted(compaction.id(), otherTable.get()));
                }
                Optional<String> skip = otherTable.or(() -> goneAndNotTheCallers(compaction));
                results.add(skip.isPresent() ? skipped(compaction, skip.get()) : cleanup(compaction));
            }
            else if (compaction.kind() == OperationKind.REMOVE_ORPHAN_FILES
                    && compaction.orphans().quarantineLocation().isPresent()
                    && tableName.map(name -> compaction.table().tableName().equals(name)).orElse(true)
                    && compaction.finishedAt().map(finished -> !finished.isAfter(quarantineCutoff)).orElse(false)
                    && (compaction.state() == OperationState.SUCCEEDED || keptInQuarantine(compaction))) {
                // the quarantine of a removal of orphan files: its undo window closes after the quarantine's retention
                context.metastore().getTable(compaction.table()).ifPresent(guard::requireWriteAccess);
                results.add(new OrphanRemoval(context).purgeQuarantine(compaction));
            }
        }
        return results.build();
    }

    /**
     * A removal that failed, or that recover closed, because its table was replaced under its name while it ran, and
     * that left the files it had moved in the quarantine (put back, they would be the new table's): held for the
     * quarantine's retention like a finished removal's, then deleted with it.
     */
    private boolean keptInQuarantine(OperationRecord removal)
    {
        if (removal.state() != OperationState.FAILED && removal.state() != OperationState.RECOVERED) {
            return false;
        }
        String quarantine = Locations.child(removal.orphans().quarantineLocation().orElseThrow(), removal.id());
        try {
            return !context.fileStore().listFilesRecursively(quarantine).isEmpty();
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to list the quarantine " + quarantine, e);
        }
    }

    private OperationRecord cleanup(OperationRecord compaction)
    {
        OperationRecord record = OperationRecord.start(OperationKind.CLEANUP, compaction.table(), context.user(), Optional.of(compaction.id()), OperationDetails.NONE, context.clock().instant());
        Optional<TableDescriptor> table = context.metastore().getTable(compaction.table());
        table.ifPresent(guard::requireWriteAccess);
        return frame.holdIfPresent(table, record, () -> {
            String summary = deleteOriginals(compaction);
            context.journal().save(compaction.withState(OperationState.CLEANED_UP));
            OperationRecord finished = record.withStep(summary).finished(OperationState.SUCCEEDED, Optional.empty(), context.clock().instant());
            context.journal().save(finished);
            log.info("cleanup {} of compaction {} on {}: {}", record.id(), compaction.id(), compaction.table(), summary);
            return finished;
        }, frame.journalFailed(record));
    }

    /**
     * Which other tables or partitions read the directories cleanup would delete files from, move files out of, or
     * remove: a location is not a table, and deleting files another table reads loses its rows. The compaction's own
     * table (whatever its name means now, whose reads are checked partition by partition below) and its backup table
     * (dropped first) do not count.
     */
    static Optional<String> otherReaders(LocationReaders readers, OperationRecord compaction)
    {
        CompactionDetails details = compaction.compaction();
        if (details.icebergSnapshots().isPresent()) {
            return Optional.empty();
        }
        Optional<TableReference> backupTable = details.backupTable().map(name -> new TableReference(compaction.table().schemaName(), name));
        for (PartitionRecord partition : details.compactedPartitions()) {
            for (String location : ImmutableSet.of(partition.originalDataLocation(), partition.originalLocation())) {
                List<LocationReaders.Reader> others = readers.atOrBelow(location).stream()
                        .filter(reader -> !reader.table().equals(compaction.table()) && !backupTable.equals(Optional.of(reader.table())))
                        .toList();
                if (!others.isEmpty()) {
                    return Optional.of("the original files of %s at %s are also read by %s".formatted(partition.displayName(), location, LocationReaders.describe(others)));
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A table that is gone leaves nobody to ask whether the caller may write it: only the user who compacted it may
     * then delete what the compaction kept (as only that user may recover its operations).
     */
    private Optional<String> goneAndNotTheCallers(OperationRecord compaction)
    {
        if (compaction.user().equals(context.user()) || context.metastore().getTable(compaction.table()).isPresent()) {
            return Optional.empty();
        }
        return Optional.of("%s no longer exists, so only %s, who compacted it, may clean it up".formatted(compaction.table(), compaction.user()));
    }

    /**
     * Cleaning a schema passes over a compaction whose table name now means another table, and journals why.
     */
    private OperationRecord skipped(OperationRecord compaction, String reason)
    {
        String message = "skipped compaction %s: %s; nothing was deleted".formatted(compaction.id(), reason);
        OperationRecord record = OperationRecord.start(OperationKind.CLEANUP, compaction.table(), context.user(), Optional.of(compaction.id()), OperationDetails.NONE, context.clock().instant())
                .withStep(message)
                .finished(OperationState.FAILED, Optional.of(message), context.clock().instant());
        context.journal().save(record);
        log.warn("cleanup {}: {}", record.id(), message);
        return record;
    }

    /**
     * The locations (paths) the table reads now: every partition's, or an unpartitioned table's own.
     */
    private Set<String> locationsReadBy(TableReference reference)
    {
        Optional<TableDescriptor> table = context.metastore().getTable(reference);
        if (table.isEmpty()) {
            return Set.of();
        }
        if (!table.get().partitioned()) {
            return table.get().location().map(location -> Set.of(Locations.comparablePath(location))).orElse(Set.of());
        }
        return context.metastore().getPartitionsInBatches(reference, context.metastore().getPartitionNames(table.get())).stream()
                .map(partition -> Locations.comparablePath(partition.location()))
                .collect(toImmutableSet());
    }

    /**
     * Idempotent: files already gone are simply not counted. A file is deleted only where no partition of the table
     * reads it.
     */
    String deleteOriginals(OperationRecord compaction)
    {
        CompactionDetails details = compaction.compaction();
        if (details.icebergSnapshots().isPresent()) {
            // the snapshot before the compaction still references its files: Iceberg's expire_snapshots and
            // remove_orphan_files decide when they go, never a listing of the table's directory
            return "closed the rollback window of compaction %s; deleted nothing: the files of snapshot %s stay until Iceberg's expire_snapshots and remove_orphan_files remove them"
                    .formatted(compaction.id(), details.icebergSnapshots().get().before());
        }
        new BackupTables(context).drop(compaction);
        Map<String, String> current = context.metastore().getTable(compaction.table()).isPresent()
                ? new CompactionUndo(context).currentLocations(compaction)
                : Map.of();
        long deletedFiles = 0;
        long deletedBytes = 0;
        long keptFiles = 0;
        long movedFiles = 0;
        LateFiles lateFiles = new LateFiles(context);
        OriginalsParking parking = new OriginalsParking(context);
        Set<String> read = locationsReadBy(compaction.table());
        try {
            for (PartitionRecord partition : details.compactedPartitions()) {
                String dataLocation = partition.originalDataLocation();
                if (read.contains(Locations.comparablePath(dataLocation))) {
                    // the table reads the original data again (changed by hand): its files are live data
                    log.warn("cleanup of {}: {} reads its original files at {} again, keeping them", compaction.id(), partition.displayName(), dataLocation);
                    keptFiles += partition.inputFiles().size();
                    continue;
                }
                if (partition.stagingLocation().equals(current.get(partition.displayName()))) {
                    movedFiles += lateFiles.adopt(compaction.id(), partition);
                }
                Map<String, TableFile> existing = HiveTableFiles.listDataFiles(context.fileStore(), dataLocation).stream()
                        .collect(toImmutableMap(file -> Locations.comparablePath(file.path()), file -> file));
                for (TableFile file : partition.originalFiles()) {
                    TableFile found = existing.get(Locations.comparablePath(file.path()));
                    if (found != null) {
                        context.fileStore().deleteFile(found.path());
                        deletedFiles++;
                        deletedBytes += file.sizeBytes();
                    }
                }
                keptFiles += HiveTableFiles.listDataFiles(context.fileStore(), dataLocation).size();
                if (partition.parkedLocation().isPresent()) {
                    parking.removeIfNoData(partition.parkedLocation().get());
                }
                if (!read.contains(Locations.comparablePath(partition.originalLocation()))) {
                    // the usual directory of the partition (or of an unpartitioned table) stays free for the engines' writes
                    parking.removeIfNoData(partition.originalLocation());
                }
            }
            if (details.stagingLocation().isPresent()) {
                parking.removeIfNoData(OriginalsParking.parkingRoot(details.stagingLocation().get()));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to delete original files of compaction " + compaction.id(), e);
        }
        String summary = "deleted %s original files (%s bytes) of compaction %s".formatted(deletedFiles, deletedBytes, compaction.id())
                + (movedFiles == 0 ? "" : "; moved %s files written to old locations after it into the table's current ones".formatted(movedFiles));
        return keptFiles == 0 ? summary : summary + "; kept %s files that the compaction did not plan or that the table reads again".formatted(keptFiles);
    }
}

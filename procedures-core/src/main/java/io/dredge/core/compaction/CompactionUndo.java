package io.dredge.core.compaction;

import com.google.common.collect.Sets;
import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.OperationState;
import io.dredge.core.journal.PartitionRecord;
import io.dredge.core.journal.PartitionState;
import io.dredge.core.model.Locations;
import io.dredge.core.model.PartitionDescriptor;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableFile;
import io.dredge.core.model.TableReference;
import io.dredge.core.operation.HeldTable;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.operation.TableLocks;
import io.dredge.core.port.CallCancellation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static java.util.Objects.requireNonNull;

/**
 * Puts a table back on its original data: every partition that points at a compaction's copy points at its
 * original location again, then the copy, the staging table and the backup table go. Each step is idempotent, so
 * an undo interrupted by another crash can simply run again.
 */
final class CompactionUndo
{
    private static final Logger log = LoggerFactory.getLogger(CompactionUndo.class);

    private final MaintenanceContext context;

    CompactionUndo(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
    }

    /**
     * After an error inside the compaction: undo, and journal the compaction as failed with the error.
     */
    void undoFailed(OperationRecord record, Throwable error)
    {
        try {
            OperationRecord restored = undo(record);
            context.journal().save(restored.finished(OperationState.FAILED, Optional.of(String.valueOf(error.getMessage())), context.clock().instant()));
        }
        catch (RuntimeException undoFailure) {
            // the journal still says RUNNING: recover will finish the undo
            error.addSuppressed(undoFailure);
            log.error("undo of compaction {} failed; run recover on {}: {}", record.id(), record.table(), undoFailure.toString());
        }
    }

    /**
     * Undoes an unfinished compaction wherever its table is now. Renamed: the record follows the table and it is
     * restored there. Dropped: nothing is left of Dredge's (staging and backup tables, copies), and where the files
     * outlived the table (an external table) the original files are back where it had them. The table's lock goes.
     */
    OperationRecord undo(OperationRecord record)
    {
        return undo(record, new HeldTable(context).locate(record));
    }

    /**
     * {@link #undo(OperationRecord)} with the table already located by {@link HeldTable#locate}.
     */
    OperationRecord undo(OperationRecord record, Optional<TableDescriptor> table)
    {
        if (table.isEmpty()) {
            return removeAfterDrop(record);
        }
        boolean renamed = !table.get().table().equals(record.table());
        OperationRecord restored = restore(renamed ? follow(record, table.get()) : record);
        if (table.get().parameter(TableLocks.LOCK_PARAMETER).equals(Optional.of(record.id()))) {
            context.metastore().updateTableParameters(table.get().table(), Map.of(TableLocks.LOCK_PARAMETER, Optional.empty()));
        }
        if (renamed) {
            log.warn("operation {}: {} was renamed to {} while it ran; undone there", record.id(), record.table(), table.get().table());
            return restored.withStep("%s; the table was renamed from %s while the operation ran".formatted(restored.step(), record.table()));
        }
        return restored;
    }

    private OperationRecord removeAfterDrop(OperationRecord record)
    {
        OriginalsParking parking = new OriginalsParking(context);
        LateFiles lateFiles = new LateFiles(context);
        OperationRecord removed = record.withCompaction(details -> details.mapPartitions(partition -> {
            parking.unpark(partition);
            if (partition.state() != PartitionState.SWAPPED) {
                return partition;
            }
            lateFiles.returnToOriginal(record.id(), partition);
            return partition.withState(PartitionState.RESTORED).withParkedLocation(Optional.empty());
        }));
        new BackupTables(context).drop(record);
        removeStaging(removed, true);
        log.warn("operation {}: {} was dropped while it ran; removed its staging and backup tables and copies", record.id(), record.table());
        return removed.withStep("the table was dropped while the operation ran: its staging and backup tables and copies are removed, and any original files are where the table had them");
    }

    /**
     * Points every partition that is on the compaction's copy back at its original, then removes the copy, the
     * staging table and the backup table. Returns the record with those partitions {@link PartitionState#RESTORED}.
     */
    OperationRecord restore(OperationRecord record)
    {
        Map<String, String> current = currentLocations(record);
        OperationRecord restored = record.withCompaction(details -> details.mapPartitions(partition -> {
            if (partition.stagingLocation().equals(current.get(partition.displayName()))) {
                // the original files go back where the partition will read them before it does
                new OriginalsParking(context).unpark(partition);
                // rows written into the copy after the swap must survive the copy's deletion
                int moved = new LateFiles(context).returnToOriginal(record.id(), partition);
                if (moved > 0) {
                    log.info("operation {}: moved {} files written after the swap of {} back with its original data", record.id(), moved, partition.displayName());
                }
                pointAt(record.table(), partition, partition.originalLocation());
                log.info("operation {}: {} of {} points at its original data again", record.id(), partition.displayName(), record.table());
                return partition.withState(PartitionState.RESTORED).withParkedLocation(Optional.empty());
            }
            return partition;
        }));
        new BackupTables(context).drop(record);
        // a writer that looked the partition up before it pointed back may have written into the copy since: once more,
        // right before the copy is deleted
        for (PartitionRecord partition : restored.compaction().partitionsIn(PartitionState.RESTORED)) {
            int moved = new LateFiles(context).returnToOriginal(record.id(), partition);
            if (moved > 0) {
                log.info("operation {}: moved {} files written into the copy of {} while it pointed back", record.id(), moved, partition.displayName());
            }
        }
        removeStaging(restored, true);
        if (!restored.compaction().partitionsIn(PartitionState.RESTORED).isEmpty()) {
            flushMetadataCache(record.table());
        }
        return restored.withStep("restored %s partitions to their original data".formatted(restored.compaction().partitionsIn(PartitionState.RESTORED).size()));
    }

    /**
     * The engine's Hive catalog may cache partition locations and file listings: after a swap it must read the
     * metastore again. Best effort: a catalog without a metadata cache has nothing to flush.
     */
    void flushMetadataCache(TableReference table)
    {
        CompactionSql sql = new CompactionSql(context.engine().dialect(), context.catalog());
        context.metastore().getTable(table).flatMap(sql::flushMetadataCache).ifPresent(statement -> {
            try {
                context.engine().update(statement, Map.of());
            }
            catch (CallCancellation.StatementCancelledException e) {
                // not a catalog without a cache: the call was cancelled, and the operation fails for it
                throw e;
            }
            catch (RuntimeException e) {
                log.info("no metadata cache flushed for {}: {}", table, e.getMessage());
            }
        });
    }

    /**
     * Drops the staging table's metadata and deletes staging data that the table does not use: all of it when
     * {@code everything}, else that of partitions that were not swapped.
     */
    void removeStaging(OperationRecord record, boolean everything)
    {
        dropStagingTable(record);
        deleteStagingData(record, everything);
    }

    /**
     * The staging table's metadata only; its data stays (it is the table's once swapped).
     */
    void dropStagingTable(OperationRecord record)
    {
        record.compaction().stagingTable()
                .map(name -> new TableReference(record.table().schemaName(), name))
                .ifPresent(staging -> context.metastore().dropTableKeepingData(staging));
    }

    void deleteStagingData(OperationRecord record, boolean everything)
    {
        try {
            if (everything) {
                if (record.compaction().stagingLocation().isPresent()) {
                    context.fileStore().deleteDirectory(record.compaction().stagingLocation().get());
                    // original files were moved back before: what is left of the parking is empty directories
                    new OriginalsParking(context).removeIfNoData(OriginalsParking.parkingRoot(record.compaction().stagingLocation().get()));
                }
                return;
            }
            for (PartitionRecord partition : record.compaction().partitions()) {
                if (partition.state() != PartitionState.SWAPPED && partition.name().isPresent()) {
                    context.fileStore().deleteDirectory(partition.stagingLocation());
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to delete staging data of operation " + record.id(), e);
        }
    }

    /**
     * Where the metastore points each of the record's partitions now, by {@link PartitionRecord#displayName()}.
     */
    Map<String, String> currentLocations(OperationRecord record)
    {
        TableDescriptor table = context.metastore().getTable(record.table())
                .orElseThrow(() -> new IllegalStateException("table %s no longer exists".formatted(record.table())));
        Map<String, String> locations = new HashMap<>();
        if (!table.partitioned()) {
            table.location().ifPresent(location -> locations.put(PartitionRecord.WHOLE_TABLE, location));
            return locations;
        }
        List<String> names = record.compaction().partitions().stream()
                .flatMap(partition -> partition.name().stream())
                .collect(toImmutableList());
        for (PartitionDescriptor partition : context.metastore().getPartitions(table.table(), names)) {
            locations.put(partition.name(), partition.location());
        }
        return locations;
    }

    void pointAt(TableReference table, PartitionRecord partition, String location)
    {
        if (partition.name().isPresent()) {
            context.metastore().setPartitionLocation(table, partition.name().get(), location);
        }
        else {
            context.metastore().setTableLocation(table, location);
        }
    }

    /**
     * How {@code actual} differs from {@code expected} (paths and sizes), or empty when they are the same files.
     */
    static Optional<String> difference(List<TableFile> expected, List<TableFile> actual)
    {
        // the file system and the journal may spell a location's scheme differently (file:/x, local:///x)
        Set<TableFile> expectedSet = expected.stream().map(CompactionUndo::byPath).collect(toImmutableSet());
        Set<TableFile> actualSet = actual.stream().map(CompactionUndo::byPath).collect(toImmutableSet());
        if (expectedSet.equals(actualSet)) {
            return Optional.empty();
        }
        return Optional.of("%s files added or changed, %s removed or changed".formatted(
                Sets.difference(actualSet, expectedSet).size(),
                Sets.difference(expectedSet, actualSet).size()));
    }

    private static TableFile byPath(TableFile file)
    {
        return new TableFile(Locations.pathPart(file.path()), file.sizeBytes());
    }

    /**
     * The record of an operation whose table now has another name: names and locations follow the table (a
     * metastore moves a managed table's directory with a rename, and its partitions' locations with it).
     */
    private static OperationRecord follow(OperationRecord record, TableDescriptor renamed)
    {
        OperationRecord named = record.withTable(renamed.table());
        if (record.compaction().stagingLocation().isEmpty() || renamed.location().isEmpty()) {
            return named;
        }
        String suffix = "/" + HiveCompaction.STAGING_DIRECTORY + "/" + record.id();
        String stagingRoot = record.compaction().stagingLocation().get();
        if (!stagingRoot.endsWith(suffix)) {
            return named;
        }
        String oldLocation = stagingRoot.substring(0, stagingRoot.length() - suffix.length());
        String newLocation = renamed.location().get();
        // an unpartitioned table points at its copy or its original: its directory did not move
        boolean moved = renamed.partitioned() && !Locations.samePath(oldLocation, newLocation);
        if (!moved) {
            return named;
        }
        UnaryOperator<String> rebase = path -> Locations.isBelow(oldLocation, path) || Locations.samePath(oldLocation, path)
                ? Locations.withoutTrailingSlash(newLocation) + Locations.pathPart(path).substring(Locations.comparablePath(oldLocation).length())
                : path;
        return named.withCompaction(details -> details.withStaging(details.stagingTable().orElseThrow(), rebase.apply(stagingRoot))
                .mapPartitions(partition -> partition.withLocations(rebase)));
    }
}

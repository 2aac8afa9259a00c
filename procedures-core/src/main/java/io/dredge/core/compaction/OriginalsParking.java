package io.dredge.core.compaction;

import io.dredge.core.journal.OperationRecord;
import io.dredge.core.journal.PartitionRecord;
import io.dredge.core.journal.PartitionState;
import io.dredge.core.model.Locations;
import io.dredge.core.model.TableDescriptor;
import io.dredge.core.model.TableFile;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.report.HiveTableFiles.DirectoryListing;
import io.dredge.core.report.HiveTableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static java.util.Objects.requireNonNull;

/**
 * Keeps the directory where the engines put a new partition free once a partition reads its compacted copy.
 * Trino writes a partition that an {@code INSERT} overwrites, or one inserted after the partition was dropped, into
 * {@code <table location>/<partition name>}, and refuses when that directory exists (or, on object stores, writes
 * beside whatever is there). So after the swap, the original files of a partition stored there are moved to
 * {@code .dredge/<operation>-originals/<partition name>} of the table, where the backup table, rollback and cleanup
 * find them; rollback moves them back. Partitions stored elsewhere stay where they are.
 *
 * <p>Where the file system renames directories (local disk, HDFS), the directory moves in one step, so a query that
 * looked up the old location before the swap and lists it now finds either every original file or no directory
 * (and fails), never a part of them; on object stores the files move one at a time.
 */
final class OriginalsParking
{
    private static final Logger log = LoggerFactory.getLogger(OriginalsParking.class);

    private final MaintenanceContext context;

    OriginalsParking(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
    }

    /**
     * Where the partition's original files go, or empty when they can stay: a partition stored elsewhere than where
     * the engines would put a new one, or an unpartitioned table whose copy lies inside its directory (one at the
     * root of its file system).
     */
    static Optional<String> parkedLocation(TableDescriptor table, OperationRecord record, PartitionRecord partition)
    {
        if (table.location().isEmpty() || record.compaction().stagingLocation().isEmpty()) {
            return Optional.empty();
        }
        if (partition.name().isEmpty()) {
            // an unpartitioned table's directory is where a table of its name would be created after a rename
            String parked = parkingRoot(record.compaction().stagingLocation().get());
            return Locations.isBelow(partition.originalLocation(), parked) ? Optional.empty() : Optional.of(parked);
        }
        String usual = Locations.child(table.location().get(), partition.name().get());
        if (!Locations.samePath(usual, partition.originalLocation())) {
            return Optional.empty();
        }
        return Optional.of(Locations.child(parkingRoot(record.compaction().stagingLocation().get()), partition.name().get()));
    }

    /**
     * {@code .dredge/<operation>-originals} of the table, beside the operation's staging directory.
     */
    static String parkingRoot(String stagingRoot)
    {
        return Locations.withoutTrailingSlash(stagingRoot) + "-originals";
    }

    /**
     * Moves the original files of a partition whose journal entry names its parked location there; files a writer
     * added to the original location since the plan move into the copy, which the partition reads. Idempotent.
     */
    void park(String operationId, PartitionRecord partition)
    {
        String parked = partition.parkedLocation().orElseThrow();
        Set<String> inputs = partition.inputFiles().stream().map(file -> Locations.pathPart(file.path())).collect(toImmutableSet());
        try {
            DirectoryListing listing = HiveTableFiles.list(context.fileStore(), partition.originalLocation());
            // a directory rename would take hidden subdirectories along too (an earlier compaction's .dredge)
            boolean onlyInputs = listing.nestedFiles().isEmpty() && !listing.dataFiles().isEmpty()
                    && listing.dataFiles().stream().allMatch(file -> inputs.contains(Locations.pathPart(file.path())))
                    && context.fileStore().listFilesRecursively(partition.originalLocation()).stream()
                            .noneMatch(file -> Locations.isBelow(partition.originalLocation(), parentOf(file.path())));
            if (!(onlyInputs && context.fileStore().renameDirectory(partition.originalLocation(), parked))) {
                for (TableFile file : listing.dataFiles()) {
                    if (inputs.contains(Locations.pathPart(file.path()))) {
                        context.fileStore().moveFile(file.path(), Locations.child(parked, file.name()));
                    }
                }
            }
            // a writer that committed into the old location just before the rename: its files belong in the copy
            moveUnplanned(partition, parked);
            new LateFiles(context).adopt(operationId, partition);
            removeIfNoData(partition.originalLocation());
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to move the original files of %s to %s".formatted(partition.displayName(), parked), e);
        }
        log.info("operation {}: original files of {} moved to {}", operationId, partition.displayName(), parked);
    }

    /**
     * Moves a parked partition's original files back to its original location. Idempotent.
     */
    void unpark(PartitionRecord partition)
    {
        if (partition.parkedLocation().isEmpty()) {
            return;
        }
        String parked = partition.parkedLocation().get();
        try {
            List<TableFile> files = HiveTableFiles.listDataFiles(context.fileStore(), parked);
            if (files.isEmpty() || context.fileStore().renameDirectory(parked, partition.originalLocation())) {
                return;
            }
            for (TableFile file : files) {
                context.fileStore().moveFile(file.path(), Locations.child(partition.originalLocation(), file.name()));
            }
            context.fileStore().deleteDirectory(parked);
        }
        catch (IOException e) {
            throw new UncheckedIOException("failed to move the original files of %s back from %s".formatted(partition.displayName(), parked), e);
        }
    }

    /**
     * Deletes a directory that holds nothing but hidden files directly in it (leftovers such as checksum files or
     * {@code _SUCCESS} go with it): an empty directory at the usual place still makes the engines refuse to write
     * there. A directory with any subdirectory (a nested partition, a compaction's {@code .dredge}) stays.
     */
    void removeIfNoData(String location)
            throws IOException
    {
        boolean empty = context.fileStore().listFilesRecursively(location).stream()
                .allMatch(file -> !HiveTableFiles.isVisibleFile(location, file.path()) && !Locations.isBelow(location, parentOf(file.path())));
        if (empty) {
            context.fileStore().deleteDirectory(location);
        }
    }

    /**
     * Parks the original files of every swapped partition that needs it: journals each one's parked location before
     * anything moves (so that an interrupted park is finished or undone from the journal), then moves them.
     */
    OperationRecord parkSwapped(TableDescriptor table, OperationRecord record)
    {
        OperationRecord journaled = record.withCompaction(details -> details.mapPartitions(partition -> partition.state() == PartitionState.SWAPPED && partition.parkedLocation().isEmpty()
                ? partition.withParkedLocation(parkedLocation(table, record, partition))
                : partition));
        context.journal().save(journaled);
        for (PartitionRecord partition : journaled.compaction().partitionsIn(PartitionState.SWAPPED)) {
            if (partition.parkedLocation().isPresent()) {
                park(journaled.id(), partition);
            }
        }
        return journaled;
    }

    private static String parentOf(String path)
    {
        return path.substring(0, Math.max(0, path.lastIndexOf('/')));
    }

    private void moveUnplanned(PartitionRecord partition, String parked)
            throws IOException
    {
        Set<String> inputNames = partition.inputFiles().stream().map(TableFile::name).collect(toImmutableSet());
        for (TableFile file : HiveTableFiles.listDataFiles(context.fileStore(), parked)) {
            if (!inputNames.contains(file.name())) {
                context.fileStore().moveFile(file.path(), Locations.child(partition.stagingLocation(), file.name()));
            }
        }
    }
}

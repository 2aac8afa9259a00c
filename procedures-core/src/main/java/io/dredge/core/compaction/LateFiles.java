package io.dredge.core.compaction;

import io.dredge.core.journal.PartitionRecord;
import io.dredge.core.model.Locations;
import io.dredge.core.model.TableFile;
import io.dredge.core.operation.MaintenanceContext;
import io.dredge.core.report.HiveTableFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Set;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static java.util.Objects.requireNonNull;

/**
 * Files a concurrent writer put where the compaction did not expect them. Into a partition's original location
 * after it was swapped to its compacted copy (the writer had looked up the location before the swap): they are not
 * in the plan and the table no longer reads that location, so they move into the copy. Into the copy, when the
 * partition is then pointed back at its original (undo, recover): they move to the original before the copy is
 * deleted. Either way every row stays visible exactly once.
 */
final class LateFiles
{
    private static final Logger log = LoggerFactory.getLogger(LateFiles.class);

    private final MaintenanceContext context;

    LateFiles(MaintenanceContext context)
    {
        this.context = requireNonNull(context, "context is null");
    }

    /**
     * Moves the partition's late files into its compacted copy; returns how many moved.
     */
    int adopt(String operationId, PartitionRecord partition)
    {
        return move(operationId, partition, partition.originalLocation(), partition.inputFiles(), partition.stagingLocation());
    }

    /**
     * Moves files in the partition's copy that the compaction did not write into its original location; returns how many moved.
     */
    int returnToOriginal(String operationId, PartitionRecord partition)
    {
        return move(operationId, partition, partition.stagingLocation(), partition.outputFiles(), partition.originalLocation());
    }

    private int move(String operationId, PartitionRecord partition, String from, List<TableFile> expected, String to)
    {
        Set<String> known = expected.stream().map(TableFile::path).collect(toImmutableSet());
        List<TableFile> late = HiveTableFiles.listDataFiles(context.fileStore(), from).stream()
                .filter(file -> !known.contains(file.path()))
                .collect(toImmutableList());
        for (TableFile file : late) {
            String name = file.name();
            String target = Locations.child(to, name);
            try {
                context.fileStore().moveFile(file.path(), target);
            }
            catch (IOException e) {
                throw new UncheckedIOException("failed to move late file %s to %s".formatted(file.path(), target), e);
            }
            log.info("operation {}: moved late file {} of {} to {}", operationId, name, partition.displayName(), to);
        }
        return late.size();
    }
}

package io.dredge.core.compaction;

import io.dredge.core.journal.PartitionRecord;
import io.dredge.core.model.Locations;
import io.dredge.core.model.TableFile;
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
 * Files a concurrent writer put into a partition's original location after it was swapped to its compacted copy
 * (the writer had looked up the location before the swap). They are not in the plan, and the table no longer
 * reads that location, so they move into the copy: every row stays visible exactly once.
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
        Set<String> planned = partition.inputFiles().stream().map(TableFile::path).collect(toImmutableSet());
        List<TableFile> late = HiveTableFiles.listDataFiles(context.fileStore(), partition.originalLocation()).stream()
                .filter(file -> !planned.contains(file.path()))
                .collect(toImmutableList());
        for (TableFile file : late) {
            String name = file.path().substring(file.path().lastIndexOf('/') + 1);
            // the name stays: bucketed tables read the bucket number from it
            String target = Locations.child(partition.stagingLocation(), name);
            try {
                context.fileStore().moveFile(file.path(), target);
            }
            catch (IOException e) {
                throw new UncheckedIOException("failed to move late file %s into %s".formatted(file.path(), target), e);
            }
            log.info("operation {}: moved late file {} of {} into the compacted copy", operationId, name, partition.displayName());
        }
        return late.size();
    }
}

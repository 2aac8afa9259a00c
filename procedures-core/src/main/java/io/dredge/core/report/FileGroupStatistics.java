package io.dredge.core.report;

import io.dredge.core.model.TableFile;

import java.util.Collection;

import static java.util.Objects.requireNonNull;

/**
 * Small-file figures of one group of files: a partition, or a whole table.
 */
public record FileGroupStatistics(
        long fileCount,
        long totalBytes,
        long smallFileCount,
        long idealFileCount,
        FileGroupStatus status)
{
    public FileGroupStatistics
    {
        requireNonNull(status, "status is null");
    }

    public static FileGroupStatistics of(Collection<TableFile> files, SmallFilePolicy policy)
    {
        long totalBytes = 0;
        long smallFileCount = 0;
        for (TableFile file : files) {
            totalBytes += file.sizeBytes();
            if (policy.isSmall(file.sizeBytes())) {
                smallFileCount++;
            }
        }
        long fileCount = files.size();
        return new FileGroupStatistics(fileCount, totalBytes, smallFileCount, policy.idealFileCount(totalBytes), policy.status(fileCount, totalBytes));
    }

    /**
     * The whole of a partitioned table: its ideal file count is the sum of its non-empty partitions' (at least 1),
     * because compaction cannot merge files across partitions.
     */
    public static FileGroupStatistics ofPartitions(Collection<? extends Collection<TableFile>> partitions, SmallFilePolicy policy)
    {
        long fileCount = 0;
        long totalBytes = 0;
        long smallFileCount = 0;
        long idealFileCount = 0;
        for (Collection<TableFile> partition : partitions) {
            FileGroupStatistics statistics = of(partition, policy);
            fileCount += statistics.fileCount();
            totalBytes += statistics.totalBytes();
            smallFileCount += statistics.smallFileCount();
            idealFileCount += statistics.fileCount() == 0 ? 0 : statistics.idealFileCount();
        }
        idealFileCount = Math.max(1, idealFileCount);
        return new FileGroupStatistics(fileCount, totalBytes, smallFileCount, idealFileCount, policy.status(fileCount, totalBytes, idealFileCount));
    }

    /**
     * Average file size, rounded down; 0 for an empty group.
     */
    public long avgFileBytes()
    {
        return fileCount == 0 ? 0 : totalBytes / fileCount;
    }

    /**
     * {@code file_count / ideal_file_count}.
     */
    public double compactionRatio()
    {
        return (double) fileCount / idealFileCount;
    }

    public String recommendedAction()
    {
        if (status == FileGroupStatus.OK) {
            return "none";
        }
        return "compact %s files into about %s".formatted(fileCount, idealFileCount);
    }
}

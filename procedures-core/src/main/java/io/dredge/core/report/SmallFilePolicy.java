package io.dredge.core.report;

/**
 * When a group of files (a partition, or an unpartitioned table) counts as needing compaction.
 *
 * <p>A file is small when it is smaller than {@code targetFileSizeBytes / compactionRatioThreshold}; a group
 * needs compaction when it has more files than {@link #idealFileCount(long)} and its average file is small.
 */
public record SmallFilePolicy(long targetFileSizeBytes, double compactionRatioThreshold)
{
    public static final long DEFAULT_TARGET_FILE_SIZE_BYTES = 128L * 1024 * 1024;
    public static final double DEFAULT_COMPACTION_RATIO_THRESHOLD = 10;

    public static final SmallFilePolicy DEFAULT = new SmallFilePolicy(DEFAULT_TARGET_FILE_SIZE_BYTES, DEFAULT_COMPACTION_RATIO_THRESHOLD);

    public SmallFilePolicy
    {
        if (targetFileSizeBytes <= 0) {
            throw new IllegalArgumentException("target file size must be positive: " + targetFileSizeBytes);
        }
        // below 1 a "small" file would be larger than the target itself
        if (!(compactionRatioThreshold >= 1) || Double.isInfinite(compactionRatioThreshold)) {
            throw new IllegalArgumentException("compaction ratio threshold must be a finite number of at least 1: " + compactionRatioThreshold);
        }
    }

    public double smallFileBoundBytes()
    {
        return targetFileSizeBytes / compactionRatioThreshold;
    }

    public boolean isSmall(long fileSizeBytes)
    {
        return fileSizeBytes < smallFileBoundBytes();
    }

    /**
     * {@code NEEDS_COMPACTION} when the group has more files than {@link #idealFileCount(long)} and its average
     * file is small; {@code OK} otherwise (an empty group is OK).
     */
    public FileGroupStatus status(long fileCount, long totalBytes)
    {
        return status(fileCount, totalBytes, idealFileCount(totalBytes));
    }

    /**
     * As {@link #status(long, long)}, against a given ideal file count (a partitioned table's is the sum of its
     * partitions', since no file can hold rows of two partitions).
     */
    public FileGroupStatus status(long fileCount, long totalBytes, long idealFileCount)
    {
        boolean averageIsSmall = fileCount > 0 && ((double) totalBytes / fileCount) < smallFileBoundBytes();
        return fileCount > idealFileCount && averageIsSmall ? FileGroupStatus.NEEDS_COMPACTION : FileGroupStatus.OK;
    }

    /**
     * {@code max(1, ceil(totalBytes / targetFileSize))}.
     */
    public long idealFileCount(long totalBytes)
    {
        if (totalBytes <= 0) {
            return 1;
        }
        return Math.max(1, (totalBytes - 1) / targetFileSizeBytes + 1);
    }
}
